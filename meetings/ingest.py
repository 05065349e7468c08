"""Ingest: an uploaded file becomes a clean PDF we can show, its text with positions, or a
refusal that says what to do, in Vietnamese and English.

Nothing here parses the untrusted file in this process. The type is told by its first bytes;
everything else happens in child processes with their own session (process group) and
resource limits: `meetings.ingest_worker` (zip check, PDF checks, text, cleaning, and page 1
of the cleaned copy as an image) under an address-space and CPU limit, and LibreOffice
headless (office files to PDF) with its own profile directory, a time limit and an output
size limit. When a child runs out of memory or time it dies alone; its whole process group is
killed so nothing is left behind.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meetings.errors import DomainError, Kind, invalid

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC, XLS, PPT (before 2007)
ZIP_MAGIC = b"PK\x03\x04"  # DOCX, XLSX, PPTX, ODT, ODS, ODP
OFFICE_SUFFIXES = {".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp",
                   ".rtf"}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
        "đọc được. Hãy xuất tài liệu ra PDF rồi tải lên.",
        "The file is neither a PDF nor an office document (Word, Excel, PowerPoint, "
        "OpenDocument) we can read. Export the document to PDF and upload it.",
    ),
    "broken_pdf": ("Không mở được tệp PDF (tệp hỏng). Hãy xuất lại tài liệu ra PDF.",
                   "The PDF cannot be opened (the file is damaged). Export it to PDF again."),
    "encrypted_pdf": (
        "Tệp PDF có mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại, hoặc nhập mật khẩu khi tải lên.",
        "The PDF is password-protected. Remove the password and upload it again, or give "
        "the password with the upload.",
    ),
    "wrong_password": ("Mật khẩu của tệp PDF không đúng.",
                       "The password for the PDF is wrong."),
    "no_pages": ("Tệp PDF không có trang nào.", "The PDF has no pages."),
    "too_many_pages": ("Tệp PDF có quá nhiều trang (vượt giới hạn). Hãy tách thành nhiều tệp.",
                       "The PDF has more pages than the limit. Split it into several files."),
    "page_too_large": (
        "Tệp PDF có trang quá khổ (vượt kích thước tối đa cho phép). Hãy xuất lại với khổ giấy "
        "thông thường.",
        "The PDF has a page larger than the size allowed. Export it again on a usual paper "
        "size.",
    ),
    "image_too_large": (
        "Tệp PDF chứa hình ảnh quá lớn (quá nhiều điểm ảnh). Hãy giảm độ phân giải rồi xuất "
        "lại.",
        "The PDF holds an image far too large (too many pixels). Lower its resolution and "
        "export it again.",
    ),
    "zip_bomb": (
        "Tệp văn phòng giải nén ra dung lượng quá lớn, không xử lý được. Hãy xuất ra PDF.",
        "The office file unpacks to far too much data to process. Export it to PDF.",
    ),
    "too_complex": (
        "Tệp quá phức tạp: xử lý vượt giới hạn bộ nhớ hoặc thời gian. Hãy xuất lại ra PDF "
        "đơn giản hơn (ví dụ in ra PDF).",
        "The file is too complex: processing it went over the memory or time limit. Export "
        "a simpler PDF (for example, print to PDF).",
    ),
    "conversion_failed": (
        "Không chuyển được tài liệu văn phòng sang PDF. Hãy mở bằng Word/LibreOffice và "
        "xuất ra PDF.",
        "The office document could not be converted to PDF. Open it in Word or LibreOffice "
        "and export it to PDF.",
    ),
    "conversion_timeout": (
        "Chuyển tài liệu sang PDF quá thời gian cho phép. Hãy tự xuất ra PDF rồi tải lên.",
        "Converting the document to PDF took longer than allowed. Export it to PDF yourself "
        "and upload that.",
    ),
}


def refusal(code: str, **details: Any) -> DomainError:
    vi, en = MESSAGES[code]
    return invalid(code, vi, en, **details)


def _limit(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_limited(argv: list[str], *, cwd: Path, timeout: float,
                preexec: Callable[[], None] | None, env: dict[str, str] | None = None) -> int:
    """Run a child in its own process group; kill the whole group when it is done or late.

    Returns the exit status, or raises TimeoutError."""
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=preexec, env=env)
    try:
        return _wait(process, timeout)
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


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int:
    """Popen.wait with a timeout polls, sleeping up to 50 ms between looks (an upload's
    answer waited for that); a pidfd wakes us as soon as the child exits."""
    try:
        pidfd = os.pidfd_open(process.pid)
    except OSError:
        return process.wait(timeout=timeout)
    try:
        # poll, not select: a server with a thousand tablets has descriptors above 1024.
        waiter = select.poll()
        waiter.register(pidfd, select.POLLIN)
        if not waiter.poll(timeout * 1000):
            raise subprocess.TimeoutExpired(process.args, timeout)
    finally:
        os.close(pidfd)
    return process.wait()


def _worker(job: dict[str, Any], work: Path, limits: Limits) -> dict[str, Any]:
    job_path = work / f"job-{job['mode']}.json"
    result_path = job_path.with_name("result.json")
    result_path.unlink(missing_ok=True)
    job_path.write_text(json.dumps(job))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT_ROOT),
           "HOME": str(work), "OMP_NUM_THREADS": "1"}
    try:
        status = run_limited([sys.executable, "-m", "meetings.ingest_worker", str(job_path)],
                             cwd=work, timeout=limits.cpu_seconds * 2 + 10,
                             preexec=_limit(limits.memory_mb, limits.cpu_seconds), env=env)
    except TimeoutError:
        raise refusal("too_complex", reason="time") from None
    if status != 0 or not result_path.exists():
        # Killed by the kernel (memory, CPU time) or crashed inside MuPDF.
        raise refusal("too_complex", reason=f"worker exit {status}")
    result: dict[str, Any] = json.loads(result_path.read_text())
    if "error" in result:
        raise refusal(result["error"], **(result.get("details") or {}))
    return result


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(source: Path, work: Path, limits: Limits) -> Path:
    """LibreOffice headless, alone: its own profile, a time limit, a size limit on output."""
    binary = soffice_binary()
    if binary is None:
        raise refusal("conversion_failed", reason="LibreOffice is not installed")
    profile = work / "lo-profile"
    out = work / "converted"
    out.mkdir()
    argv = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
            "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
            "--convert-to", "pdf", "--outdir", str(out), str(source)]
    max_out = limits.convert_max_mb * 1024 * 1024

    def limit_output() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_out, max_out))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (int(limits.convert_seconds) + 5,) * 2)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work),
           "SAL_USE_VCLPLUGIN": "svp"}
    try:
        status = run_limited(argv, cwd=work, timeout=limits.convert_seconds,
                             preexec=limit_output, env=env)
    except TimeoutError:
        raise refusal("conversion_timeout", seconds=limits.convert_seconds) from None
    produced = list(out.glob("*.pdf"))
    if status != 0 or not produced:
        raise refusal("conversion_failed", reason=f"soffice exit {status}")
    return produced[0]


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
           scratch: Path | None = None, first_page: FirstPage | None = None) -> Ingested:
    """Check, convert if needed, read and clean an upload; render page 1 of the clean copy
    when `first_page` says how. Raises a bilingual refusal."""
    if len(data) > limits.max_bytes:
        raise DomainError(Kind.TOO_LARGE, "file_too_large",
                          f"Tệp vượt quá giới hạn {limits.max_bytes // (1024 * 1024)} MB.",
                          f"The file is larger than the limit of "
                          f"{limits.max_bytes // (1024 * 1024)} MB.")
    kind = sniff(data, filename)
    with tempfile.TemporaryDirectory(prefix="phonghop-ingest-", dir=scratch) as tmp:
        work = Path(tmp)
        suffix = Path(filename).suffix.lower()
        family = kind
        if kind == "pdf":
            pdf_path = work / "input.pdf"
            pdf_path.write_bytes(data)
        else:
            if kind == "zip":
                found = _worker({"mode": "office", "input": _write(work, data, suffix),
                                 "max_unpacked": limits.max_unpacked_mb * 1024 * 1024,
                                 "max_ratio": limits.max_zip_ratio}, work, limits)
                family = str(found["family"])
                source = Path(_write(work, data, suffix if suffix in OFFICE_SUFFIXES else
                                     (".docx" if family == "ooxml" else ".odt")))
            else:
                source = Path(_write(work, data, suffix if suffix in OFFICE_SUFFIXES
                                     else ".doc"))
            pdf_path = convert_to_pdf(source, work, limits)
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
    with tempfile.TemporaryDirectory(prefix="phonghop-ingest-", dir=scratch) as tmp:
        found = _worker({"mode": "words", "input": str(pdf)}, Path(tmp), limits)
        return list(found["pages"])


def _write(work: Path, data: bytes, suffix: str) -> str:
    path = work / f"upload{suffix or '.bin'}"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


def read_trusted(pdf: bytes) -> Ingested:
    """Read a PDF this server generated itself (the demo) in this process, without a child."""
    from meetings.ingest_worker import read_pdf

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
