"""Routes: preparing and running meetings, and votes. Each parses, authorises through the
domain service, and publishes what the service says happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import agenda, preparation, publication
from meetings.errors import invalid
from meetings.events import Event
from meetings.live import running
from meetings.live.snapshot import snapshot
from meetings.models import AgendaItem, Body, Meeting, Participant
from meetings.views import item_view, meeting_view
from phonghop.auth import parts
from phonghop.responses import (
    field_int,
    field_str,
    field_time,
    int_list,
    json_response,
    path_int,
    read_json,
    read_upload,
)
from phonghop.services import Services
from phonghop.uploads import Target
from realtime.protocol import Close


async def my_meetings(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)

    def run(session: Session) -> list[dict[str, Any]]:
        rows = session.exec(
            select(Meeting, Participant.role, Body)
            .join(Participant, col(Participant.meeting_id) == col(Meeting.id))
            .join(Body, col(Body.id) == col(Meeting.body_id))
            .where(Participant.user_id == actor.user_id)
            .order_by(col(Meeting.starts_at).desc())
        ).all()
        return [meeting_view(m, b) | {"role": role} for m, role, b in rows]

    return json_response({"meetings": await services.read(run)})


async def create_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    data = await read_json(request)
    body_id = field_int(data, "body_id")
    title = field_str(data, "title")
    starts_at = field_time(data, "starts_at")
    place = field_str(data, "place", default="")
    kind = field_str(data, "kind", default="regular")
    assert body_id is not None
    meeting = await services.write(
        lambda s: preparation.create_meeting(
            s, actor, body_id=body_id, title=title, starts_at=starts_at, place=place,
            kind=kind, holidays=services.holidays,
        )
    )
    return json_response({"meeting": meeting_view(meeting)}, status=201)


async def get_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(await services.read(lambda s: snapshot(
        s, actor, meeting_id, offline_hours=services.settings.offline_cache_hours)))


async def update_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    title = field_str(data, "title") if "title" in data else None
    place = field_str(data, "place") if "place" in data else None
    starts_at = field_time(data, "starts_at") if "starts_at" in data else None
    kind = field_str(data, "kind") if "kind" in data else None
    meeting = await services.write(
        lambda s: preparation.update_meeting(
            s, actor, meeting_id, title=title, place=place, starts_at=starts_at, kind=kind,
            holidays=services.holidays,
        )
    )
    services.mailer.kick()  # a new time or place goes to those already invited
    return json_response({"meeting": meeting_view(meeting)})


async def copy_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    starts_at = field_time(data, "starts_at")
    title = field_str(data, "title") if "title" in data else None
    place = field_str(data, "place") if "place" in data else None
    meeting = await services.write(lambda s: preparation.copy_meeting(
        s, actor, meeting_id, starts_at=starts_at, title=title, place=place,
        holidays=services.holidays))
    return json_response({"meeting": meeting_view(meeting)}, status=201)


async def publish(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    meeting = await services.perform(lambda s: publication.publish(s, actor, meeting_id))
    return json_response({"meeting": meeting_view(meeting)})


async def set_participant(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    user_id = field_int(data, "user_id")
    role = field_str(data, "role")
    assert user_id is not None
    _, events = await services.write(
        lambda s: preparation.add_participant(s, actor, meeting_id, user_id=user_id, role=role)
    )
    # A role takes effect on the tablets already connected: they reconnect and get what the
    # new role sees (a chair made a guest loses the staff channel at once).
    await services.hub.disconnect({"user_id": user_id, "meeting_id": meeting_id},
                                  Close.ROLE_CHANGED)
    await services.publish(events)
    return json_response({"user_id": user_id, "role": role}, status=201)


async def remove_participant(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    user_id = path_int(request, "user_id")
    events = await services.write(
        lambda s: preparation.remove_participant(s, actor, meeting_id, user_id)
    )
    # Close the removed person's tablets first, so they never see the news about themselves.
    await services.hub.disconnect({"user_id": user_id, "meeting_id": meeting_id},
                                  Close.FORBIDDEN)
    await services.publish(events)
    services.mailer.kick()  # the calendar's cancellation, for someone who had the invitation
    return json_response({"ok": True})


async def _item_answer(services: Services, change: Callable[[Session], tuple[
        AgendaItem, list[Event]]], status: int = 200) -> Response:
    """Make the change, publish what it announces, answer with the item as now numbered."""

    def run(session: Session) -> tuple[dict[str, Any], list[Event]]:
        item, events = change(session)
        return item_view(item, [], number=agenda.number_of(session, item)), events

    view = await services.perform(run)
    view.pop("documents")
    return json_response({"item": view}, status=status)


async def add_item(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    title = field_str(data, "title")
    presenter = field_str(data, "presenter", default="")
    planned = field_int(data, "planned_minutes", optional=True) or 0
    parent_id = field_int(data, "parent_id", optional=True)
    return await _item_answer(services, lambda s: agenda.add_item(
        s, actor, meeting_id, title=title, presenter=presenter, planned_minutes=planned,
        parent_id=parent_id), status=201)


async def edit_item(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    item_id = path_int(request, "item_id")
    data = await read_json(request)
    title = field_str(data, "title") if "title" in data else None
    presenter = field_str(data, "presenter") if "presenter" in data else None
    planned = field_int(data, "planned_minutes", optional=True)
    return await _item_answer(services, lambda s: agenda.edit_item(
        s, actor, meeting_id, item_id, title=title, presenter=presenter,
        planned_minutes=planned))


async def delete_item(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    item_id = path_int(request, "item_id")
    await services.perform(lambda s: agenda.delete_item(s, actor, meeting_id, item_id))
    return json_response({"ok": True})


async def reorder_agenda(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    rows = data.get("items")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise invalid("bad_field", "Trường 'items' phải là danh sách các nội dung.",
                      "The field 'items' must be a list of items.", field="items")
    order: agenda.Order = []
    for row in rows:
        item_id = field_int(row, "id")
        assert item_id is not None
        order.append((item_id, int_list(row.get("children", []), "children")))
    await services.perform(lambda s: agenda.reorder(s, actor, meeting_id, order))
    return json_response({"items": await services.read(
        lambda s: agenda.agenda_view(s, meeting_id))})


async def upload_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    item_id = path_int(request, "item_id")
    # Only the secretary may make the server read a file: checked before reading it.
    await services.read(lambda s: preparation.may_upload(s, actor, meeting_id, item_id))
    form = await read_upload(request, services.settings.max_upload_mb)
    upload_id = await services.uploads.receive(actor, form, Target(meeting_id, item_id=item_id))
    return await services.uploads.answer(request, upload_id)


async def start(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.perform(lambda s: running.start_meeting(s, actor, meeting_id))
    return json_response(await services.read(lambda s: snapshot(
        s, actor, meeting_id, offline_hours=services.settings.offline_cache_hours)))


async def present(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    item_id = field_int(data, "item_id", optional=True)
    document_id = field_int(data, "document_id", optional=True)
    page = field_int(data, "page", optional=True)
    events = await services.write(
        lambda s: running.present(
            s, actor, meeting_id, item_id=item_id, document_id=document_id, page=page
        )
    )
    await services.publish(events)
    return json_response({"presentation": events[-1].data})


async def end(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.perform(lambda s: running.end_meeting(s, actor, meeting_id))
    return json_response({"ok": True})


routes = [
    Route("/api/meetings", my_meetings, methods=["GET"]),
    Route("/api/meetings", create_meeting, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}", get_meeting, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}", update_meeting, methods=["PATCH"]),
    Route("/api/meetings/{meeting_id:int}/participants", set_participant, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/participants/{user_id:int}", remove_participant,
          methods=["DELETE"]),
    Route("/api/meetings/{meeting_id:int}/copy", copy_meeting, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/publish", publish, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/items", add_item, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/items/{item_id:int}", edit_item, methods=["PATCH"]),
    Route("/api/meetings/{meeting_id:int}/items/{item_id:int}", delete_item,
          methods=["DELETE"]),
    Route("/api/meetings/{meeting_id:int}/agenda", reorder_agenda, methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/items/{item_id:int}/documents", upload_document,
          methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/start", start, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/present", present, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/end", end, methods=["POST"]),
]
