"""Routes: the room screen's controls in the console (how long a vote's result stays up, and
taking it down). Thin: parse, call meetings.live.screen through `services.perform`, answer
with the screen's state."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings.errors import invalid
from meetings.live import screen
from phonghop.auth import parts
from phonghop.responses import json_response, path_int, read_json


async def settings(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    if "result_seconds" not in data:
        raise invalid("bad_field", "Thiếu trường 'result_seconds' (số giây, hoặc null).",
                      "The field 'result_seconds' is missing (seconds, or null).",
                      field="result_seconds")
    seconds = data["result_seconds"]
    if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool)):
        raise invalid("bad_field", "Trường 'result_seconds' phải là số giây hoặc null.",
                      "The field 'result_seconds' must be a number of seconds or null.",
                      field="result_seconds")
    await services.perform(lambda s: screen.set_result_seconds(s, actor, meeting_id, seconds))
    return json_response(
        {"screen": await services.read(lambda s: screen.screen_for(s, actor, meeting_id))})


async def dismiss(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.perform(lambda s: screen.dismiss_result(s, actor, meeting_id))
    return json_response(
        {"screen": await services.read(lambda s: screen.screen_for(s, actor, meeting_id))})


routes = [
    Route("/api/meetings/{meeting_id:int}/screen/settings", settings, methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/screen/dismiss", dismiss, methods=["POST"]),
]
