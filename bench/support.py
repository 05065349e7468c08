"""What the benchmarks share: a seeded room of N members with login cookies, starting and
stopping real server processes, reading a process's memory, and JSON-lines output."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from itsdangerous import Signer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meetings.accounts import actor_of, create_user, open_session  # noqa: E402
from meetings.agenda import add_item  # noqa: E402
from meetings.db import Database, upgrade  # noqa: E402
from meetings.demo.documents import long_pdf  # noqa: E402
from meetings.documents.blobs import BlobStore  # noqa: E402
from meetings.documents.ingest import read_trusted  # noqa: E402
from meetings.models import Body, BodyMember  # noqa: E402
from meetings.passwords import Passwords  # noqa: E402
from meetings.preparation import (  # noqa: E402
    accept_document,
    add_participant,
    create_meeting,
)


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@dataclass
class Room:
    data_dir: Path
    database_url: str
    secret: str
    meeting_id: int
    secretary_cookie: str
    member_cookies: list[str]
    pages: int


def seed_room(data_dir: Path, members: int, database_url: str = "") -> Room:
    """A body with `members` voting members in one running meeting with a 20-page document,
    and a login cookie for each, made directly (the benchmark measures the room, not login)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{data_dir / 'phonghop.db'}"
    upgrade(url)
    secret = secrets.token_urlsafe(32)
    signer = Signer(secret, salt="phonghop.session")
    db = Database(url)
    passwords = Passwords(fast=True)
    tokens: list[str] = []
    with db.write() as session:
        body = Body(name=f"Hội đồng thử {secrets.token_hex(3)}", code="HĐND")
        session.add(body)
        session.flush()
        assert body.id is not None
        secretary = create_user(session, passwords, username=f"tk{secrets.token_hex(4)}",
                                full_name="Thư ký", password="benchmark-pass")
        session.add(BodyMember(body_id=body.id, user_id=secretary.id or 0, can_prepare=True,
                               voting=False))
        session.flush()
        actor = actor_of(secretary)
        meeting = create_meeting(session, actor, body_id=body.id, title="Kỳ họp thử tải",
                                 starts_at=datetime.now(UTC))
        assert meeting.id is not None
        item, _ = add_item(session, actor, meeting.id, title="Nội dung 1")
        accept_document(session, BlobStore(data_dir / "blobs"), actor, meeting.id, item.id or 0,
                        filename="tai-lieu.pdf", ingested=read_trusted(long_pdf(20)))
        tag = secrets.token_hex(3)
        for n in range(members):
            user = create_user(session, passwords, username=f"db{tag}{n}",
                               full_name=f"Đại biểu {n}", password="benchmark-pass")
            add_participant(session, actor, meeting.id, user_id=user.id or 0, role="member")
            tokens.append(open_session(session, user))
        secretary_token = open_session(session, secretary)
        meeting_id = meeting.id
    db.dispose()

    def cookie(token: str) -> str:
        return "phonghop_session=" + signer.sign(token).decode()

    return Room(data_dir, url, secret, meeting_id, cookie(secretary_token),
                [cookie(t) for t in tokens], 20)


def server_env(room: Room, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PHONGHOP_DATA_DIR=str(room.data_dir),
        PHONGHOP_DATABASE_URL=room.database_url,
        PHONGHOP_SECRET_KEY=room.secret,
        PHONGHOP_FAST_PASSWORDS="1",
        PHONGHOP_RENDER_WORKERS="1",
        PHONGHOP_RENDER_WARM="0",
        PHONGHOP_WS_QUEUE_LIMIT="1024",
        PHONGHOP_WS_PING_SECONDS="10",
    )
    env.update(extra)
    return env


def start_phonghop(room: Room, port: int, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "phonghop.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port)],
            cwd=ROOT, env=server_env(room, **extra), stdout=out, stderr=subprocess.STDOUT,
        )
    wait_http(f"http://127.0.0.1:{port}/healthz", process, log)
    return process


def wait_http(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
