"""Routes: written opinion forms (phiếu lấy ý kiến) between meetings. Each parses and calls
the domain service (meetings.votes.opinions); forms past their deadline are settled first, so
whoever looks sees the result."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from meetings.votes import opinions
from phonghop.auth import parts
from phonghop.responses import (
    field_str,
    field_time,
    json_response,
    path_int,
    read_json,
    read_upload,
)


async def list_opinions(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    await services.write(opinions.settle_due)
    return json_response({"opinions": await services.read(
        lambda s: opinions.my_opinions(s, actor))})


async def create_opinion(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    body_id = path_int(request, "body_id")
    data = await read_json(request)
    question = field_str(data, "question")
    details = field_str(data, "details", default="")
    deadline = field_time(data, "deadline")
    opinion = await services.write(
        lambda s: opinions.create_opinion(s, actor, body_id, question=question,
                                          deadline=deadline, details=details)
    )
    opinion_id = opinion.id or 0
    return json_response({"opinion": await services.read(lambda s: opinions.show(
        s, actor, opinion_id))}, status=201)


async def get_opinion(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    await services.write(opinions.settle_due)
    return json_response({"opinion": await services.read(
        lambda s: opinions.show(s, actor, opinion_id))})


async def attach_document(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    # Only the form's author makes the server read a file; then the same checks, conversion
    # and cleaning in child processes as for meeting documents.
    await services.read(lambda s: opinions.editable_draft(s, actor, opinion_id))
    form = await read_upload(request, services.settings.max_upload_mb)
    ingested = await services.uploads.read(form, first_page=False)  # no tablet shows it
    document = await services.write(
        lambda s: opinions.attach_document(
            s, services.blobs, actor, opinion_id, filename=form.filename,
            pdf=ingested.pdf, page_count=ingested.page_count,
            title=form.title or ingested.title,
        )
    )
    return json_response({"document": {"id": document.id, "title": document.title,
                                       "filename": document.filename,
                                       "page_count": document.page_count,
                                       "sha256": document.sha256}}, status=201)


async def document_file(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    document_id = path_int(request, "document_id")
    document = await services.read(
        lambda s: opinions.document_of(s, actor, opinion_id, document_id))
    return FileResponse(services.blobs.path(document.sha256), media_type="application/pdf",
                        filename=document.filename,
                        headers={"Cache-Control": "private, max-age=3600"})


async def send(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    await services.write(lambda s: opinions.send(s, actor, opinion_id))
    return json_response({"opinion": await services.read(
        lambda s: opinions.show(s, actor, opinion_id))})


async def answer(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    data = await read_json(request)
    choice = field_str(data, "choice")
    comment = field_str(data, "comment", default="")
    row = await services.write(lambda s: opinions.answer(s, actor, opinion_id, choice, comment))
    return json_response({"opinion_id": opinion_id, "choice": row.choice,
                          "comment": row.comment}, status=201)


async def close(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    opinion_id = path_int(request, "opinion_id")
    await services.write(lambda s: opinions.close(s, actor, opinion_id))
    return json_response({"opinion": await services.read(
        lambda s: opinions.show(s, actor, opinion_id))})


routes = [
    Route("/api/opinions", list_opinions, methods=["GET"]),
    Route("/api/bodies/{body_id:int}/opinions", create_opinion, methods=["POST"]),
    Route("/api/opinions/{opinion_id:int}", get_opinion, methods=["GET"]),
    Route("/api/opinions/{opinion_id:int}/documents", attach_document, methods=["POST"]),
    Route("/api/opinions/{opinion_id:int}/documents/{document_id:int}", document_file,
          methods=["GET"]),
    Route("/api/opinions/{opinion_id:int}/send", send, methods=["POST"]),
    Route("/api/opinions/{opinion_id:int}/answers", answer, methods=["POST"]),
    Route("/api/opinions/{opinion_id:int}/close", close, methods=["POST"]),
]
