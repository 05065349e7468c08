"""The database: engine, sessions, and the rule that writes to one SQLite file go one at a time.

SQLite (WAL) is the embedded default; PostgreSQL is the server option. Reads run concurrently;
on SQLite every write transaction takes an in-process lock and starts with BEGIN IMMEDIATE, so
two writers never deadlock on a lock upgrade.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from meetings.errors import storage_full

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
log = logging.getLogger("phonghop.db")


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
            # Deleted rows are overwritten with zeros, not left in free space: a secret vote's
            # sealed ballots must not survive their deletion in the file (forget_deleted).
            cur.execute("PRAGMA secure_delete=ON")
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
        # Called, in the writing thread, with each write session once it has committed.
        self.after_commit: list[Callable[[Session], None]] = []

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, committed when the block ends without an exception. A full
        disk rolls it back and says so (storage_full), whatever the engine."""
        try:
            with self._write() as session:
                yield session
        except OperationalError as exc:
            if _disk_full(exc):
                raise storage_full() from exc
            raise
        for hook in self.after_commit:
            hook(session)

    @contextmanager
    def _write(self) -> Iterator[Session]:
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

    def forget_deleted(self, attempts: int = 20) -> bool:
        """Make the database's files forget rows just deleted (a secret vote's sealed ballots).

        SQLite: deleted content is already zeroed in its pages (secure_delete); a TRUNCATE
        checkpoint copies those pages into the main file and empties the WAL, which still
        held the older page images. PostgreSQL: VACUUM FULL rewrites `secret_ballots` into a
        new file without the dead rows (its WAL keeps them until it recycles the segments:
        see docs/api.md). Returns False when readers kept it from finishing every attempt."""
        since = None
        if not self.is_sqlite:
            with self.engine.connect() as conn:  # the deletion committed before this
                since = conn.exec_driver_sql(
                    "SELECT pg_snapshot_xmax(pg_current_snapshot())::xid::text").scalar_one()
        for attempt in range(attempts):
            if self._forget_once(since, last=attempt == attempts - 1):
                if self.is_sqlite:
                    return True
                # PostgreSQL, once more a second later: under load, CI found a deleted ballot
                # in the file one VACUUM FULL had just written, with no older transaction in
                # pg_stat_activity and no kept row in its count; the cause is not known yet
                # (docs/api.md, "Secret ballots"), a second pass has not been seen to miss.
                time.sleep(1.0)
                return self._forget_once(since, last=True)
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        log.error("could not checkpoint the database after deleting secret ballots")
        return False

    def _forget_once(self, since: str | None, last: bool) -> bool:
        if self.is_sqlite:
            with self._write_lock, self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout=2000")
                try:
                    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                finally:
                    conn.exec_driver_sql("PRAGMA busy_timeout=30000")
                return bool(busy == 0)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # VACUUM FULL copies a deleted row into the new file while any transaction of
            # this database may still see it (an autovacuum ANALYZE, a report, a replica's
            # feedback): wait until none began before the deletion.
            older = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND (datname = current_database() OR datname IS NULL) "
                "AND (age(backend_xmin) > age(%(x)s::xid) OR age(backend_xid) > age(%(x)s::xid))",
                {"x": since}).scalar_one()
            if older and not last:
                return False
            if older:
                log.error("secret ballots: %d transactions older than the deletion still run; "
                          "VACUUM FULL may keep their rows", older)
            conn.exec_driver_sql("SET lock_timeout = '2s'")
            try:
                conn.exec_driver_sql("VACUUM FULL secret_ballots")
                # The new file's tuple count includes the deleted rows VACUUM FULL had to
                # keep (some transaction could still see them, whatever held them: CI met
                # it with none in pg_stat_activity): more than the live rows, try again.
                kept = conn.exec_driver_sql(
                    "SELECT c.reltuples > (SELECT count(*) FROM secret_ballots) "
                    "FROM pg_class c WHERE c.oid = 'secret_ballots'::regclass").scalar()
                if kept:
                    log.warning("VACUUM FULL kept deleted secret ballots (a transaction could "
                                "still see them)%s", "" if last else ": trying again")
                    if not last:
                        return False
                conn.exec_driver_sql("VACUUM votes")
            except Exception as exc:  # a lock not granted in time: try again
                log.warning("VACUUM after a secret vote: %s", exc)
                return False
            finally:
                conn.exec_driver_sql("RESET lock_timeout")
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def _disk_full(exc: OperationalError) -> bool:
    """SQLite's SQLITE_FULL (13), PostgreSQL's disk_full (53100)."""
    orig = exc.orig
    return (getattr(orig, "sqlite_errorcode", None) == 13
            or getattr(orig, "sqlstate", None) == "53100")


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema to `revision` with Alembic."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url))
    command.upgrade(cfg, revision)
