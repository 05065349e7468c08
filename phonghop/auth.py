"""Login cookies: a signed, HttpOnly, SameSite=Lax cookie holding the login token, and the
lookup from a request (HTTP or WebSocket) to the acting person."""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import BadSignature, Signer
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from meetings.accounts import (
    SESSION_LIFETIME,
    Actor,
    close_session,
    resolve_session,
    token_digest,
)
from meetings.errors import DomainError, Kind
from phonghop.services import Services
from realtime.protocol import Close

COOKIE = "phonghop_session"
CACHE_SECONDS = 10.0


class Sessions:
    """Turns cookies into actors, with a short cache so page images do not each hit the
    database. Logging out drops the cache entry at once."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.signer = Signer(services.settings.resolved_secret(), salt="phonghop.session")
        self._cache: dict[str, tuple[float, Actor]] = {}

    def token(self, conn: HTTPConnection) -> str | None:
        raw = conn.cookies.get(COOKIE)
        return self.unsign(raw) if raw else None

    def unsign(self, raw: str) -> str | None:
        try:
            return self.signer.unsign(raw).decode()
        except BadSignature:
            return None

    async def actor(self, conn: HTTPConnection) -> Actor | None:
        token = self.token(conn)
        return None if token is None else await self.actor_for(token)

    async def actor_for(self, token: str) -> Actor | None:
        now = time.monotonic()
        key = token_digest(token)
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        actor = await self.services.read(lambda s: resolve_session(s, token))
        if actor is None:
            self._cache.pop(key, None)
            return None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now + CACHE_SECONDS, actor)
        return actor

    async def require(self, conn: HTTPConnection) -> Actor:
        return (await self.require_login(conn))[0]

    async def require_login(self, conn: HTTPConnection) -> tuple[Actor, str]:
        """The acting person and their login (the token's digest, as the cache knows it)."""
        token = self.token(conn)
        actor = None if token is None else await self.actor_for(token)
        if actor is None or token is None:
            raise DomainError(
                Kind.UNAUTHENTICATED,
                "unauthenticated",
                "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
                "You are not logged in, or your session has expired. Log in again.",
            )
        return actor, token_digest(token)

    async def log_out(self, token: str) -> None:
        """Revoke the login and, on every process, forget it and close its WebSockets."""
        await self.services.write(lambda s: close_session(s, token))
        digest = token_digest(token)
        await self.services.hub.control({"op": "forget_session", "token": digest})
        await self.services.hub.disconnect({"token": digest}, Close.UNAUTHENTICATED)

    async def end_logins(self, user_id: int, digests: list[str]) -> None:
        """After a person's logins were revoked (deactivated, password reset): every process
        forgets them and closes that person's WebSockets now, whichever login opened them."""
        for digest in digests:
            await self.services.hub.control({"op": "forget_session", "token": digest})
        await self.services.hub.disconnect({"user_id": user_id}, Close.UNAUTHENTICATED)

    async def role_changed(self, user_id: int) -> None:
        """A person's global role changed: every process forgets their cached logins, and
        their sockets reconnect to get what the new role sees."""
        await self.services.hub.control({"op": "forget_user", "user_id": user_id})
        await self.services.hub.disconnect({"user_id": user_id}, Close.ROLE_CHANGED)

    def on_control(self, message: dict[str, Any]) -> None:
        if message.get("op") == "resync":  # back from a broker outage: forgets may be lost
            self._cache.clear()
        elif message.get("op") == "forget_session":
            self._cache.pop(str(message.get("token")), None)
        elif message.get("op") == "forget_user":
            for key, (_until, actor) in tuple(self._cache.items()):
                if actor.user_id == message.get("user_id"):
                    self._cache.pop(key, None)

    def set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            COOKIE,
            self.signer.sign(token).decode(),
            max_age=int(SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.services.settings.cookie_secure,
            path="/",
        )

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


def parts(request: Request) -> tuple[Services, Sessions]:
    """What every route needs: the app's services and its login sessions."""
    return request.app.state.services, request.app.state.sessions
