"""Settings, read from PHONGHOP_* environment variables. Every setting is documented in
docs/settings.md (a test checks).

Paths are resolved here, once, when settings are built: a relative data dir (the default
`var`, or `--data-dir rel/dir`) becomes absolute against the folder the command was started
from, so the database, blobs, keys, page cache and scratch derived from it stay right in
child processes that run in other folders (the upload reader runs in its own work folder)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from meetings.deadlines import parse_holidays


def absolute(path: Path | str) -> Path:
    """`path` made absolute against the current folder, `~` expanded; symlinks are kept (an
    administrator's /srv/phonghop -> /data/phonghop stays as they named it)."""
    return Path(os.path.abspath(os.path.expanduser(path)))


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")  # made absolute when settings are built (see __post_init__)
    database_url: str = ""  # default: SQLite at {data_dir}/phonghop.db
    secret_key: str = ""  # default: generated once and kept in {data_dir}/secret_key
    host: str = "127.0.0.1"
    port: int = 8000
    cookie_secure: bool = False  # set true behind TLS
    max_upload_mb: int = 200
    max_pages: int = 5000
    max_page_mm: int = 2000  # longest side of a page; larger pages are refused
    ingest_memory_mb: int = 1536  # address-space limit of the child that reads an upload
    ingest_cpu_seconds: int = 120
    ingest_concurrency: int = 2  # uploads read at once; more wait their turn
    convert_seconds: float = 120.0  # LibreOffice time limit per conversion
    # How long an upload's answer waits for the file to be read before it says 202 (still
    # reading): kept well under a proxy's read timeout (nginx: 60 s by default).
    upload_wait_seconds: float = 20.0
    render_memory_mb: int = 1536  # address-space limit of each render worker
    render_workers: int = 2
    render_warm: bool = True  # start the render workers with the server, not on first use
    # Page images kept in memory, per process, to send without reading the file (MB).
    page_memory_mb: int = 64
    # Behind nginx: the internal location mapped to the page cache ("/_pages/", see
    # deploy/nginx-phonghop.conf). Set, an authorised page is answered with X-Accel-Redirect
    # and nginx sends the file; watermarked pages are still sent by the server. "": off.
    accel_redirect: str = ""
    fast_passwords: bool = False  # cheaper Argon2 parameters, for tests and benchmarks only
    login_concurrency: int = 2  # passwords checked at once (Argon2id); more logins wait
    login_backoff_seconds: float = 1.0  # first wait after 5 wrong passwords; doubles, up to 60
    login_hold_seconds: float = 1.0  # a refused login's answer is held back this long at most
    ws_send_buffer_kb: int = 1024  # a tablet further behind than this is closed (4001)
    ws_ping_seconds: float = 10.0
    ws_timeout_seconds: float = 20.0
    ws_commands_per_second: float = 20.0
    # WebSockets one person may hold open at once, over every server process (devices, tabs);
    # the next is closed with 4105.
    max_sockets_per_user: int = 5
    ws_deflate: bool = False  # permessage-deflate: measured in bench/fanout.py, off by default
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    redis_url: str = ""  # set to share channels and presence between processes
    redis_prefix: str = "phonghop"
    history_size: int = 1000
    history_seconds: int = 3600
    # PostgreSQL connections per process (plus 5 in bursts): processes x (this + 5) must stay
    # under the server's max_connections (100 by default).
    db_pool_size: int = 10
    # The integrity check of stored files and records (meetings.integrity): every so many
    # hours (0: only when asked).
    integrity_hours: float = 24.0
    # Public holidays (ISO dates), skipped when counting the working days before a session.
    holidays: tuple[str, ...] = field(default_factory=tuple)
    # Invitations by e-mail (phonghop.mailer). No host: no mail is sent.
    smtp_host: str = ""
    smtp_port: int = 0  # 0: 587 with starttls, 465 with tls, 25 with none
    smtp_tls: str = "starttls"  # starttls, tls (implicit TLS), none
    smtp_username: str = ""  # log in when set
    smtp_password: str = ""
    smtp_sender: str = ""  # From: and the calendar's ORGANIZER (default: the username)
    smtp_timeout: float = 30.0
    smtp_ca_file: str = ""  # CA certificates (PEM) to trust beside the system's
    # How long after a meeting's end a tablet keeps its document pages (issue 13 §4); the
    # app deletes them at its next start after that, offline too, and at once at sealing.
    offline_cache_hours: float = 24.0
    public_url: str = ""  # the app's address in letters (default: http://{host}:{port})

    @property
    def public_holidays(self) -> frozenset[date]:
        return parse_holidays(self.holidays)

    @property
    def app_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def __post_init__(self) -> None:
        # The one place a relative path is resolved: against the folder the server, the demo
        # or the CLI command was started from, before anything derives a path from it.
        object.__setattr__(self, "data_dir", absolute(self.data_dir))

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'phonghop.db'}"

    def resolved_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PHONGHOP_{f.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls(), f.name)
            if isinstance(default, bool):
                values[f.name] = _bool(raw)
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            elif isinstance(default, Path):
                values[f.name] = Path(raw)
            elif isinstance(default, tuple):
                values[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            else:
                values[f.name] = raw
        return replace(cls(**values), **overrides)  # type: ignore[arg-type]
