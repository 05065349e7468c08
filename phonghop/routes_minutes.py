"""Routes: drafting, previewing and sealing the minutes; the archive."""

from __future__ import annotations

from datetime import datetime, time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import archive, archive_search, clock
from meetings.errors import invalid
from meetings.minutes import drafting as minutes
from phonghop.auth import parts
from phonghop.responses import json_response, path_int, read_json
from realtime.protocol import Close


def _pdf(data: bytes, filename: str, *, immutable: bool) -> Response:
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, max-age=31536000, immutable" if immutable else "no-store",
    }
    return Response(data, media_type="application/pdf", headers=headers)


async def get_minutes(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(await services.read(lambda s: minutes.minutes_view(s, actor, meeting_id)))


async def edit_minutes(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    general = data.get("general_conclusion")
    recipients = data.get("recipients")
    items = data.get("items")
    if general is not None and not isinstance(general, str):
        raise invalid("bad_field", "Kết luận chung phải là văn bản.",
                      "The general conclusion must be text.", field="general_conclusion")
    if recipients is not None and (
        not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients)
    ):
        raise invalid("bad_field", "Nơi nhận phải là danh sách văn bản.",
                      "Recipients must be a list of text.", field="recipients")
    conclusions: dict[int, str] = {}
    for entry in items or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or not isinstance(
            entry.get("conclusion"), str
        ):
            raise invalid("bad_field", "Mỗi nội dung cần 'id' (số) và 'conclusion' (văn bản).",
                          "Each item needs an 'id' (number) and a 'conclusion' (text).",
                          field="items")
        conclusions[entry["id"]] = entry["conclusion"]
    await services.write(
        lambda s: minutes.edit_minutes(
            s, actor, meeting_id, general_conclusion=general, recipients=recipients,
            item_conclusions=conclusions,
        )
    )
    return json_response(await services.read(lambda s: minutes.minutes_view(s, actor, meeting_id)))


async def preview(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await services.write(lambda s: minutes.preview(s, actor, meeting_id))
    return _pdf(data, f"du-thao-bien-ban-{meeting_id}.pdf", immutable=False)


async def seal(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.perform(
        lambda s: minutes.seal(s, services.blobs, services.keys, actor, meeting_id)
    )
    # Nothing more will happen in this meeting: tablets are told not to reconnect.
    await services.hub.disconnect({"meeting_id": meeting_id}, Close.MEETING_SEALED)
    return json_response(await services.read(lambda s: minutes.minutes_view(s, actor, meeting_id)))


async def signed_pdf(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    row = await services.read(lambda s: archive.sealed_minutes(s, actor, meeting_id))
    assert row.signed_sha256 is not None
    data = await services.read(lambda _s: services.blobs.get(row.signed_sha256 or ""))
    return _pdf(data, f"bien-ban-{row.number:02d}-{meeting_id}.pdf", immutable=True)


def _date(value: str | None, end: bool) -> datetime | None:
    if not value:
        return None
    try:
        if "T" in value:
            return datetime.fromisoformat(value)
        day = datetime.fromisoformat(value).date()
    except ValueError:
        raise invalid("bad_date", "Ngày phải theo dạng YYYY-MM-DD.",
                      "Dates must look like YYYY-MM-DD.") from None
    return datetime.combine(day, time.max if end else time.min, tzinfo=clock.VIETNAM)


def _number(value: str | None, name: str, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or len(value) > 9:
        raise invalid("bad_field", f"'{name}' phải là số nguyên không âm.",
                      f"'{name}' must be a whole number.", field=name)
    return int(value)


async def search_archive(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    q = request.query_params
    body = q.get("body")
    filters = archive_search.Filters(
        text=q.get("q", "")[:200],
        body_id=_number(body, "body", 0) if body else None,
        date_from=_date(q.get("from"), False), date_to=_date(q.get("to"), True),
        number=q.get("number", "")[:40], signer=q.get("signer", "")[:200],
        participant=q.get("participant", "")[:200], vote=q.get("vote", ""),
        access=q.get("access", ""), limit=_number(q.get("limit"), "limit", 50),
        offset=_number(q.get("offset"), "offset", 0),
    )
    return json_response(await services.read(lambda s: archive.search(s, actor, filters)))


async def archive_detail(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(
        await services.read(
            lambda s: archive.detail(s, services.blobs, services.keys, actor, meeting_id,
                                     now=clock.now_utc())
        )
    )


async def archive_record(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await services.read(lambda s: archive.record_file(s, actor, meeting_id))
    response = json_response(data)
    response.headers["Content-Disposition"] = f'attachment; filename="nhat-ky-{meeting_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


routes = [
    Route("/api/meetings/{meeting_id:int}/minutes", get_minutes, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/minutes", edit_minutes, methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/minutes/preview.pdf", preview, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/minutes/seal", seal, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/minutes.pdf", signed_pdf, methods=["GET"]),
    Route("/api/archive", search_archive, methods=["GET"]),
    Route("/api/archive/{meeting_id:int}", archive_detail, methods=["GET"]),
    Route("/api/archive/{meeting_id:int}/record.json", archive_record, methods=["GET"]),
]
