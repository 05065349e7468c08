"""Routes: uploads and versions, where documents sit (order, item, removal), page images,
the original files, search, the meeting's document policy, and private notes on pages."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from meetings import clock, notes
from meetings.accounts import Actor
from meetings.documents import intake, placement
from meetings.documents import library as documents
from meetings.documents.pages import DEFAULT_FORMAT, FORMATS, snap_width
from meetings.errors import invalid
from meetings.views import document_view
from phonghop.auth import parts
from phonghop.page_access import Grant, GrantKey
from phonghop.responses import (
    field_int,
    field_str,
    int_list,
    json_response,
    path_int,
    read_json,
    read_upload,
)
from phonghop.services import Services
from phonghop.uploads import Target

IMMUTABLE = "private, max-age=31536000, immutable"
ORIGINAL_TYPES = {"pdf": "application/pdf", "ooxml": "application/octet-stream",
                  "odf": "application/octet-stream", "ole": "application/octet-stream",
                  "rtf": "application/rtf"}


async def add_version(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    meeting_id = await services.read(lambda s: documents.may_replace(s, actor, document_id))
    form = await read_upload(request, services.settings.max_upload_mb)
    upload_id = await services.uploads.receive(actor, form,
                                               Target(meeting_id, document_id=document_id))
    return await services.uploads.answer(request, upload_id)


async def list_uploads(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response({"uploads": await services.read(
        lambda s: intake.listing(s, actor, meeting_id))})


async def get_upload(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    upload_id = path_int(request, "upload_id")
    return json_response({"upload": await services.read(
        lambda s: intake.view(intake.visible(s, actor, upload_id)))})


async def dismiss_upload(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    upload_id = path_int(request, "upload_id")
    await services.perform(lambda s: intake.dismiss(s, actor, upload_id))
    return json_response({"ok": True})


async def remove_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    outcome = await services.perform(
        lambda s: placement.remove_document(s, actor, document_id))
    return json_response({"document_id": document_id, "outcome": outcome})


async def edit_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    data = await read_json(request)
    item_id = field_int(data, "item_id", optional=True)
    title = field_str(data, "title") if "title" in data else None
    document = await services.perform(lambda s: placement.move_document(
        s, actor, document_id, item_id=item_id, title=title))
    return json_response({"document": document_view(document)})


async def order_documents(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    item_id = path_int(request, "item_id")
    order = int_list((await read_json(request)).get("documents"), "documents")
    await services.perform(lambda s: placement.reorder_documents(
        s, actor, meeting_id, item_id, order))
    return json_response({"documents": order})


async def list_versions(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    rows = await services.read(lambda s: documents.versions(s, actor, document_id))
    return json_response({"versions": [documents.version_view(v) for v in rows]})


def _query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    value = int(raw) if raw.isdigit() and len(raw) <= 18 else None
    if value is None:
        raise invalid(f"bad_{name}", f"Tham số {name} phải là số nguyên dương.",
                      f"The parameter {name} must be a positive integer.")
    return value


async def page_image(request: Request) -> Response:
    services, sessions = parts(request)
    actor, login = await sessions.require_login(request)
    document_id = path_int(request, "document_id")
    page = path_int(request, "page")
    try:
        width = snap_width(int(request.query_params.get(
            "width", request.query_params.get("w", "1280"))))
    except ValueError:
        raise invalid("bad_width", "Độ rộng (w, width) phải là số nguyên.",
                      "The width (w, width) must be an integer.") from None
    fmt = request.query_params.get("format", DEFAULT_FORMAT)
    if fmt not in FORMATS:
        raise invalid("bad_format", "Định dạng ảnh phải là webp, png hoặc jpeg.",
                      "The image format must be webp, png or jpeg.")
    # ?version=N (or ?v=N): an older version's page, for annotations it could not place.
    number = _query_int(request, "version") if "version" in request.query_params \
        else _query_int(request, "v")

    grant = await _page_grant(services, actor, (login, document_id, number))
    if not 1 <= page <= grant.page_count:
        raise invalid("bad_page", f"Trang phải từ 1 đến {grant.page_count}.",
                      f"The page must be between 1 and {grant.page_count}.")
    renderer = services.renderer
    if grant.confidential:
        stamp = clock.short_text(clock.now_utc())
        data = await renderer.watermarked(
            grant.sha256, page, width, fmt, f"{actor.full_name} · {stamp}")
        return Response(data, media_type=FORMATS[fmt],
                        headers={"Cache-Control": "private, no-store"})
    etag = f'"{grant.sha256[:32]}-{page}-{width}-{fmt}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    accel = services.settings.accel_redirect
    if accel:
        # nginx sends the file from its internal location (deploy/nginx-phonghop.conf).
        path = await renderer.page_image(grant.sha256, page, width, fmt)
        headers["X-Accel-Redirect"] = (accel.rstrip("/") + "/"
                                       + path.relative_to(renderer.cache_dir).as_posix())
        return Response(media_type=FORMATS[fmt], headers=headers)
    cached = str(renderer.cache_path(grant.sha256, page, width, fmt))
    image = services.page_bytes.get(cached)
    if image is None:
        path = await renderer.page_image(grant.sha256, page, width, fmt)
        image = await run_in_threadpool(path.read_bytes)
        services.page_bytes.put(cached, image)
    return Response(image, media_type=FORMATS[fmt], headers=headers)


async def _page_grant(services: Services, actor: Actor, key: GrantKey) -> Grant:
    """What the database says of this login, document and version, remembered until a write
    could change it (phonghop.page_access)."""
    grants = services.page_grants
    grant = grants.get(key)
    if grant is not None:
        return grant
    _login, document_id, number = key

    def look(s: Session) -> Grant:
        document = documents.viewable(s, actor, document_id)
        version = documents.get_version(s, document_id, number)
        return Grant(actor.user_id, version.sha256, version.page_count,
                     documents.policy(s, document.meeting_id).confidential)

    generation = grants.generation
    grant = await services.read(look)
    grants.put(key, grant, generation)
    return grant


async def original(request: Request) -> Response:
    """The file as uploaded (PDF, DOCX...), for those the policy gives it to; HTTP Range is
    supported."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    number = _query_int(request, "v")
    _, version = await services.read(lambda s: documents.downloadable(
        s, actor, document_id, number, original=True))
    return FileResponse(
        services.blobs.path(version.original_sha256),
        media_type=ORIGINAL_TYPES.get(version.original_type, "application/octet-stream"),
        filename=version.original_filename,
        content_disposition_type="attachment",
        headers={"Cache-Control": IMMUTABLE, "ETag": f'"{version.original_sha256}"'},
    )


async def clean_pdf(request: Request) -> Response:
    """The cleaned PDF that tablets see (no scripts, actions, attachments or forms)."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    number = _query_int(request, "v")
    document, version = await services.read(lambda s: documents.downloadable(
        s, actor, document_id, number, original=False))
    return FileResponse(
        services.blobs.path(version.sha256), media_type="application/pdf",
        filename=document.filename.rsplit(".", 1)[0] + ".pdf",
        content_disposition_type="inline",
        headers={"Cache-Control": IMMUTABLE, "ETag": f'"{version.sha256}"'},
    )


async def search_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    query = request.query_params.get("q", "")
    hits = await services.read(lambda s: documents.search_document(s, actor, document_id, query))
    return json_response({"query": query, "hits": hits})


async def search_meeting(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    query = request.query_params.get("q", "")
    hits = await services.read(lambda s: documents.search_meeting(s, actor, meeting_id, query))
    return json_response({"query": query, "hits": hits})


async def get_policy(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")

    def run(s: Session) -> dict[str, Any]:
        from meetings.access import Action, authorize

        authorize(s, actor, meeting_id, Action.VIEW)
        return documents.policy_view(documents.policy(s, meeting_id))

    return json_response(await services.read(run))


async def put_policy(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    confidential = data.get("confidential", False)
    downloads = data.get("downloads", True)
    if not isinstance(confidential, bool) or not isinstance(downloads, bool):
        raise invalid("bad_field", "confidential và downloads phải là true hoặc false.",
                      "confidential and downloads must be true or false.")
    originals = field_str(data, "originals", default="staff")
    policy = await services.perform(lambda s: documents.set_policy(
        s, actor, meeting_id, confidential=confidential, downloads=downloads,
        originals=originals))
    return json_response(documents.policy_view(policy))


async def list_notes(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    rows = await services.read(lambda s: notes.my_notes(s, actor, document_id))
    return json_response({"notes": rows})


async def add_note(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    data = await read_json(request)
    page = field_int(data, "page")
    text = field_str(data, "text")
    key = field_str(data, "key") if data.get("key") is not None else None
    assert page is not None
    note, added = await services.perform(
        lambda s: notes.add_note(s, actor, document_id, page=page, text=text, key=key)
    )
    # A key seen before: the note added then, answered again (200, not 201: nothing was added).
    return json_response({"note": note}, status=201 if added else 200)


async def edit_note(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    note_id = path_int(request, "note_id")
    data = await read_json(request)
    document_id = field_int(data, "document_id")
    page = field_int(data, "page")
    text = field_str(data, "text")
    assert page is not None and document_id is not None
    note = await services.perform(
        lambda s: notes.save_note(s, actor, document_id, page=page, text=text, note_id=note_id)
    )
    return json_response({"note": note})


async def delete_note(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    note_id = path_int(request, "note_id")
    await services.perform(lambda s: notes.delete_note(s, actor, note_id))
    return json_response({"ok": True})


routes = [
    Route("/api/documents/{document_id:int}/pages/{page:int}", page_image, methods=["GET"]),
    Route("/api/documents/{document_id:int}/file", original, methods=["GET"]),
    Route("/api/documents/{document_id:int}/pdf", clean_pdf, methods=["GET"]),
    Route("/api/documents/{document_id:int}", edit_document, methods=["PATCH"]),
    Route("/api/documents/{document_id:int}", remove_document, methods=["DELETE"]),
    Route("/api/meetings/{meeting_id:int}/items/{item_id:int}/document-order",
          order_documents, methods=["PUT"]),
    Route("/api/documents/{document_id:int}/versions", list_versions, methods=["GET"]),
    Route("/api/documents/{document_id:int}/versions", add_version, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/uploads", list_uploads, methods=["GET"]),
    Route("/api/uploads/{upload_id:int}", get_upload, methods=["GET"]),
    Route("/api/uploads/{upload_id:int}", dismiss_upload, methods=["DELETE"]),
    Route("/api/documents/{document_id:int}/search", search_document, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/search", search_meeting, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/document-policy", get_policy, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/document-policy", put_policy, methods=["PUT"]),
    Route("/api/documents/{document_id:int}/notes", list_notes, methods=["GET"]),
    Route("/api/documents/{document_id:int}/notes", add_note, methods=["POST"]),
    Route("/api/notes/{note_id:int}", edit_note, methods=["PUT"]),
    Route("/api/notes/{note_id:int}", delete_note, methods=["DELETE"]),
]
