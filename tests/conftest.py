"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when
PHONGHOP_TEST_DATABASE_URL names a server), the demo data, in-process clients, and a real
uvicorn server on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from meetings.db import Database, normalise_url, upgrade
from meetings.demo.seed import DEMO_PASSWORD, Demo, seed
from meetings.documents.blobs import BlobStore
from meetings.passwords import Passwords
from phonghop.app import create_app
from phonghop.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PHONGHOP_TEST_DATABASE_URL", "")
def in_ci(value: str | None) -> bool:
    """CI services set CI to "true", "1", "yes" or their own name; only empty, "false" or "0"
    (and "no") mean a developer's machine."""
    return (value or "").strip().lower() not in ("", "false", "0", "no")


IN_CI = in_ci(os.environ.get("CI"))


# This test session's base temporary folder, once known: every file a test makes lives under
# it, so processes of other test runs on the same machine can be told from this run's.
SESSION_TMP: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _session_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    SESSION_TMP[:] = [str(tmp_path_factory.getbasetemp())]


def require_tool(path: str) -> str:
    """A test that needs a system tool fails in CI when it is missing, and skips elsewhere."""
    found = shutil.which(path) or (path if Path(path).exists() else None)
    if found is None:
        if IN_CI:
            pytest.fail(f"{path} is required (install it: see .ci/run)")
        pytest.skip(f"{path} not installed")
    return found


class _Databases:
    """Hands out a fresh, migrated database per test. Migrations run once per session into a
    template; each test gets a copy (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on
    PostgreSQL). Every database it creates it drops at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.prefix = f"phonghop_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.created: list[str] = []
        self.count = 0
        if PG_URL:
            self.admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
            self.template = f"{self.prefix}_tpl"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.template}"'))
            self.created.append(self.template)
            upgrade(self._url(self.template))
            # No connection may stay open on a template that is being copied.
            Database(self._url(self.template)).dispose()
        else:
            self.template_file = workdir / "template.db"
            upgrade(f"sqlite:///{self.template_file}")

    def _url(self, name: str) -> str:
        base = normalise_url(PG_URL)
        return base.rsplit("/", 1)[0] + f"/{name}"

    def fresh(self, data_dir: Path) -> str:
        self.count += 1
        if PG_URL:
            name = f"{self.prefix}_{self.count}"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
            self.created.append(name)
            return self._url(name)
        target = data_dir / "phonghop.db"
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.template_file, target)
        return f"sqlite:///{target}"

    def drop_all(self) -> None:
        if not PG_URL:
            return
        with self.admin.connect() as conn:
            for name in reversed(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Databases]:
    dbs = _Databases(tmp_path_factory.mktemp("db-template"))
    yield dbs
    dbs.drop_all()


@pytest.fixture
def settings(tmp_path: Path, databases: _Databases) -> Settings:
    data_dir = tmp_path / "var"
    url = databases.fresh(data_dir)
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key="test-secret-" + secrets.token_hex(8),
        fast_passwords=True,
        render_workers=1,
        render_warm=False,
        # refusals answered at once: the throttling tests count answers; the live server
        # (start_server) keeps the default hold, tested in tests/test_logins.py
        login_hold_seconds=0.0,
    )


@pytest.fixture
def demo(settings: Settings) -> Demo:
    database = Database(settings.db_url)
    try:
        return seed(
            database,
            BlobStore(settings.data_dir / "blobs"),
            settings.data_dir / "keys",
            Passwords(fast=True),
        )
    finally:
        database.dispose()


@pytest.fixture
def app(settings: Settings, demo: Demo):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def login(app) -> Iterator[Callable[[str | None], TestClient]]:  # type: ignore[no-untyped-def]
    """`login("thuky")` gives an in-process client logged in as that demo user.

    All clients share one event loop (the first client's portal), as browsers share one
    server: the app's lifespan runs once, and WebSockets see every client's publications."""
    root = TestClient(app)
    root.__enter__()

    def make(username: str | None) -> TestClient:
        client = TestClient(app)
        client.portal = root.portal
        if username is not None:
            r = client.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
        return client

    yield make
    root.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    port: int
    settings: Settings
    demo: Demo
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def session(self, username: str) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        r = client.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return client


def start_server(settings: Settings, port: int, log: Path,
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        PHONGHOP_DATA_DIR=str(settings.data_dir),
        PHONGHOP_DATABASE_URL=settings.db_url,
        PHONGHOP_SECRET_KEY=settings.secret_key,
        PHONGHOP_FAST_PASSWORDS="1",
        PHONGHOP_RENDER_WORKERS="1",
        PHONGHOP_REDIS_URL=settings.redis_url,
        PHONGHOP_REDIS_PREFIX=settings.redis_prefix,
        PHONGHOP_WS_PING_SECONDS=str(settings.ws_ping_seconds),
        PHONGHOP_WS_TIMEOUT_SECONDS=str(settings.ws_timeout_seconds),
    )
    env.update(extra_env or {})
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "phonghop.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90  # generous: a loaded 2-core machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def live_server(settings: Settings, demo: Demo, tmp_path: Path) -> Iterator[LiveServer]:
    """The real server (`python -m phonghop.cli serve`) on 127.0.0.1, seeded with the demo."""
    port = free_port()
    log = tmp_path / "server.log"
    server = LiveServer(f"http://127.0.0.1:{port}", port, settings, demo,
                        start_server(settings, port, log), log)
    try:
        yield server
    finally:
        stop_server(server.process)  # a test may have restarted it


@pytest.fixture
def artifacts() -> Path | None:
    """Where tests save screenshots and PDFs when PHONGHOP_TEST_ARTIFACTS is set."""
    raw = os.environ.get("PHONGHOP_TEST_ARTIFACTS")
    if not raw:
        return None
    path = Path(raw)
    path.mkdir(parents=True, exist_ok=True)
    return path


REDIS_URL = os.environ.get("PHONGHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """The Redis at 127.0.0.1:6379: required in CI, skipped elsewhere when absent."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    prefix = f"phonghop-test-{secrets.token_hex(6)}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


POSTGRES_URL = os.environ.get("PHONGHOP_TEST_DATABASE_URL") or os.environ.get(
    "PHONGHOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def postgres_settings(tmp_path: Path, redis_url: str, redis_prefix: str) -> Iterator[Settings]:
    """Settings for a cluster: a fresh PostgreSQL database of this test's own (dropped
    afterwards) and Redis under this test's own prefix. Required in CI."""
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"phonghop_cluster_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required at {POSTGRES_URL}: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    url = normalise_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield Settings(
        data_dir=tmp_path / "var",
        database_url=url,
        secret_key="cluster-secret-" + secrets.token_hex(8),
        fast_passwords=True,
        render_workers=1,
        render_warm=False,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
