"""Routes: archival packages (BagIt 1.0 zip) of one sealed meeting or a chosen set, and
importing one (the administrator's)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import archive_package
from meetings.access import require_archivist
from meetings.admin.users import require_admin
from meetings.errors import invalid
from phonghop.archive_imports import import_package
from phonghop.auth import parts
from phonghop.responses import json_response, path_int, read_upload


def _zip(package: archive_package.Package) -> Response:
    return Response(package.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{package.name}.zip"',
        "Cache-Control": "no-store",
    })


async def one(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return _zip(await services.read(
        lambda s: archive_package.export(s, services.blobs, actor, [meeting_id])))


async def several(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    require_archivist(actor)  # who asks comes before what they ask for
    raw = request.query_params.get("ids", "")
    parts_ = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts_ or not all(p.isdigit() and len(p) <= 9 for p in parts_):
        raise invalid("bad_ids",
                      "Tham số ids là danh sách số hiệu cuộc họp, cách nhau bởi dấu phẩy.",
                      "ids must be meeting ids separated by commas.")
    ids = [int(p) for p in parts_]
    return _zip(await services.read(
        lambda s: archive_package.export(s, services.blobs, actor, ids)))


async def import_(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    require_admin(actor)  # before the upload is read
    form = await read_upload(request, services.settings.max_upload_mb)
    ids = await import_package(services, actor, form.data)
    return json_response({"meeting_ids": ids}, 201)


routes = [
    Route("/api/archive/import", import_, methods=["POST"]),
    Route("/api/archive/package.zip", several, methods=["GET"]),
    Route("/api/archive/{meeting_id:int}/package.zip", one, methods=["GET"]),
]
