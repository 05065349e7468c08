"""Cross-site writes: a request that changes something must come from the app's own pages
(or from no browser page at all).

`SameSite=Lax` is not enough: a page on the same site (another port of the same host, a
sibling subdomain, another service on the same LAN address) is "same-site", so browsers send
the cookie with its POSTs. Every cookie-authenticated write therefore names its origin, and the
origin must be this server's own (the request's Host) or one of PHONGHOP_ALLOWED_ORIGINS. The
login itself is checked too, so no other page can log a tablet into someone else's account.
Browsers send `Origin` with every POST, PUT, PATCH and DELETE; where only `Sec-Fetch-Site` is
present it must say `same-origin` (or `none`: typed by the person). A request with neither is
not from a browser page (curl, a script holding the cookie), which this check is not about.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from meetings.errors import forbidden
from phonghop.responses import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def same_origin(origin: str, host: str, allowed: tuple[str, ...]) -> bool:
    """Whether a browser page at `origin` may write to the server reached as `host`."""
    if origin in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()


class SameOriginWrites:
    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = tuple(o.rstrip("/") for o in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = dict(scope["headers"])
            if not self._ours(headers):
                refusal = forbidden(
                    "cross_site",
                    "Yêu cầu đến từ một trang khác, không phải trang của phòng họp, nên bị từ "
                    "chối. Vui lòng thao tác trên trang của hệ thống.",
                    "The request came from another site's page, not the meeting room's, and "
                    "was refused. Please use the system's own pages.",
                )
                await error_response(refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _ours(self, headers: dict[bytes, bytes]) -> bool:
        host = headers.get(b"host", b"").decode("latin-1")
        origin = headers.get(b"origin")
        if origin is not None:
            return same_origin(origin.decode("latin-1"), host, self.allowed)
        site = headers.get(b"sec-fetch-site")
        if site is not None:
            return site in (b"same-origin", b"none")
        return True
