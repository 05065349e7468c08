"""The README's own path, run as a new user runs it: `make demo PORT=…` in a copy of the
repository (the relative data dir `var`, started from its root, a real process that make
starts), the secretary uploading a PDF and a Word file through HTTP and a PDF in Chromium, then
Ctrl-C; and `phonghop serve` with a relative `--data-dir`, started from another folder. The
other tests use absolute temporary folders, so a path that only works from one folder goes
unseen there. Also: when the server itself cannot read uploads, its log says what failed and
the secretary reads that the file is not at fault; `phonghop --help`."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from PIL import Image

from meetings.demo.seed import DEMO_PASSWORD
from phonghop.settings import Settings
from tests import hostile_files as h
from tests.conftest import IN_CI, PG_URL, ROOT, free_port, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium

# The console script beside the interpreter running the tests (.venv/bin/phonghop).
PHONGHOP = Path(sys.executable).parent / "phonghop"
MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def environment_without_settings() -> dict[str, str]:
    """This machine's environment, less any PHONGHOP_* setting and the state of a make that
    may be running these tests (`make test`): the README's commands are typed in a shell."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("PHONGHOP_") and k not in MAKE_STATE}


def copy_of_the_repository(dest: Path) -> Path:
    """The tracked files as the working tree has them, with their modification times, and
    the virtualenv running these tests linked in as .venv, so that make finds it installed."""
    git = require_tool("git")
    listed = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet committed
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    (dest / ".venv").symlink_to(Path(sys.prefix))
    return dest


def make_would_not_reinstall(make: str, repo: Path, env: dict[str, str]) -> None:
    """`make demo` installs first when the venv's stamp is older than pyproject.toml; in a
    linked venv that would reinstall the one running these tests."""
    if subprocess.run([make, "-q", "install"], cwd=repo, env=env).returncode != 0:
        message = (f"{sys.prefix}/.installed is older than pyproject.toml: run `make install` "
                   "first (make demo would reinstall the venv these tests run in)")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def start(argv: list[str], cwd: Path, env: dict[str, str], log: Path
          ) -> subprocess.Popen[bytes]:
    """A process in a process group of its own, as a shell starts a command."""
    with log.open("wb") as out:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> str:
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # the demo hashes ten passwords at full cost first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"not serving after 240 s:\n{log.read_text()[-3000:]}")


def leftovers(group: int, folder: Path) -> list[str]:
    """Live processes still in the process group `group`, or running in or on files under
    `folder` (the upload readers and LibreOffice have sessions of their own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        state, _parent, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if state == "Z":
            continue
        if int(pgrp) == group or str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(f"{entry.name}: {cmdline[:160]}")
    return found


def interrupt(process: subprocess.Popen[bytes], folder: Path, log: Path) -> None:
    """Ctrl-C, as at the terminal: SIGINT to the whole process group. The server shuts down
    in order, no process prints a traceback, and everything it started is gone soon after."""
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while leftovers(process.pid, folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert leftovers(process.pid, folder) == []
    printed = log.read_text()
    assert "Application shutdown complete" in printed, printed[-3000:]
    assert "Traceback" not in printed, printed[-3000:]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Whatever happened in the test, nothing it started outlives it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


@contextmanager
def logged_in(base: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as client:
        r = client.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        yield client


def upload_until_ready(client: httpx.Client, meeting: int, item: int, data: bytes,
                       filename: str, word: str) -> dict[str, object]:
    """Upload as the preparation page does; the answer is the document, page 1 is served as
    an image, and its text was read for search."""
    r = client.post(f"/api/meetings/{meeting}/items/{item}/documents",
                    files={"file": (filename, data, "application/octet-stream")})
    assert r.status_code == 201, r.text
    document: dict[str, object] = r.json()["document"]
    assert document["filename"] == filename and document["page_count"] == 1
    page = client.get(f"/api/documents/{document['id']}/pages/1?w=1280")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("image/")
    assert Image.open(io.BytesIO(page.content)).width == 1280
    hits = client.get(f"/api/documents/{document['id']}/search", params={"q": word})
    assert [hit["page"] for hit in hits.json()["hits"]] == [1], hits.text
    items = client.get(f"/api/meetings/{meeting}").json()["items"]
    assert filename in [d["filename"] for i in items for d in i["documents"]]
    return document


def upload_in_the_browser(base: str, meeting: int, item: int, pdf: bytes, filename: str,
                          artifacts: Path | None, shot: str, *, listed: str | None = None
                          ) -> tuple[str, list[str]]:
    """The secretary's way: log in, open the meeting's preparation page, choose a PDF for an
    agenda item and upload it (and see it `listed` under the item, when it should be). Gives
    what the page then says, and the console's errors."""
    from playwright.sync_api import expect

    with chromium() as browser:
        walk = Walk(browser, SimpleNamespace(url=base), artifacts)  # type: ignore[arg-type]
        page = walk.log_in("thuky", f"/m/{meeting}/prepare")
        page.get_by_test_id(f"upload-file-{item}").set_input_files(
            {"name": filename, "mimeType": "application/pdf", "buffer": pdf})
        page.get_by_test_id(f"upload-submit-{item}").click()
        outcome = page.get_by_test_id("upload-message").or_(page.get_by_test_id("upload-error"))
        expect(outcome).to_be_visible(timeout=120_000)
        if listed is not None:
            expect(page.get_by_role("link", name=listed, exact=True)).to_be_visible()
        walk.shot(page, shot)
        return outcome.inner_text(), walk.errors


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        kill_group(process)


@pytest.mark.server
@pytest.mark.browser
def test_make_demo_in_a_copy_of_the_repository_reads_a_pdf_and_a_word_file(
        tmp_path: Path, processes: list[subprocess.Popen[bytes]], artifacts: Path | None
) -> None:
    make = require_tool("make")
    require_tool("soffice")
    require_tool(CHROMIUM)
    repo = copy_of_the_repository(tmp_path / "phonghop")
    env = environment_without_settings()
    make_would_not_reinstall(make, repo, env)
    port = free_port()
    log = tmp_path / "make-demo.log"
    process = start([make, "demo", f"PORT={port}"], repo, env, log)
    processes.append(process)
    base = wait_until_serving(port, process, log)

    printed = log.read_text()
    assert f"http://127.0.0.1:{port}/login" in printed  # the port asked for, not 8000
    found = re.search(rf"127\.0\.0\.1:{port}/m/(\d+)/prepare", printed)
    assert found, printed
    meeting = int(found.group(1))
    with logged_in(base, "thuky") as secretary:
        assert secretary.get(f"/m/{meeting}/prepare").status_code == 200
        item = secretary.get(f"/api/meetings/{meeting}").json()["items"][0]["id"]
        upload_until_ready(secretary, meeting, item,
                           h.simple_pdf("Báo cáo quyết toán ngân sách xã năm 2026"),
                           "quyet-toan-2026.pdf", "quyết toán")
        upload_until_ready(secretary, meeting, item,
                           h.docx("Tờ trình phê duyệt kế hoạch đầu tư công", paragraphs=3),
                           "to-trinh.docx", "phê duyệt")
    # And as the new secretary first tried it, in the browser.
    said, errors = upload_in_the_browser(base, meeting, item,
                                         h.simple_pdf("Đề án chuyển đổi số xã"), "de-an.pdf",
                                         artifacts, "readme-demo-upload", listed="de-an")
    assert said == "Đã tải lên: de-an (1 trang)." and errors == []

    # The data is the copy's own ./var, and the readers left nothing in its scratch folder.
    data = repo / "var"
    assert (data / "phonghop.db").is_file() and (data / "secret_key").is_file()
    assert list((data / "tmp").iterdir()) == []
    assert "ERROR" not in log.read_text(), log.read_text()[-3000:]
    interrupt(process, repo, log)


def serve_from(folder: Path, argv: list[str], settings: Settings, log: Path,
               processes: list[subprocess.Popen[bytes]], **env: str) -> tuple[
                   subprocess.Popen[bytes], str]:
    """`phonghop ARGV --port P` started in `folder`, on the test's database: on SQLite no
    URL is given (the database is the one the data dir names, {data_dir}/phonghop.db)."""
    environment = environment_without_settings() | env
    if PG_URL:
        environment["PHONGHOP_DATABASE_URL"] = settings.database_url
    port = free_port()
    process = start([str(PHONGHOP), *argv, "--port", str(port)], folder, environment, log)
    processes.append(process)
    return process, wait_until_serving(port, process, log)


@pytest.mark.server
@pytest.mark.parametrize("argv", [["serve", "--data-dir", "{data}"],
                                  ["--data-dir", "{data}", "serve"]],
                         ids=["serve --data-dir", "--data-dir before serve"])
def test_serve_with_a_relative_data_dir_from_another_folder_reads_a_pdf(
        argv: list[str], settings: Settings, demo: object, tmp_path: Path,
        processes: list[subprocess.Popen[bytes]]) -> None:
    elsewhere = tmp_path / "elsewhere"  # neither the repository nor the data dir
    elsewhere.mkdir()
    relative = os.path.relpath(settings.data_dir, elsewhere)
    assert relative == "../var"
    log = tmp_path / "serve.log"
    process, base = serve_from(elsewhere, [a.format(data=relative) for a in argv], settings,
                               log, processes)
    with logged_in(base, "thuky") as secretary:
        upload_until_ready(secretary, 1, 1, h.simple_pdf("Kế hoạch phát triển đô thị 2026"),
                           "ke-hoach.pdf", "đô thị")
    assert (settings.data_dir / "secret_key").is_file()  # the login cookie's key, made there
    assert list(elsewhere.iterdir()) == []  # nothing written where it was started
    interrupt(process, tmp_path, log)


@pytest.mark.server
@pytest.mark.browser
def test_the_server_logs_what_failed_when_the_reader_cannot_start(
        settings: Settings, demo: object, tmp_path: Path,
        processes: list[subprocess.Popen[bytes]], artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    # A memory limit too low for the reader's interpreter: an administrator's mistake, which
    # the person uploading hears is not their file's fault, and the log names.
    log = tmp_path / "serve.log"
    process, base = serve_from(tmp_path, ["serve", "--data-dir", "var"], settings, log,
                               processes, PHONGHOP_INGEST_MEMORY_MB="4")
    with logged_in(base, "thuky") as secretary:
        r = secretary.post("/api/meetings/1/items/1/documents",
                           files={"file": ("ke-hoach.pdf", h.simple_pdf(), "application/pdf")})
    assert r.status_code == 500 and r.json()["error"] == "ingest_unavailable", r.text
    assert "không phải do tệp" in r.json()["message_vi"]
    # The secretary reads, in the preparation page, that the file is not at fault.
    said, _ = upload_in_the_browser(base, 1, 1, h.simple_pdf(), "ke-hoach.pdf", artifacts,
                                    "readme-upload-server-failure")
    assert said == r.json()["message_vi"]
    lines = [line for line in log.read_text().splitlines() if line.startswith("ERROR")]
    assert len(lines) == 2  # one for each upload
    for line in lines:
            assert re.match(r"ERROR: +meetings\.documents\.ingest: ingest_unavailable: the "
                        r"reading child exited with status \d+ before reading its job "
                        rf"{re.escape(str(settings.data_dir))}/tmp/", line), line
    interrupt(process, tmp_path, log)


def test_help_says_what_each_command_does() -> None:
    out = subprocess.run([str(PHONGHOP), "--help"], capture_output=True, text=True,
                         env=dict(os.environ, COLUMNS="200"), timeout=60)
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines()
             if line.startswith("    ") and line.split()[0] in ("serve", "demo", "user", "body",
                                                                    "db")}
    assert set(lines) == {"serve", "demo", "user", "body", "db"}, out.stdout
    assert "run the server" in lines["serve"] and "default" in lines["serve"]
    assert "chạy máy chủ" in lines["serve"]
    assert "seed the demo" in lines["demo"] and "default" not in lines["demo"]
    assert "tạo dữ liệu mẫu" in lines["demo"]
    assert "accounts" in lines["user"] and "migrations" in lines["db"]
    assert "bodies" in lines["body"] and "cơ quan" in lines["body"]


def test_a_relative_data_dir_is_made_absolute_once_when_settings_are_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    built = [Settings(), Settings(data_dir=Path("rel/dir")),
             Settings.from_env({"PHONGHOP_DATA_DIR": "rel/dir"}),
             replace(Settings(), data_dir=Path("rel/dir"))]
    assert [s.data_dir for s in built] == [tmp_path / "var", *[tmp_path / "rel" / "dir"] * 3]
    monkeypatch.chdir(ROOT)  # moving afterwards changes nothing
    assert built[1].data_dir == tmp_path / "rel" / "dir"
    assert built[1].db_url == f"sqlite:///{tmp_path}/rel/dir/phonghop.db"


def test_a_cli_command_takes_a_relative_data_dir_from_where_it_is_started(
        tmp_path: Path) -> None:
    out = subprocess.run([str(PHONGHOP), "--data-dir", "rel/dir", "db", "upgrade"],
                         cwd=tmp_path, env=environment_without_settings(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "rel" / "dir" / "phonghop.db").is_file()
