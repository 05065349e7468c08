"""Routes: disposing of a sealed meeting whose retention period has passed (docs/api.md,
"Retention and disposal"); the rule is `meetings.disposal`'s, the files go after the commit."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import clock, disposal
from phonghop.auth import parts
from phonghop.responses import json_response, path_int, read_json


async def dispose(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    now = clock.now_utc()
    done = await services.write(
        lambda s: disposal.dispose(s, actor, meeting_id, data.get("reason"), now=now))
    deleted = await services.read(
        lambda s: disposal.release_files(s, services.blobs, done.files))
    for digest in deleted:
        services.renderer.forget(digest)
    return json_response({"disposal": done.tombstone, "files_deleted": len(deleted)})


routes = [
    Route("/api/archive/{meeting_id:int}/disposal", dispose, methods=["POST"]),
]
