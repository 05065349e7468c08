"""Every child of the server exits when the server dies, however it dies: a server killed
with SIGKILL while its render workers are up and LibreOffice is converting an upload leaves no
process behind (render workers, their resource tracker, the reader of the upload, soffice and
soffice.bin)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from meetings.demo import DEMO_PASSWORD
from tests import hostile_files as h
from tests.conftest import free_port, require_tool, start_server


def descendants(pid: int) -> set[int]:
    """Every process below `pid` now."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def names(pids: set[int]) -> list[str]:
    out = []
    for pid in pids:
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        out.append(" ".join([comm, *(a.decode(errors="replace") for a in argv[1:4])]))
    return sorted(out)


@pytest.mark.server
def test_a_killed_server_leaves_no_child_running(settings, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_tool("soffice")
    port = free_port()
    server = start_server(settings, port, tmp_path / "server.log",
                          extra_env={"PHONGHOP_RENDER_WORKERS": "2", "PHONGHOP_RENDER_WARM": "1",
                               "PHONGHOP_CONVERT_SECONDS": "120"})
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        assert client.post("/api/login", json={"username": "thuky",
                                                "password": DEMO_PASSWORD}).status_code == 200

        def upload() -> None:
            try:
                client.post("/api/meetings/1/items/1/documents",
                            files={"file": ("phu-luc.docx", h.docx_long_table(),
                                            "application/octet-stream")})
            except httpx.HTTPError:
                pass  # the server is killed under it

        threading.Thread(target=upload, daemon=True).start()
        deadline = time.monotonic() + 60
        while not any(n.startswith("soffice.bin") for n in names(descendants(server.pid))):
            assert time.monotonic() < deadline, names(descendants(server.pid))
            time.sleep(0.2)
        children = descendants(server.pid)
        assert len(children) >= 5, names(children)  # 2 workers, tracker, guard, soffice...
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 20
    while any(alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {p for p in children if alive(p)}
    for pid in left:
        os.kill(pid, signal.SIGKILL)  # do not leave them to the next test
    assert names(left) == []
