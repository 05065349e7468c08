"""Routes: the speakers' list. Each parses, calls the domain service (meetings.live.speakers) and
publishes what it says happened."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings.errors import invalid
from meetings.events import Event
from meetings.live import speakers
from meetings.models import SpeakerRequest
from phonghop.auth import parts
from phonghop.responses import field_int, field_str, json_response, path_int, read_json


async def list_speakers(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(await services.read(lambda s: speakers.list_for(s, actor, meeting_id)))


async def request_floor(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    kind = field_str(data, "kind", default="speech")
    user_id = field_int(data, "user_id", optional=True)
    key = field_str(data, "key") if data.get("key") is not None else None
    created: list[bool] = []

    def ask(s: Session) -> tuple[SpeakerRequest, list[Event]]:
        row, events = speakers.request_to_speak(s, actor, meeting_id, kind=kind,
                                                user_id=user_id, key=key)
        created.append(bool(events))
        return row, events

    row = await services.perform(ask)
    # A key seen before: the same request, answered again (200, not 201: nothing was added).
    return json_response({"id": row.id, "user_id": row.user_id, "kind": row.kind,
                          "status": row.status, "item_id": row.item_id, "key": row.request_key},
                         status=201 if created[-1] else 200)


async def reorder(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    order = data.get("order")
    if not isinstance(order, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in order
    ):
        raise invalid("bad_field", "Trường 'order' phải là danh sách mã số lượt đăng ký.",
                      "The field 'order' must be a list of request ids.", field="order")
    await services.perform(lambda s: speakers.reorder(s, actor, meeting_id, order))
    return json_response({"ok": True})


async def settings(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    seconds = field_int(data, "default_seconds")
    assert seconds is not None
    await services.perform(
        lambda s: speakers.set_default_seconds(s, actor, meeting_id, seconds)
    )
    return json_response({"default_seconds": seconds})


async def withdraw(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    request_id = path_int(request, "request_id")
    await services.perform(lambda s: speakers.withdraw(s, actor, request_id))
    return json_response({"ok": True})


async def give_floor(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    request_id = path_int(request, "request_id")
    data = await read_json(request) if request.headers.get("content-length", "0") != "0" else {}
    limit = field_int(data, "limit_seconds", optional=True)
    row = await services.perform(
        lambda s: speakers.give_floor(s, actor, request_id, limit_seconds=limit)
    )
    return json_response({"id": row.id, "status": row.status,
                          "started_at": row.started_at.isoformat() if row.started_at else None})


async def end_turn(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    request_id = path_int(request, "request_id")
    row = await services.perform(lambda s: speakers.end_turn(s, actor, request_id))
    return json_response({"id": row.id, "status": row.status,
                          "spoken_seconds": row.spoken_seconds})


async def set_limit(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    request_id = path_int(request, "request_id")
    data = await read_json(request)
    limit = field_int(data, "limit_seconds")
    assert limit is not None
    row = await services.perform(lambda s: speakers.set_limit(s, actor, request_id, limit))
    return json_response({"id": row.id, "limit_seconds": row.limit_seconds})


async def set_statement(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    request_id = path_int(request, "request_id")
    data = await read_json(request)
    text = field_str(data, "statement")
    row = await services.perform(lambda s: speakers.set_statement(s, actor, request_id, text))
    return json_response({"id": row.id, "statement": row.statement})


routes = [
    Route("/api/meetings/{meeting_id:int}/speakers", list_speakers, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/speakers", request_floor, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/speakers/order", reorder, methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/speakers/settings", settings, methods=["PUT"]),
    Route("/api/speakers/{request_id:int}", withdraw, methods=["DELETE"]),
    Route("/api/speakers/{request_id:int}/floor", give_floor, methods=["POST"]),
    Route("/api/speakers/{request_id:int}/end", end_turn, methods=["POST"]),
    Route("/api/speakers/{request_id:int}/limit", set_limit, methods=["PUT"]),
    Route("/api/speakers/{request_id:int}/statement", set_statement, methods=["PUT"]),
]
