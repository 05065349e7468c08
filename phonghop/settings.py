"""Settings, read from PHONGHOP_* environment variables. Every setting is documented in
docs/settings.md (a test checks)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
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
    render_memory_mb: int = 1536  # address-space limit of each render worker
    render_workers: int = 2
    render_warm: bool = True  # start the render workers with the server, not on first use
    fast_passwords: bool = False  # cheaper Argon2 parameters, for tests and benchmarks only
    ws_send_buffer_kb: int = 1024  # a tablet further behind than this is closed (4001)
    ws_ping_seconds: float = 10.0
    ws_timeout_seconds: float = 20.0
    ws_commands_per_second: float = 20.0
    ws_deflate: bool = False  # permessage-deflate: measured in bench/fanout.py, off by default
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    redis_url: str = ""  # set to share channels and presence between processes
    redis_prefix: str = "phonghop"
    history_size: int = 1000
    history_seconds: int = 3600
    # PostgreSQL connections per process (plus 5 in bursts): processes x (this + 5) must stay
    # under the server's max_connections (100 by default).
    db_pool_size: int = 10

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'phonghop.db').resolve()}"

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
