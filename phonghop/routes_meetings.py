"""Routes: preparing and running meetings, and votes. Each parses, authorises through the
domain service, and publishes what the service says happened."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import preparation, running
from meetings.documents import current_version
from meetings.models import Body, Document, Meeting, Participant
from meetings.snapshot import snapshot
from meetings.views import document_view, meeting_view
from phonghop.responses import (
    field_int,
    field_str,
    field_time,
    json_response,
    path_int,
    read_json,
)
from phonghop.routes_auth import parts
from phonghop.routes_documents import announce_when_first_page_ready, receive_upload
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
    assert body_id is not None
    meeting = await services.write(
        lambda s: preparation.create_meeting(
            s, actor, body_id=body_id, title=title, starts_at=starts_at, place=place
        )
    )
    return json_response({"meeting": meeting_view(meeting)}, status=201)


async def get_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(await services.read(lambda s: snapshot(s, actor, meeting_id)))


async def update_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    title = field_str(data, "title") if "title" in data else None
    place = field_str(data, "place") if "place" in data else None
    starts_at = field_time(data, "starts_at") if "starts_at" in data else None
    meeting = await services.write(
        lambda s: preparation.update_meeting(
            s, actor, meeting_id, title=title, place=place, starts_at=starts_at
        )
    )
    return json_response({"meeting": meeting_view(meeting)})


async def set_participant(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    user_id = field_int(data, "user_id")
    role = field_str(data, "role")
    assert user_id is not None
    await services.perform(
        lambda s: preparation.add_participant(s, actor, meeting_id, user_id=user_id, role=role)
    )
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
    return json_response({"ok": True})


async def add_item(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    title = field_str(data, "title")
    presenter = field_str(data, "presenter", default="")
    planned = field_int(data, "planned_minutes", optional=True) or 0
    item = await services.perform(
        lambda s: preparation.add_item(
            s, actor, meeting_id, title=title, presenter=presenter, planned_minutes=planned
        )
    )
    return json_response({"item": {"id": item.id, "position": item.position,
                                   "title": item.title, "presenter": item.presenter,
                                   "planned_minutes": item.planned_minutes}}, status=201)


async def upload_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    item_id = path_int(request, "item_id")
    # Only the secretary may make the server read a file: checked before reading it.
    await services.read(lambda s: preparation.may_upload(s, actor, meeting_id, item_id))
    upload = await receive_upload(request, services)

    def run(session: Session) -> tuple[Document, str]:
        document, _ = preparation.accept_document(
            session, services.blobs, actor, meeting_id, item_id,
            filename=upload.filename, ingested=upload.ingested, title=upload.title,
        )
        return document, current_version(session, document.id or 0).sha256

    document, pdf_sha256 = await services.write(run)
    await announce_when_first_page_ready(services, document, pdf_sha256,
                                         upload.ingested.first_page)
    return json_response({"document": document_view(document)}, status=201)


async def start(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.perform(lambda s: running.start_meeting(s, actor, meeting_id))
    return json_response(await services.read(lambda s: snapshot(s, actor, meeting_id)))


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
    Route("/api/meetings/{meeting_id:int}/items", add_item, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/items/{item_id:int}/documents", upload_document,
          methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/start", start, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/present", present, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/end", end, methods=["POST"]),
]
