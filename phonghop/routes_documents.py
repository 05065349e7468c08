"""Routes: page images, original files, and private notes on pages."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from meetings import notes
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import invalid
from meetings.models import Document
from meetings.pdf_pages import snap_width
from meetings.preparation import get_document
from meetings.views import note_view
from phonghop.responses import field_int, field_str, json_response, path_int, read_json
from phonghop.routes_auth import parts

IMMUTABLE = "private, max-age=31536000, immutable"


def _viewable(session: Session, actor: Actor, document_id: int) -> Document:
    document = get_document(session, document_id)
    authorize(session, actor, document.meeting_id, Action.VIEW)
    return document


async def page_image(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    page = path_int(request, "page")
    try:
        width = snap_width(int(request.query_params.get("w", "1280")))
    except ValueError:
        raise invalid("bad_width", "Độ rộng (w) phải là số nguyên.",
                      "The width (w) must be an integer.") from None
    document = await services.read(lambda s: _viewable(s, actor, document_id))
    if not 1 <= page <= document.page_count:
        raise invalid("bad_page", f"Trang phải từ 1 đến {document.page_count}.",
                      f"The page must be between 1 and {document.page_count}.")
    etag = f'"{document.sha256[:32]}-{page}-{width}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    path = await services.renderer.page_png(document.sha256, page, width)
    return FileResponse(path, media_type="image/png", headers=headers)


async def original(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    document = await services.read(lambda s: _viewable(s, actor, document_id))
    return FileResponse(
        services.blobs.path(document.sha256),
        media_type="application/pdf",
        filename=document.filename,
        content_disposition_type="inline",
        headers={"Cache-Control": IMMUTABLE, "ETag": f'"{document.sha256}"'},
    )


async def list_notes(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    rows = await services.read(lambda s: notes.my_notes(s, actor, document_id))
    return json_response({"notes": [note_view(n) for n in rows]})


async def add_note(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    data = await read_json(request)
    page = field_int(data, "page")
    text = field_str(data, "text")
    assert page is not None
    note = await services.perform(
        lambda s: notes.save_note(s, actor, document_id, page=page, text=text)
    )
    return json_response({"note": note_view(note)}, status=201)


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
    return json_response({"note": note_view(note)})


async def delete_note(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    note_id = path_int(request, "note_id")
    await services.perform(lambda s: notes.delete_note(s, actor, note_id))
    return json_response({"ok": True})


routes = [
    Route("/api/documents/{document_id:int}/pages/{page:int}", page_image, methods=["GET"]),
    Route("/api/documents/{document_id:int}/file", original, methods=["GET"]),
    Route("/api/documents/{document_id:int}/notes", list_notes, methods=["GET"]),
    Route("/api/documents/{document_id:int}/notes", add_note, methods=["POST"]),
    Route("/api/notes/{note_id:int}", edit_note, methods=["PUT"]),
    Route("/api/notes/{note_id:int}", delete_note, methods=["DELETE"]),
]
