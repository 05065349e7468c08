"""Routes: the integrity check's reports, and running it now (administrators)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import integrity
from phonghop.auth import parts
from phonghop.responses import json_response


async def list_reports(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    integrity.require_reader(actor)
    return json_response({"reports": await services.read(integrity.reports)})


async def run_now(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    integrity.require_reader(actor)
    return json_response({"report": await services.integrity.run("admin")})


routes = [
    Route("/api/integrity", list_reports, methods=["GET"]),
    Route("/api/integrity/run", run_now, methods=["POST"]),
]
