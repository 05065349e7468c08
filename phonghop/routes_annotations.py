"""Routes: annotations on document pages (issue 11) — what the caller may see on a document,
a device's batch of changes (each applied once), sharing and taking back, the words of a page
to snap highlights to, and the caller's annotated copy as a PDF. The rules are in
meetings.annotations.store; these only parse, call and answer."""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings.annotations import export, store
from meetings.documents import library as documents
from meetings.errors import invalid
from phonghop.auth import parts
from phonghop.responses import json_response, path_int, read_json

# The access log (uvicorn's, one line per request) names each request's path: an annotation's
# id, which is as private as the annotation, is left out of it.
IN_PATH = re.compile(r"(/api/annotations/)[^/?\s]+(/sharing)")


class HideAnnotationIds(logging.Filter):
    """On uvicorn's access logger: `/api/annotations/…/sharing` instead of the id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(IN_PATH.sub(r"\1…\2", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def hide_ids_in_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideAnnotationIds) for f in access.filters):
        access.addFilter(HideAnnotationIds())


def _query_number(request: Request, *names: str) -> int | None:
    """A version number from the query (`?version=N`, or the short `?v=N`)."""
    for name in names:
        raw = request.query_params.get(name)
        if raw:
            if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
                raise invalid("bad_version", f"Tham số {name} phải là số nguyên dương.",
                              f"The parameter {name} must be a positive integer.")
            return int(raw)
    return None


def _device(data: dict[str, Any]) -> str:
    return store.check_device(data["device"]) if data.get("device") is not None else ""


async def list_annotations(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    return json_response(await services.read(
        lambda s: store.visible_annotations(s, actor, document_id)))


async def apply_changes(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    device, changes = store.read_changes(await read_json(request))
    results = await services.perform(
        lambda s: store.apply_changes(s, actor, device, changes), bulk=True)
    return json_response({"results": results})


async def share_one(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    annotation_id = request.path_params["annotation_id"]
    data = await read_json(request)
    sharing, device = store.read_sharing(data), _device(data)
    view = await services.perform(
        lambda s: store.share_annotation(s, actor, annotation_id, sharing, device))
    return json_response({"annotation": view})


async def share_all(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    data = await read_json(request)
    sharing, device = store.read_sharing(data), _device(data)
    rows = await services.perform(
        lambda s: store.share_document(s, actor, document_id, sharing, device))
    return json_response({"annotations": rows})


async def page_words(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id, page = path_int(request, "document_id"), path_int(request, "page")
    number = _query_number(request, "version", "v")
    return json_response(await services.read(
        lambda s: documents.page_words(s, actor, document_id, page, number)))


async def annotated_pdf(request: Request) -> Response:
    """The caller's annotated copy of the cleaned PDF: their own annotations and those shared
    with them, on the version asked for (the current one by default), under the document
    policy of the cleaned PDF's own route (no downloads, as in a confidential meeting:
    refused)."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    document_id = path_int(request, "document_id")
    number = _query_number(request, "version", "v")

    def look(s: Session) -> tuple[str, str, int, list[dict[str, Any]]]:
        document, version = documents.downloadable(s, actor, document_id, number,
                                                   original=False)
        seen = store.visible_annotations(s, actor, document_id)["annotations"]
        return (document.filename, version.sha256, version.number,
                [a for a in seen if a["version"] == version.number])

    filename, sha256, number_, annotations = await services.read(look)
    pdf = services.blobs.get(sha256)
    # The cleaned PDF's route gives the file as it is wherever downloads are allowed (a
    # confidential meeting allows none): no watermark, the same here.
    data = await run_in_threadpool(export.annotated_pdf, pdf, annotations, watermark=None)
    name = f"{filename.rsplit('.', 1)[0]}-v{number_}-ghi-chu.pdf"
    return Response(data, media_type="application/pdf", headers={
        "Cache-Control": "private, no-store",
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}",
    })


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


routes = [
    Route("/api/documents/{document_id:int}/annotations", list_annotations, methods=["GET"]),
    Route("/api/annotations/changes", apply_changes, methods=["POST"]),
    Route("/api/annotations/{annotation_id}/sharing", share_one, methods=["PUT"]),
    Route("/api/documents/{document_id:int}/annotations/sharing", share_all, methods=["PUT"]),
    Route("/api/documents/{document_id:int}/pages/{page:int}/words", page_words,
          methods=["GET"]),
    Route("/api/documents/{document_id:int}/annotated.pdf", annotated_pdf, methods=["GET"]),
]
