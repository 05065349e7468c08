"""The installable web app's service worker (static/sw.js), served at /sw.js so that its
scope is the whole site: this module stamps it with the build (the package version and a
hash of the static files, taken once when the app is built) and the list of app-shell files
it keeps, so that a new release replaces the shell the tablets hold."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

# Files kept out of the shell: licences and notes read by people, and the worker itself.
_NOT_SHELL = {".md", ".txt"}


def _version() -> str:
    try:
        return metadata.version("phonghop")
    except metadata.PackageNotFoundError:
        return "0"


def shell_files(static_dir: Path) -> list[str]:
    """The addresses of the app shell, sorted: every static file a tablet needs to start."""
    return sorted(
        "/static/" + path.relative_to(static_dir).as_posix()
        for path in static_dir.rglob("*")
        if path.is_file() and path.suffix not in _NOT_SHELL and path.name != "sw.js"
    )


def build_id(static_dir: Path, files: list[str]) -> str:
    digest = hashlib.sha256()
    for address in files:
        digest.update(address.encode() + b"\0")
        digest.update((static_dir / address.removeprefix("/static/")).read_bytes())
    return f"{_version()}-{digest.hexdigest()[:12]}"


class ServiceWorker:
    """GET /sw.js: the worker with its build and shell filled in, never cached as such (the
    browser compares it byte for byte to find a new release)."""

    def __init__(self, static_dir: Path) -> None:
        files = shell_files(static_dir)
        self.build = build_id(static_dir, files)
        source = (static_dir / "sw.js").read_text(encoding="utf-8")
        self.body = (source.replace("'__BUILD__'", json.dumps(self.build))
                     .replace("['__SHELL__']", json.dumps(files)))

    async def respond(self, _request: Request) -> Response:
        return Response(self.body, media_type="text/javascript", headers={
            "Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})
