"""Routes: excluding a participant from an agenda item (conflict of interest), and
readmitting them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import exclusions
from phonghop.auth import parts
from phonghop.responses import field_str, json_response, path_int, read_json


async def exclude(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id, item_id = path_int(request, "meeting_id"), path_int(request, "item_id")
    user_id = path_int(request, "user_id")
    reason = field_str(await read_json(request), "reason", default="")
    return json_response(await services.perform(
        lambda s: exclusions.exclude(s, actor, meeting_id, item_id, user_id, reason)))


async def readmit(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id, item_id = path_int(request, "meeting_id"), path_int(request, "item_id")
    user_id = path_int(request, "user_id")
    await services.perform(
        lambda s: exclusions.readmit(s, actor, meeting_id, item_id, user_id))
    return json_response({"ok": True})


PATH = "/api/meetings/{meeting_id:int}/items/{item_id:int}/exclusions/{user_id:int}"
routes = [
    Route(PATH, exclude, methods=["PUT"]),
    Route(PATH, readmit, methods=["DELETE"]),
]
