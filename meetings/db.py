"""The database: engine, sessions, and the rule that writes to one SQLite file go one at a time.

SQLite (WAL) is the embedded default; PostgreSQL is the server option. Reads run concurrently;
on SQLite every write transaction takes an in-process lock and starts with BEGIN IMMEDIATE, so
two writers never deadlock on a lock upgrade.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, pool_size: int = 10) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=NullPool if not path or path == ":memory:" else None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN reach SQLite so that we can choose IMMEDIATE for writes.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            mode = conn.info.get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # A bounded pool: in a reconnect storm, readers queue for a connection rather than open
    # hundreds and hit PostgreSQL's max_connections (measured: bench/fanout.py --cluster).
    return create_engine(url, pool_size=pool_size, max_overflow=5, pool_timeout=60,
                         pool_pre_ping=True)


class Database:
    """Sessions for reading and writing. Domain services receive a Session; this class
    decides how it is opened and committed."""

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, pool_size)
        self.is_sqlite = self.url.startswith("sqlite")
        self._write_lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, committed when the block ends without an exception."""
        if self.is_sqlite:
            with self._write_lock:
                with self.engine.connect() as conn:
                    conn.info["sqlite_begin"] = "IMMEDIATE"
                    try:
                        with Session(bind=conn, expire_on_commit=False) as session:
                            yield session
                            session.commit()
                    finally:
                        conn.info.pop("sqlite_begin", None)
        else:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
                session.commit()

    def dispose(self) -> None:
        self.engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema to `revision` with Alembic."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url))
    command.upgrade(cfg, revision)
