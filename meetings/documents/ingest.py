"""Ingest: an uploaded file becomes a clean PDF we can show, its text with positions, or a
refusal that says what to do, in Vietnamese and English.

Nothing here parses the untrusted file in this process. The type is told by its first bytes;
everything else happens in child processes with their own session (process group) and
resource limits: `meetings.documents.ingest_worker` (zip check, PDF checks, text, cleaning,
and page 1 of the cleaned copy as an image) under an address-space and CPU limit, and LibreOffice
headless (office files to PDF) with its own profile directory, a time limit and an output
size limit. When a child runs out of memory or time it dies alone; its whole process group is
killed so nothing is left behind.

Two kinds of failure, told apart for real: a file at fault (the reader refused it, or died
reading it: killed by its limits, crashed inside MuPDF) is a 422 refusal that says what to do
with the file; a failure of the server (the reader could not start or read its job, the scratch
folder is not usable, LibreOffice is not installed) is logged, saying what failed, and answered
with `Kind.INTERNAL` and a message that does not blame the file. The reader says when it has
read its job (see `meetings.documents.ingest_worker`); this process never parses the file, so
any OSError here is the server's.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meetings.documents.ingest_worker import ANSWER_UNWRITTEN, DISK_FULL, MEMORY_WORDS, READING
from meetings.documents.orphans import die_with_parent
from meetings.errors import NO_SPACE, DomainError, Kind, internal, invalid, storage_full

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC, XLS, PPT (before 2007)
ZIP_MAGIC = b"PK\x03\x04"  # DOCX, XLSX, PPTX, ODT, ODS, ODP
OFFICE_SUFFIXES = {".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp",
                   ".rtf"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 5000
    max_page_mm: int = 2000
    memory_mb: int = 1536
    cpu_seconds: int = 120
    convert_seconds: float = 120.0
    convert_max_mb: int = 400
    max_unpacked_mb: int = 1024
    max_zip_ratio: int = 200
    max_image_pixels: int = 250_000_000  # 600 dpi A1 is 200 million


@dataclass(frozen=True)
class FirstPage:
    """Page 1 of the cleaned copy as the render workers would cache it (width in pixels,
    image format), rendered by the child that read the upload, under the same limits."""

    width: int
    format: str


@dataclass
class Ingested:
    """What an accepted upload became: the cleaned PDF (for tablets) beside the original,
    and page 1 of the cleaned PDF as an image when it was asked for and could be rendered."""

    pdf: bytes
    original: bytes
    original_type: str  # "pdf" or the office family converted ("ooxml", "odf", "ole")
    page_count: int
    title: str
    pages: list[dict[str, Any]]
    removed: dict[str, int] = field(default_factory=dict)
    first_page: bytes | None = None


MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("Tệp rỗng, không có nội dung.", "The file is empty."),
    "not_pdf": (
        "Tệp không phải PDF hay tài liệu văn phòng (Word, Excel, PowerPoint, OpenDocument) "
        "đọc được. Vui lòng xuất tài liệu ra PDF rồi tải lên.",
        "The file is neither a PDF nor an office document (Word, Excel, PowerPoint, "
        "OpenDocument) we can read. Export the document to PDF and upload it.",
    ),
    "broken_pdf": ("Không mở được tệp PDF (tệp hỏng). Vui lòng xuất lại tài liệu ra PDF.",
                   "The PDF cannot be opened (the file is damaged). Export it to PDF again."),
    "encrypted_pdf": (
        "Tệp PDF có mật khẩu. Vui lòng gỡ mật khẩu rồi tải lên lại, hoặc nhập mật khẩu khi "
        "tải lên.",
        "The PDF is password-protected. Remove the password and upload it again, or give "
        "the password with the upload.",
    ),
    "wrong_password": ("Mật khẩu của tệp PDF không đúng.",
                       "The password for the PDF is wrong."),
    "no_pages": ("Tệp PDF không có trang nào.", "The PDF has no pages."),
    "too_many_pages": (
        "Tệp PDF có quá nhiều trang (vượt giới hạn). Vui lòng tách thành nhiều tệp.",
        "The PDF has more pages than the limit. Split it into several files."),
    "page_too_large": (
        "Tệp PDF có trang quá khổ (vượt kích thước tối đa cho phép). Vui lòng xuất lại với "
        "khổ giấy thông thường.",
        "The PDF has a page larger than the size allowed. Export it again on a usual paper "
        "size.",
    ),
    "image_too_large": (
        "Tệp PDF chứa hình ảnh quá lớn (quá nhiều điểm ảnh). Vui lòng giảm độ phân giải rồi "
        "xuất lại.",
        "The PDF holds an image far too large (too many pixels). Lower its resolution and "
        "export it again.",
    ),
    "active_content": (
        "Tệp PDF chứa nội dung tự chạy (mã lệnh, liên kết mở chương trình, tệp đính kèm) "
        "không gỡ bỏ được. Vui lòng in tài liệu ra PDF (Print to PDF) rồi tải lên.",
        "The PDF holds active content (scripts, links that open programs, attached files) "
        "that could not be removed. Please print the document to PDF and upload that.",
    ),
    "zip_bomb": (
        "Tệp văn phòng giải nén ra dung lượng quá lớn, không xử lý được. Vui lòng xuất ra PDF.",
        "The office file unpacks to far too much data to process. Export it to PDF.",
    ),
    "too_complex": (
        "Tệp quá phức tạp: xử lý vượt giới hạn bộ nhớ hoặc thời gian. Vui lòng xuất lại ra PDF "
        "đơn giản hơn (ví dụ in ra PDF).",
        "The file is too complex: processing it went over the memory or time limit. Export "
        "a simpler PDF (for example, print to PDF).",
    ),
    "conversion_failed": (
        "Không chuyển được tài liệu văn phòng sang PDF. Vui lòng mở bằng Word/LibreOffice và "
        "xuất ra PDF.",
        "The office document could not be converted to PDF. Open it in Word or LibreOffice "
        "and export it to PDF.",
    ),
    "conversion_too_large": (
        "Tài liệu văn phòng khi chuyển sang PDF cần quá nhiều dung lượng. Vui lòng giảm dung "
        "lượng ảnh trong tài liệu hoặc tự xuất ra PDF rồi tải lên.",
        "Converting the office document to PDF needs too much space. Reduce the size of its "
        "pictures, or export it to PDF yourself and upload that.",
    ),
    "conversion_timeout": (
        "Chuyển tài liệu sang PDF quá thời gian cho phép. Vui lòng tự xuất ra PDF rồi tải lên.",
        "Converting the document to PDF took longer than allowed. Export it to PDF yourself "
        "and upload that.",
    ),
}


# The server's own failures: the message says the file is not at fault.
FAILURES: dict[str, tuple[str, str]] = {
    "ingest_unavailable": (
        "Máy chủ gặp lỗi nội bộ khi đọc tệp tải lên (lỗi không phải do tệp). Vui lòng thử "
        "lại sau ít phút; nếu vẫn lỗi, vui lòng báo quản trị hệ thống.",
        "The server had an internal error reading the upload (the file is not at fault). "
        "Please try again in a few minutes; if it fails again, please tell the system "
        "administrator.",
    ),
    "interrupted": (
        "Máy chủ đã khởi động lại trong khi đọc tệp này (lỗi không phải do tệp). Vui lòng "
        "tải tệp lên lại.",
        "The server restarted while it was reading this file (the file is not at fault). "
        "Please upload the file again.",
    ),
    "tool_missing": (
        "Máy chủ chưa cài đặt LibreOffice nên chưa chuyển được tài liệu văn phòng sang PDF "
        "(lỗi không phải do tệp). Vui lòng báo quản trị hệ thống, hoặc xuất tài liệu ra PDF "
        "rồi tải lên.",
        "The server cannot convert office documents to PDF: LibreOffice is not installed "
        "(the file is not at fault). Please tell the system administrator, or export the "
        "document to PDF and upload that.",
    ),
}


def refusal(code: str, **details: Any) -> DomainError:
    vi, en = MESSAGES[code]
    return invalid(code, vi, en, **details)


def server_failure(code: str, what: str, **details: Any) -> DomainError:
    """The server could not read an upload through no fault of the file: logs what failed
    (for the administrator) and gives the error to raise (for the person)."""
    log.error("%s: %s", code, what)
    vi, en = FAILURES[code]
    return internal(code, vi, en, **details)


@contextmanager
def _workspace(scratch: Path | None) -> Iterator[Path]:
    """A private folder for one upload under `scratch`, removed afterwards. An OSError while
    it is in use (not writable, disk full) is the server's failure, never the file's."""
    where = scratch if scratch is not None else Path(tempfile.gettempdir())
    try:
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="phonghop-ingest-", dir=where) as tmp:
            yield Path(tmp)
    except OSError as exc:
        if exc.errno in NO_SPACE:
            log.error("storage_full: no space for an upload in %s: %s", where, exc)
            raise storage_full() from exc
        raise server_failure("ingest_unavailable",
                             f"the scratch folder {where} cannot be used: {exc}",
                             reason="scratch") from exc


def _tail(path: Path, limit: int = 600) -> str:
    """The end of a child's stderr, on one line, for the log."""
    try:
        text = path.read_bytes()[-limit:].decode(errors="replace")
    except OSError:
        return "(no output)"
    return " | ".join(line.strip() for line in text.splitlines() if line.strip()) or "(no output)"


def _limit(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    server = os.getpid()

    def apply() -> None:
        die_with_parent(server)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class OverLimit(Exception):
    """A watched child went over its limit (`run_limited`'s `watch` said so)."""


def run_limited(argv: list[str], *, cwd: Path, timeout: float,
                preexec: Callable[[], None] | None, env: dict[str, str] | None = None,
                stderr: Path | None = None, watch: Callable[[], bool] | None = None) -> int:
    """Run a child in its own process group; kill the whole group when it is done or late.
    Its stderr goes to the file `stderr` when given. `watch`, asked every 20 ms while the
    child runs and once after it ends, says whether it went over a limit: then the group is
    killed and OverLimit raised.

    Returns the exit status, or raises TimeoutError; OSError (or SubprocessError, from
    `preexec`) when it cannot be started."""
    with open(stderr, "wb") if stderr is not None else open(os.devnull, "wb") as err:
        process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err,
                                   start_new_session=True, preexec_fn=preexec, env=env)
    try:
        status = _wait(process, timeout, watch)
        if watch is not None and watch():
            raise OverLimit
        return status
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    finally:
        # Grandchildren (LibreOffice's soffice.bin) share the group: none survives us.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if process.poll() is None:
            process.kill()
        process.wait()


def _wait(process: subprocess.Popen[bytes], timeout: float,
          watch: Callable[[], bool] | None = None) -> int:
    """Popen.wait with a timeout polls, sleeping up to 50 ms between looks (an upload's
    answer waited for that); a pidfd wakes us as soon as the child exits."""
    try:
        pidfd = os.pidfd_open(process.pid)
    except OSError:
        if watch is None:
            return process.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(process.args, timeout) from None
            if watch():
                raise OverLimit from None
            time.sleep(0.02)
        return process.returncode
    try:
        # poll, not select: a server with a thousand tablets has descriptors above 1024.
        waiter = select.poll()
        waiter.register(pidfd, select.POLLIN)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout)
            if waiter.poll(min(left, 0.02 if watch else left) * 1000):
                break
            if watch is not None and watch():
                raise OverLimit
    finally:
        os.close(pidfd)
    return process.wait()


def _worker(job: dict[str, Any], work: Path, limits: Limits) -> dict[str, Any]:
    """Run the reader on one job in `work`; its answer, or a refusal, or a server failure."""
    job_path = work / f"job-{job['mode']}.json"
    result_path = job_path.with_name("result.json")
    reading = job_path.with_name(READING)
    stderr = job_path.with_name("stderr.txt")
    result_path.unlink(missing_ok=True)
    reading.unlink(missing_ok=True)
    job_path.write_text(json.dumps(job))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT_ROOT),
           "HOME": str(work), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "meetings.documents.ingest_worker", str(job_path)]
    try:
        status = run_limited(argv, cwd=work, timeout=limits.cpu_seconds * 2 + 10,
                             preexec=_limit(limits.memory_mb, limits.cpu_seconds), env=env,
                             stderr=stderr)
    except TimeoutError:
        if not reading.exists():
            raise server_failure(
                "ingest_unavailable", f"the reading child did not read its job {job_path} "
                f"within {limits.cpu_seconds * 2 + 10} s: {_tail(stderr)}",
                reason="worker_start") from None
        raise refusal("too_complex", reason="time") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise server_failure("ingest_unavailable",
                             f"the reading child could not be started ({argv[0]}): {exc}",
                             reason="worker_start") from exc
    if not reading.exists():
        # It never got as far as the file: a wrong path, a memory limit too low for the
        # interpreter, a broken install. Not the file's fault.
        raise server_failure(
            "ingest_unavailable", f"the reading child exited with status {status} before "
            f"reading its job {job_path}: {_tail(stderr)}", reason="worker_start")
    if status == DISK_FULL:
        log.error("storage_full: the reading child found no space left in %s", work)
        raise storage_full()
    if status == ANSWER_UNWRITTEN:
        raise server_failure("ingest_unavailable",
                             f"the reading child could not write its answer: {_tail(stderr)}",
                             reason="scratch")
    if status != 0 or not result_path.exists():
        # Killed by the kernel (CPU time) or crashed inside MuPDF, reading the file. An
        # allocation that fails where nothing catches it (MuPDF's C++ layer throws
        # std::bad_alloc and aborts) is running out of memory, as its stderr says.
        said = _tail(stderr)
        log.info("too_complex: the reading child exited with status %s: %s", status, said)
        if status == -signal.SIGXCPU:
            reason = "time"
        elif any(word in said.lower() for word in MEMORY_WORDS):
            reason = "memory"
        else:
            reason = "crash"
        raise refusal("too_complex", reason=reason)
    result: dict[str, Any] = json.loads(result_path.read_text())
    if "error" in result:
        # The reader's own words go to the log only: they may name a server path.
        if result.get("note"):
            log.info("%s: %s", result["error"], result["note"])
        raise refusal(result["error"], **(result.get("details") or {}))
    return result


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(source: Path, work: Path, limits: Limits) -> Path:
    """LibreOffice headless, alone: its own profile, a time limit, a limit on the space it
    writes.

    The space (its PDF and its temporary files, kept in the work folder) is watched while it
    runs, and the conversion refused when it goes over `convert_max_mb`. A file-size rlimit
    alone is not enough: LibreOffice, its write refused, drops what it could not write (a
    photo) and still exits 0 with a PDF that looks whole. The rlimit stays, far above the
    limit, for a writer faster than the watch."""
    binary = soffice_binary()
    if binary is None:
        raise server_failure("tool_missing", "LibreOffice (soffice or libreoffice) is not on "
                             f"PATH ({os.environ.get('PATH', '')}): office documents cannot "
                             "be converted to PDF", tool="LibreOffice")
    profile = work / "lo-profile"
    out = work / "converted"
    out.mkdir()
    scratch = work / "lo-tmp"
    scratch.mkdir()
    # Through the guard: LibreOffice's worker is a grandchild, which only a guard that kills
    # the process group can take down when the server dies.
    argv = [sys.executable, "-m", "meetings.documents.guard", str(os.getpid()),
            binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
            "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
            "--convert-to", "pdf", "--outdir", str(out), str(source)]
    max_out = limits.convert_max_mb * 1024 * 1024
    backstop = 4 * max_out + 256 * 1024 * 1024

    def limit_output() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (backstop, backstop))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (int(limits.convert_seconds) + 5,) * 2)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work),
           "TMPDIR": str(scratch), "SAL_USE_VCLPLUGIN": "svp",
           "PYTHONPATH": str(PROJECT_ROOT)}
    try:
        status = run_limited(argv, cwd=work, timeout=limits.convert_seconds,
                             preexec=limit_output, env=env,
                             watch=lambda: _space_used(out, scratch) > max_out)
    except TimeoutError:
        raise refusal("conversion_timeout", seconds=limits.convert_seconds) from None
    except OverLimit:
        raise refusal("conversion_too_large", limit_mb=limits.convert_max_mb) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise server_failure("tool_missing", f"LibreOffice ({binary}) could not be started: "
                             f"{exc}", tool="LibreOffice") from exc
    produced = list(out.glob("*.pdf"))
    if status != 0 or not produced:
        raise refusal("conversion_failed", reason=f"soffice exit {status}")
    return produced[0]


def _space_used(*folders: Path) -> int:
    """Bytes in the files under `folders` (those vanishing meanwhile count nothing)."""
    total = 0
    stack = list(folders)
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return total


def sniff(data: bytes, filename: str) -> str:
    """The file's kind by its first bytes; the name only tells office files apart."""
    if not data:
        raise refusal("empty_file")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"{\\rtf") and Path(filename).suffix.lower() == ".rtf":
        return "rtf"
    raise refusal("not_pdf")


def ingest(data: bytes, filename: str, limits: Limits, *, password: str = "",
           scratch: Path | None = None, first_page: FirstPage | None = None,
           stored: Path | None = None, on_stage: Callable[[str], None] | None = None
           ) -> Ingested:
    """Check, convert if needed, read and clean an upload; render page 1 of the clean copy
    when `first_page` says how. Raises a bilingual refusal.

    `stored`: where `data` already is on disk (linked into the work folder, not copied
    again); `on_stage` hears "converting" before LibreOffice starts and "reading" before
    the PDF is read."""
    told = on_stage or (lambda stage: None)
    if len(data) > limits.max_bytes:
        raise DomainError(Kind.TOO_LARGE, "file_too_large",
                          f"Tệp vượt quá giới hạn {limits.max_bytes // (1024 * 1024)} MB.",
                          f"The file is larger than the limit of "
                          f"{limits.max_bytes // (1024 * 1024)} MB.")
    kind = sniff(data, filename)
    with _workspace(scratch) as work:
        suffix = Path(filename).suffix.lower()
        family = kind
        if kind == "pdf":
            pdf_path = Path(_write(work, data, ".pdf", stored))
        else:
            told("converting")
            if kind == "zip":
                found = _worker({"mode": "office", "input": _write(work, data, suffix, stored),
                                 "max_unpacked": limits.max_unpacked_mb * 1024 * 1024,
                                 "max_ratio": limits.max_zip_ratio}, work, limits)
                family = str(found["family"])
                source = Path(_write(work, data, suffix if suffix in OFFICE_SUFFIXES else
                                     (".docx" if family == "ooxml" else ".odt"), stored))
            else:
                source = Path(_write(work, data, suffix if suffix in OFFICE_SUFFIXES
                                     else ".doc", stored))
            pdf_path = convert_to_pdf(source, work, limits)
        told("reading")
        clean = work / "clean.pdf"
        image = work / "first-page.img"
        found = _worker({"mode": "pdf", "input": str(pdf_path), "clean": str(clean),
                         "password": password, "max_pages": limits.max_pages, "words": False,
                         "max_page_mm": limits.max_page_mm,
                         "max_image_pixels": limits.max_image_pixels,
                         "first_page": None if first_page is None else {
                             "width": first_page.width, "format": first_page.format,
                             "path": str(image)}}, work, limits)
        return Ingested(pdf=clean.read_bytes(), original=data, original_type=family,
                        page_count=int(found["page_count"]), title=str(found["title"]),
                        pages=list(found["pages"]), removed=dict(found["removed"]),
                        first_page=image.read_bytes() if found.get("first_page") else None)


def extract_words(pdf: Path, limits: Limits, *, scratch: Path | None = None
                  ) -> list[dict[str, Any]]:
    """The words of every page of a cleaned PDF, with their boxes (a child process too: the
    file was checked, but reading all its text is where time goes). Runs after the document
    is shown, so tablets never wait for it."""
    with _workspace(scratch) as work:
        found = _worker({"mode": "words", "input": str(pdf)}, work, limits)
        return list(found["pages"])


def _write(work: Path, data: bytes, suffix: str, stored: Path | None = None) -> str:
    """The upload in the work folder, named with `suffix`: a link to where it is stored
    already (no second copy on the disk), else written."""
    path = work / f"upload{suffix or '.bin'}"
    if not path.exists():
        try:
            if stored is None:
                raise OSError("not stored")
            os.link(stored, path)
        except OSError:
            path.write_bytes(data)
    return str(path)


def read_trusted(pdf: bytes) -> Ingested:
    """Read a PDF this server generated itself (the demo) in this process, without a child."""
    from meetings.documents.ingest_worker import read_pdf

    with tempfile.TemporaryDirectory(prefix="phonghop-trusted-") as tmp:
        work = Path(tmp)
        (work / "in.pdf").write_bytes(pdf)
        found = read_pdf({"input": str(work / "in.pdf"), "clean": str(work / "clean.pdf"),
                          "max_pages": Limits.max_pages, "max_page_mm": Limits.max_page_mm,
                          "max_image_pixels": Limits.max_image_pixels})
        return Ingested(pdf=(work / "clean.pdf").read_bytes(), original=pdf,
                        original_type="pdf", page_count=int(found["page_count"]),
                        title=str(found["title"]), pages=list(found["pages"]),
                        removed=dict(found["removed"]))
