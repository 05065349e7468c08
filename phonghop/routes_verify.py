"""Route: verifying a minutes file someone uploads (`POST /api/verify`).

Anyone logged in may check a file: its signatures against the server's trust roots, what was
changed after each, and whether it is the archive's signed minutes of a meeting they may read.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import archive
from meetings.errors import invalid
from meetings.minutes.verification import ArchivedCopy, report, verify_file
from phonghop.auth import parts
from phonghop.responses import json_response, read_upload


async def verify(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    form = await read_upload(request, services.settings.max_upload_mb)
    roots = services.keys.trust_roots()

    def lookup(sha256: str) -> ArchivedCopy | None:
        with services.db.read() as session:
            return archive.archived_copy(session, actor, sha256)

    try:
        result = await run_in_threadpool(verify_file, form.data, roots, lookup)
    except ValueError:
        raise invalid("not_pdf", "Tệp không phải PDF.", "The file is not a PDF.") from None
    return json_response(report(result))


routes = [Route("/api/verify", verify, methods=["POST"])]
