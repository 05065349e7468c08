"""The application factory: `create_app(settings)` builds the Starlette app from its routes,
middleware and lifespan. There is no module-level app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meetings.errors import DomainError
from phonghop import (
    routes_admin,
    routes_annotations,
    routes_archive_package,
    routes_auth,
    routes_disposal,
    routes_documents,
    routes_exclusions,
    routes_integrity,
    routes_invitations,
    routes_meetings,
    routes_minutes,
    routes_opinions,
    routes_screen,
    routes_signer_images,
    routes_speakers,
    routes_verify,
    routes_votes,
)
from phonghop.auth import Sessions
from phonghop.bodies import BodyLimit
from phonghop.origins import SameOriginWrites
from phonghop.responses import (
    DATABASE_DOWN,
    broker_down_handler,
    database_down_handler,
    domain_error_handler,
    http_error_handler,
)
from phonghop.service_worker import ServiceWorker
from phonghop.services import Services
from phonghop.settings import Settings
from phonghop.websocket import TabletEndpoint
from realtime.broker import BrokerUnavailable

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Pages of the web app; each is the same shell, which routes on the client.
APP_PAGES = [
    "/",
    "/login",
    "/meetings",
    "/m/{meeting_id:int}",
    "/m/{meeting_id:int}/screen",
    "/m/{meeting_id:int}/prepare",
    "/m/{meeting_id:int}/minutes",
    "/archive",
    "/archive/{meeting_id:int}",
    "/verify",
    "/me/signature",
    "/opinions",
    "/opinions/{opinion_id:int}",
    "/admin",
    "/admin/users",
    "/admin/bodies",
    "/admin/bodies/{body_id:int}",
    "/admin/audit",
    "/admin/import",
]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
        b"script-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'self'; "
        b"frame-ancestors 'self'",
    ),
]


class SecurityHeaders:
    """Adds the headers every response carries (no CDN, nothing inline)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


async def shell(_request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def healthz(request: Request) -> Response:
    """For load balancers and monitoring: this process is up, and how many tablets it holds."""
    hub = request.app.state.services.hub
    return JSONResponse({"ok": True, "node": hub.node, "connections": len(hub.clients)})


def create_app(settings: Settings) -> Starlette:
    services = Services.build(settings)
    sessions = Sessions(services)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        routes_annotations.hide_ids_in_access_log()
        await services.start()
        services.hub.on_control(sessions.on_control)
        services.hub.on_control(services.login_throttle.on_control)
        try:
            yield
        finally:
            await services.close()

    routes = [
        *routes_auth.routes,
        *routes_meetings.routes,
        *routes_documents.routes,
        *routes_annotations.routes,
        *routes_minutes.routes,
        *routes_speakers.routes,
        *routes_opinions.routes,
        *routes_votes.routes,
        *routes_screen.routes,
        *routes_invitations.routes,
        *routes_admin.routes,
        *routes_signer_images.routes,
        *routes_integrity.routes,
        *routes_exclusions.routes,
        *routes_verify.routes,
        *routes_archive_package.routes,
        *routes_disposal.routes,
        Route("/healthz", healthz, methods=["GET"]),
        Route("/sw.js", ServiceWorker(STATIC_DIR).respond, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        *[Route(path, shell, methods=["GET"]) for path in APP_PAGES],
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders),
                    Middleware(SameOriginWrites, allowed=settings.allowed_origins),
                    Middleware(BodyLimit, upload_bytes=settings.max_upload_mb * 1024 * 1024)],
        exception_handlers={DomainError: domain_error_handler, HTTPException: http_error_handler,
                            BrokerUnavailable: broker_down_handler,
                            **{kind: database_down_handler for kind in DATABASE_DOWN}},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.sessions = sessions
    # /ws is served beside the ASGI app, on the same port (phonghop.ws_uvicorn).
    app.state.ws_endpoint = TabletEndpoint(services, sessions)
    return app
