"""Faults the server lives through: the document store's disk fills up during an upload (a
clear error, nothing half-written, the server keeps serving); PostgreSQL restarts during a
meeting (503 meanwhile, back by itself, nothing acknowledged lost); Redis restarts while three
processes serve a meeting (tablets resume without a gap); Redis is away when a tablet opens
its socket (the cap on sockets per person falls back to this process's count)."""

from __future__ import annotations

import asyncio
import io
import json
import random
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pymupdf
import pytest
import redis
import websockets
from sqlalchemy import text
from starlette.testclient import TestClient

from meetings.db import Database, upgrade
from meetings.demo import DEMO_PASSWORD, seed
from meetings.documents.blobs import BlobStore
from meetings.passwords import Passwords
from phonghop.app import create_app
from phonghop.settings import Settings
from tests.conftest import IN_CI, free_port, require_tool, start_server, stop_server
from tests.helpers import error_of, snapshot
from tests.wsclient import Tablet, cookie_for


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB file system of its own (tmpfs), for the data directory's files."""
    where = tmp_path / "small-disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs",
                           str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        if IN_CI:
            pytest.fail(f"cannot mount a tmpfs to fill (root is needed): {done.stderr}")
        pytest.skip(f"cannot mount a tmpfs: {done.stderr}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def noise_pdf(megabytes: int) -> bytes:
    """A PDF holding one image of random pixels: it does not compress."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    rng = random.Random(7)
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, side, side), False)
    pixmap.set_rect(pixmap.irect, (0, 0, 0))
    samples = bytearray(rng.getrandbits(8) for _ in range(side * side * 3))
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, side, side, bytes(samples), False)
    document = pymupdf.open()
    page = document.new_page()
    page.insert_image(page.rect, stream=pixmap.tobytes("png"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_full_disk_during_an_upload_is_said_plainly_and_leaves_nothing(  # type: ignore[no-untyped-def]
        settings, demo, small_disk: Path) -> None:
    app = create_app(replace(settings, data_dir=small_disk))
    big = noise_pdf(14)  # the upload's copy, the cleaned copy and the blobs do not all fit
    with TestClient(app) as client:
        assert client.post("/api/login", json={"username": "thuky",
                                               "password": DEMO_PASSWORD}).status_code == 200
        before = snapshot(client, 1)["items"][0]["documents"]
        r = client.post("/api/meetings/1/items/1/documents",
                        files={"file": ("du-toan.pdf", big, "application/pdf")})
        body = error_of(r, 507, "storage_full")
        assert "dung lượng" in body["message_vi"] and "storage" in body["message_en"]
        # nothing half-written: no scratch left, no partial blob, no document row
        leftovers = [p for p in small_disk.rglob("*") if p.is_file()
                     and (p.name.startswith(".incoming-") or "phonghop-ingest-" in str(p))]
        assert leftovers == []
        assert snapshot(client, 1)["items"][0]["documents"] == before
        with app.state.services.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM documents WHERE filename = "
                                  "'du-toan.pdf'")).scalar_one() == 0
        # the server keeps serving: reads, writes, and an upload that fits
        assert client.get("/healthz").json()["ok"] is True
        assert client.post("/api/meetings/1/start").status_code == 200
        small = pymupdf.open()
        small.new_page().insert_text((72, 72), "Tờ trình bổ sung")
        r = client.post("/api/meetings/1/items/1/documents",
                        files={"file": ("to-trinh.pdf", small.tobytes(), "application/pdf")})
        assert r.status_code == 201, r.text


# --- PostgreSQL and Redis restarted under a running meeting ----------------------------------


@dataclass
class PrivateServer:
    """A PostgreSQL or Redis server of this test's own, so restarting it disturbs no one."""

    url: str
    restart: Callable[[], None]
    stop: Callable[[], None]
    start: Callable[[], None]


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        if IN_CI:
            pytest.fail("PostgreSQL's server programs (pg_ctl, initdb) are required")
        pytest.skip("no pg_ctl")
    return versions[-1].parent


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    bindir = _pg_bin()
    data = Path(tempfile.mkdtemp(prefix="phonghop-pg-"))
    shutil.chown(data, "postgres", "postgres")
    port = free_port()

    def pg(*args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                       capture_output=True, timeout=120)

    pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
       "--no-sync")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start() -> None:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "log"),
           "-w", "start")

    def stop() -> None:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")

    def restart() -> None:
        stop()
        start()

    start()
    try:
        yield PrivateServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", restart, stop,
                            start)
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D",
                        str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateServer]:
    binary = require_tool("redis-server")
    port = free_port()
    box: dict[str, subprocess.Popen[bytes]] = {}

    def start() -> None:
        box["p"] = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no",
                                     "--dir", str(tmp_path)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop() -> None:
        box["p"].kill()
        box["p"].wait()

    def restart() -> None:
        stop()
        start()

    start()
    try:
        yield PrivateServer(f"redis://127.0.0.1:{port}/0", restart, stop, start)
    finally:
        stop()


def _mark_present(client: httpx.Client, count: int = 6) -> dict[str, int]:
    who = {p["username"]: p["user_id"] for p in client.get("/api/meetings/1").json()
           ["participants"]}
    for name in ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2",
                 "uyvien3")[:count]:
        r = client.post("/api/meetings/1/attendance", json={"user_id": who[name],
                                                            "state": "present"})
        assert r.status_code == 200, r.text
    return who


@pytest.mark.server
def test_postgresql_restarted_during_a_meeting(private_postgres: PrivateServer,
                                               tmp_path: Path) -> None:
    """While the database is down every request is answered 503 with Retry-After (never 500)
    and the tablets stay connected; once it is back the server serves again by itself, and
    every ballot acknowledged before keeps counting."""
    settings = Settings(data_dir=tmp_path / "var", database_url=private_postgres.url,
                        secret_key="faults-" + secrets.token_hex(8), fast_passwords=True,
                        render_workers=1, render_warm=False)
    upgrade(settings.db_url)
    database = Database(settings.db_url)
    seed(database, BlobStore(settings.data_dir / "blobs"), settings.data_dir / "keys",
         Passwords(fast=True))
    database.dispose()
    server = start_server(settings, free_port(), tmp_path / "server.log")
    base = f"http://127.0.0.1:{_port_of(server)}"
    try:
        sec = _session(base, "thuky")
        assert sec.post("/api/meetings/1/start").status_code == 200
        _mark_present(sec)
        vote = sec.post("/api/meetings/1/votes", json={"question": "Thông qua kế hoạch"})
        assert vote.status_code == 201, vote.text
        vote_id = vote.json()["vote"]["id"]
        voters = {name: _session(base, name) for name in
                  ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2")}
        for name in ("chutich", "phochutich1", "phochutich2"):
            r = voters[name].post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
            assert r.status_code == 201, r.text  # acknowledged: committed

        private_postgres.stop()
        for attempt in (lambda: sec.get("/api/meetings/1"),
                        lambda: voters["uyvien1"].post(f"/api/votes/{vote_id}/ballots",
                                                       json={"choice": "no"}),
                        lambda: sec.post("/api/meetings/1/present", json={"page": 2})):
            r = attempt()
            assert r.status_code == 503, r.text
            assert r.json()["error"] == "database_unavailable"
            assert r.headers["retry-after"] == "2"
        assert httpx.get(f"{base}/healthz").status_code == 200  # the process is up
        private_postgres.start()

        deadline = time.monotonic() + 30
        while sec.get("/api/meetings/1").status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover by itself"
            time.sleep(0.3)
        for name, choice in (("uyvien1", "no"), ("uyvien2", "yes")):
            r = voters[name].post(f"/api/votes/{vote_id}/ballots", json={"choice": choice})
            assert r.status_code == 201, r.text
        closed = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]
        assert (closed["counts"]["yes"], closed["counts"]["no"]) == (4, 1)
    finally:
        stop_server(server)


@pytest.mark.server
async def test_redis_restarted_while_three_processes_serve(private_redis: PrivateServer,
                                                           postgres_settings: Settings,
                                                           tmp_path: Path) -> None:
    """Tablets on three processes follow the room through a Redis restart: none applies a
    gap or a duplicate (tests/wsclient.py asserts every offset), and all end on the room's
    page."""
    settings = replace(postgres_settings, redis_url=private_redis.url, redis_prefix="faults")
    database = Database(settings.db_url)
    seed(database, BlobStore(settings.data_dir / "blobs"), settings.data_dir / "keys",
         Passwords(fast=True))
    database.dispose()
    servers = [start_server(settings, free_port(), tmp_path / f"server-{n}.log")
               for n in range(3)]
    hosts = [f"127.0.0.1:{_port_of(s)}" for s in servers]
    tablets: list[Tablet] = []
    try:
        sec = _session(f"http://{hosts[0]}", "thuky")
        assert sec.post("/api/meetings/1/start").status_code == 200
        for host, name in zip(hosts * 2, ("uyvien1", "uyvien2", "uyvien3", "phochutich1",
                                          "phochutich2", "chutich"), strict=True):
            tablet = Tablet(f"ws://{host}/ws", await cookie_for(f"http://{host}", name), 1)
            await tablet.connect()
            tablets.append(tablet)
        assert sec.post("/api/meetings/1/present", json={"page": 2}).status_code == 200
        for tablet in tablets:
            await tablet.wait_for("presentation", lambda d: d["page"] == 2)

        private_redis.stop()
        # the page turned while Redis is away is done (committed) and said so; the tablets
        # hear of it once Redis is back
        r = sec.post("/api/meetings/1/present", json={"page": 3})
        assert r.status_code == 200, r.text
        await asyncio.sleep(0.5)
        private_redis.start()
        deadline = time.monotonic() + 30
        while True:  # the processes reconnect to Redis by themselves
            r = sec.post("/api/meetings/1/present", json={"page": 4})
            assert r.status_code == 200, r.text
            if all(_page_held(t) == 4 or t.closed.is_set() for t in tablets):
                break
            assert time.monotonic() < deadline, [_page_held(t) for t in tablets]
            await asyncio.sleep(0.5)
        # every tablet comes back (resync, then a snapshot: Redis kept no history) and holds
        # the room's page
        deadline = time.monotonic() + 30
        for tablet in tablets:
            while True:
                if tablet.closed.is_set():
                    await tablet.connect(resume=True)
                page = _page_held(tablet)
                if page == 4:
                    break
                assert time.monotonic() < deadline, (page, tablet.close_code)
                await asyncio.sleep(0.1)
    finally:
        for tablet in tablets:
            await tablet.close()
        for server in servers:
            stop_server(server)


def _page_held(tablet: Tablet) -> int | None:
    """The page the tablet shows: the last presentation it applied, or its snapshot's."""
    page = (tablet.snapshot or {}).get("presentation", {}).get("page")
    for event in tablet.events[tablet.snapshot_at:]:
        if event["type"] == "presentation":
            page = event["data"]["page"]
    return page


def _port_of(server: subprocess.Popen[bytes]) -> int:
    return int(server.args[server.args.index("--port") + 1])  # type: ignore[union-attr,index]


OPEN_CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().close()


def _session(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    OPEN_CLIENTS.append(client)
    r = client.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return client


@pytest.mark.server
def test_logging_out_while_redis_is_away_ends_the_login_here_at_once(
        private_redis: PrivateServer, postgres_settings: Settings, tmp_path: Path) -> None:
    """A process forgets a login it has cached as soon as that login is ended through it,
    without waiting for the broker's word to come back: with Redis away, the logout still
    succeeds and the cookie is refused on that process at once."""
    settings = replace(postgres_settings, redis_url=private_redis.url, redis_prefix="logout")
    database = Database(settings.db_url)
    seed(database, BlobStore(settings.data_dir / "blobs"), settings.data_dir / "keys",
         Passwords(fast=True))
    database.dispose()
    server = start_server(settings, free_port(), tmp_path / "server.log")
    try:
        member = _session(f"http://127.0.0.1:{_port_of(server)}", "uyvien1")
        assert member.get("/api/me").status_code == 200  # the login is in the cache now
        private_redis.stop()
        r = member.post("/api/logout")
        assert r.status_code == 200, r.text
        cookie = r.request.headers["cookie"]
        again = httpx.get(f"http://127.0.0.1:{_port_of(server)}/api/me",
                          headers={"cookie": cookie})
        assert again.status_code == 401, again.text
    finally:
        private_redis.start()
        stop_server(server)


async def _refused(ws_url: str, cookie: str) -> tuple[bool, websockets.ClientConnection]:
    """Open a socket: whether it is refused for too many connections (4105), and the socket
    (closed if refused; a socket let in says nothing until asked)."""
    ws = await websockets.connect(ws_url, additional_headers={"Cookie": cookie})
    try:
        first = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
    except TimeoutError:
        return False, ws
    assert first["error"] == "too_many_connections", first
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    assert ws.close_code == 4105
    return True, ws


@pytest.mark.server
async def test_redis_away_when_a_tablet_opens_its_socket_fails_open_per_process(
        private_redis: PrivateServer, postgres_settings: Settings, tmp_path: Path) -> None:
    """Redis blinks as tablets connect: the room is not locked out. The process counts the
    person's sockets on itself alone (cap 2 here) and says so in its log; once Redis is back
    the sockets let in are counted in Redis again (touched), and after the resynchronisation
    every process does after an outage, the cap is counted in Redis again."""
    settings = replace(postgres_settings, redis_url=private_redis.url, redis_prefix="cap")
    database = Database(settings.db_url)
    seed(database, BlobStore(settings.data_dir / "blobs"), settings.data_dir / "keys",
         Passwords(fast=True))
    database.dispose()
    log = tmp_path / "server.log"
    server = start_server(settings, free_port(), log, {"PHONGHOP_MAX_SOCKETS_PER_USER": "2"})
    base = f"http://127.0.0.1:{_port_of(server)}"
    ws_url = base.replace("http", "ws") + "/ws"
    held: list[websockets.ClientConnection] = []
    try:
        cookie = await cookie_for(base, "uyvien1")
        async with httpx.AsyncClient(base_url=base, headers={"Cookie": cookie}) as me:
            user_id = (await me.get("/api/me")).json()["user"]["id"]
        private_redis.stop()
        for _ in range(2):
            refused, ws = await _refused(ws_url, cookie)
            assert not refused  # let in although Redis cannot count
            held.append(ws)
        assert (await _refused(ws_url, cookie))[0]  # the process's own count still caps
        assert "counted on this process only" in log.read_text()
        private_redis.start()
        keys = redis.Redis.from_url(private_redis.url)
        deadline = time.monotonic() + 15
        # touched into Redis again, unless the resynchronisation below closed them first (its
        # closes release their places: both are the process keeping Redis's count right)
        while keys.zcard(f"cap:sockets:{user_id}") != 2 and not all(
                ws.close_code == 4004 for ws in held):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        keys.close()
        # back from the outage, the process has every tablet resynchronise (4004); they
        # come back, and the cap is counted in Redis again
        for ws in held:
            await asyncio.wait_for(ws.wait_closed(), 20)
            assert ws.close_code == 4004
        held.clear()
        deadline = time.monotonic() + 10
        while len(held) < 2:
            refused, ws = await _refused(ws_url, cookie)
            if refused:  # a place not yet freed as the server sees its socket go
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
                continue
            held.append(ws)
        assert (await _refused(ws_url, cookie))[0]
        keys = redis.Redis.from_url(private_redis.url)
        assert keys.zcard(f"cap:sockets:{user_id}") == 2
        keys.close()
    finally:
        for ws in held:
            await ws.close()
        stop_server(server)
