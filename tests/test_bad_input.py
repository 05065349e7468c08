"""Bad input gets a clear 4xx, never a 500, and never costs the server more than its limits:
bodies are bounded while they arrive (also chunked, also before any login), JSON nested past
what the parser can follow is refused, and numbers no database id can be are refused."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.helpers import error_of


def test_a_number_no_id_can_be_is_a_404_not_a_crash(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    for path in ("/api/meetings/100000000000000000000", "/api/votes/99999999999999999999",
                 "/api/documents/123456789012345678901/pages/1", "/api/meetings/2147483648"):
        error_of(sec.get(path), 404)
    # the largest id a path can name is looked up and not found, on SQLite and PostgreSQL
    error_of(sec.get("/api/meetings/999999999"), 404, "not_found")
    error_of(sec.get("/api/documents/1/pages/1?v=100000000000000000000"), 422, "bad_v")
    error_of(sec.post("/api/meetings/1/check-in", json={"user_id": 10**20}), 422, "bad_field")
    error_of(sec.post("/api/meetings/1/check-in", json={"user_id": 2**31}), 422, "bad_field")


def test_json_nested_past_reason_is_refused(login) -> None:  # type: ignore[no-untyped-def]
    deep = b"[" * 100_000 + b"]" * 100_000
    r = login(None).post("/api/login", content=deep, headers={"Content-Type": "application/json"})
    error_of(r, 422, "bad_json")
    r = login(None).post("/api/login", content=b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                         headers={"Content-Type": "application/json"})
    error_of(r, 422, "bad_json")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.server
@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=x"])
def test_a_huge_chunked_body_is_refused_while_it_arrives(live_server: LiveServer,
                                                         content_type: str) -> None:
    """An anonymous client streams 300 MB to the login: the server answers 413 after about
    the limit (1 MB of JSON; the upload limit for multipart would be read only by routes that
    authorise first, and the login reads no multipart at all) and its memory does not grow by
    the body."""
    before = rss_mb(live_server.process.pid)
    chunk = b"x" * (1024 * 1024)
    sent = 0
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=30) as s:
        s.sendall(f"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\n"
                  f"Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        s.settimeout(0.05)
        answer = b""
        try:
            while sent < 300 * 1024 * 1024:
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sent += len(chunk)
                try:
                    answer += s.recv(65536)
                except TimeoutError:
                    continue
                if answer:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.settimeout(10)
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            answer += data
    status = answer.split(b"\r\n", 1)[0]
    assert status.split()[1:2] in ([b"413"], [b"422"]), answer[:300]
    assert sent < 50 * 1024 * 1024, f"the server read {sent >> 20} MB before refusing"
    assert rss_mb(live_server.process.pid) - before < 64
