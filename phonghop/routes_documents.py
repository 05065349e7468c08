"""Routes: uploads and versions, page images, the original files, search, the meeting's
document policy, and private notes on pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from meetings import documents, notes
from meetings.accounts import Actor
from meetings.errors import DomainError, Kind, forbidden, invalid
from meetings.events import STAFF, Event
from meetings.ingest import FirstPage, Ingested, extract_words, ingest
from meetings.models import Document, DocumentVersion
from meetings.pdf_pages import DEFAULT_FORMAT, FORMATS, snap_width
from meetings.preparation import document_added
from meetings.views import document_view, note_view
from phonghop.responses import field_int, field_str, json_response, path_int, read_json
from phonghop.routes_auth import parts
from phonghop.services import Services

IMMUTABLE = "private, max-age=31536000, immutable"
PRERENDER_WIDTH = 1280
THUMBNAIL_WIDTH = 160
VIETNAM = timezone(timedelta(hours=7))
# Page 1 as tablets first ask for it, rendered by the child that reads the upload.
FIRST_PAGE = FirstPage(PRERENDER_WIDTH, DEFAULT_FORMAT)
ORIGINAL_TYPES = {"pdf": "application/pdf", "ooxml": "application/octet-stream",
                  "odf": "application/octet-stream", "ole": "application/octet-stream",
                  "rtf": "application/rtf"}


@dataclass
class Upload:
    filename: str
    title: str
    ingested: Ingested


def _too_large(services: Services) -> DomainError:
    mb = services.settings.max_upload_mb
    return DomainError(Kind.TOO_LARGE, "file_too_large", f"Tệp vượt quá giới hạn {mb} MB.",
                       f"The file is larger than the limit of {mb} MB.")


async def receive_upload(request: Request, services: Services, *,
                         first_page: bool = True) -> Upload:
    """Read the multipart upload, then check, convert and clean it in child processes; the
    child renders page 1 of the clean copy too, unless told no tablet will show it."""
    limit = services.settings.max_upload_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise _too_large(services)
    async with request.form(max_files=1, max_fields=10, max_part_size=1024 * 1024) as form:
        upload = form.get("file")
        title = form.get("title")
        password = form.get("password")
        if not isinstance(upload, UploadFile):
            raise invalid(
                "file_required",
                "Hãy chọn một tệp (PDF, Word, Excel, PowerPoint...) để tải lên (trường 'file').",
                "Choose a file (PDF, Word, Excel, PowerPoint...) to upload (field 'file').",
            )
        data = await upload.read()
        filename = upload.filename or "tai-lieu.pdf"
    if len(data) > limit:
        raise _too_large(services)
    scratch = services.settings.data_dir / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    limits = services.limits

    def run() -> Ingested:
        with services.ingest_slots:  # a bounded number of uploads read at once
            return ingest(data, filename, limits,
                          password=password if isinstance(password, str) else "",
                          scratch=scratch, first_page=FIRST_PAGE if first_page else None)

    ingested = await run_in_threadpool(run)
    return Upload(filename, title if isinstance(title, str) else "", ingested)


def _progress(services: Services, document: Document, sha256: str):  # type: ignore[no-untyped-def]
    async def report(ready: int, total: int) -> None:
        await services.publish([Event(document.meeting_id, "document.progress", {
            "document_id": document.id, "sha256": sha256, "ready": ready, "total": total,
        }, audience=STAFF)])

    return report


async def _first_page(services: Services, sha256: str, image: bytes | None) -> None:
    """Page 1 in the cache: the image the ingest child rendered, or else (it could not) a
    render worker's."""
    if image is not None:
        await run_in_threadpool(services.renderer.keep, sha256, 1, FIRST_PAGE.width,
                                FIRST_PAGE.format, image)
    try:
        await services.renderer.page_image(sha256, 1, FIRST_PAGE.width, FIRST_PAGE.format)
    except DomainError:
        pass  # shown as a refusal when a tablet asks for it


async def announce_when_first_page_ready(services: Services, document: Document,
                                         pdf_sha256: str, first_page: bytes | None) -> None:
    """Tablets hear of a document once its first page is rendered (by the ingest child,
    before this); the rest follows in the background, with progress (pages ready / total)
    for the secretary. Then its words are indexed for search (the uploader's answer waits
    for that, the tablets do not)."""
    await _first_page(services, pdf_sha256, first_page)
    await services.publish([document_added(document)])
    _prerender(services, document, pdf_sha256, document.page_count)
    await index_words(services, pdf_sha256)


async def index_words(services: Services, pdf_sha256: str) -> None:
    scratch = services.settings.data_dir / "tmp"
    limits = services.limits

    def read() -> list[dict[str, Any]]:
        with services.ingest_slots:
            return extract_words(services.blobs.path(pdf_sha256), limits, scratch=scratch)

    try:
        pages = await run_in_threadpool(read)
    except DomainError:
        return  # shown and rendered, but not searchable: its text is beyond the limits
    await services.write(lambda s: documents.store_pages(s, pdf_sha256, pages))


def _prerender(services: Services, document: Document, sha256: str, pages: int) -> None:
    services.renderer.prerender(sha256, range(1, pages + 1), PRERENDER_WIDTH,
                                _progress(services, document, sha256))
    services.renderer.prerender(sha256, range(1, pages + 1), THUMBNAIL_WIDTH)


async def add_version(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    await services.read(lambda s: documents.may_replace(s, actor, document_id))
    upload = await receive_upload(request, services)

    def run(session: Session) -> tuple[Document, dict[str, Any], list[Event]]:
        version, events = documents.replace_document(
            session, services.blobs, actor, document_id, filename=upload.filename,
            ingested=upload.ingested)
        document = session.get(Document, document_id)
        assert document is not None
        return document, documents.version_view(version), events

    document, version, events = await services.write(run)
    await _first_page(services, version["sha256"], upload.ingested.first_page)
    await services.publish(events)
    _prerender(services, document, version["sha256"], document.page_count)
    await index_words(services, version["sha256"])
    return json_response({"document": document_view(document), "version": version},
                         status=201)


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
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"bad_{name}", f"Tham số {name} phải là số nguyên.",
                      f"The parameter {name} must be an integer.") from None


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
    fmt = request.query_params.get("format", DEFAULT_FORMAT)
    if fmt not in FORMATS:
        raise invalid("bad_format", "Định dạng ảnh phải là webp, png hoặc jpeg.",
                      "The image format must be webp, png or jpeg.")
    number = _query_int(request, "v")

    def look(s: Session) -> tuple[str, int, bool]:
        document = documents.viewable(s, actor, document_id)
        version = documents.get_version(s, document_id, number)
        return version.sha256, version.page_count, documents.policy(s, document.meeting_id
                                                                    ).confidential

    sha256, page_count, confidential = await services.read(look)
    if not 1 <= page <= page_count:
        raise invalid("bad_page", f"Trang phải từ 1 đến {page_count}.",
                      f"The page must be between 1 and {page_count}.")
    if confidential:
        stamp = datetime.now(VIETNAM).strftime("%H:%M %d/%m/%Y")
        data = await services.renderer.watermarked(
            sha256, page, width, fmt, f"{actor.full_name} · {stamp}")
        return Response(data, media_type=FORMATS[fmt],
                        headers={"Cache-Control": "private, no-store"})
    etag = f'"{sha256[:32]}-{page}-{width}-{fmt}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    path = await services.renderer.page_image(sha256, page, width, fmt)
    return FileResponse(path, media_type=FORMATS[fmt], headers=headers)


def _downloadable(s: Session, actor: Actor, document_id: int, number: int | None
                  ) -> tuple[Document, DocumentVersion]:
    document = documents.viewable(s, actor, document_id)
    if not documents.policy_view(documents.policy(s, document.meeting_id))["downloads"]:
        raise forbidden("downloads_off",
                        "Cuộc họp này không cho phép tải tài liệu về; hãy xem trên máy tính bảng.",
                        "This meeting does not allow downloading documents; view them on the "
                        "tablet.")
    return document, documents.get_version(s, document_id, number)


async def original(request: Request) -> Response:
    """The file as uploaded (PDF, DOCX...), for the record; HTTP Range is supported."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    number = _query_int(request, "v")
    _, version = await services.read(lambda s: _downloadable(s, actor, document_id, number))
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
    document, version = await services.read(
        lambda s: _downloadable(s, actor, document_id, number))
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

    def run(s: Session) -> dict[str, bool]:
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
    policy = await services.perform(lambda s: documents.set_policy(
        s, actor, meeting_id, confidential=confidential, downloads=downloads))
    return json_response(documents.policy_view(policy))


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
    Route("/api/documents/{document_id:int}/pdf", clean_pdf, methods=["GET"]),
    Route("/api/documents/{document_id:int}/versions", list_versions, methods=["GET"]),
    Route("/api/documents/{document_id:int}/versions", add_version, methods=["POST"]),
    Route("/api/documents/{document_id:int}/search", search_document, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/search", search_meeting, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/document-policy", get_policy, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/document-policy", put_policy, methods=["PUT"]),
    Route("/api/documents/{document_id:int}/notes", list_notes, methods=["GET"]),
    Route("/api/documents/{document_id:int}/notes", add_note, methods=["POST"]),
    Route("/api/notes/{note_id:int}", edit_note, methods=["PUT"]),
    Route("/api/notes/{note_id:int}", delete_note, methods=["DELETE"]),
]
