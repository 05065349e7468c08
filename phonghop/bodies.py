"""How much of a request body the server reads: a JSON body at most `JSON_BYTES`, an upload
(multipart) at most PHONGHOP_MAX_UPLOAD_MB. A declared length over the limit is refused before a
byte is read; a body sent in chunks is counted as it arrives and refused (413) as soon as it
passes the limit, so no client can make the server hold more than that in memory. Nothing is
read until the route asks for it, and routes authorise before they read (the login reads only
JSON), so an anonymous client cannot make the server read an upload at all.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meetings.errors import DomainError, Kind
from phonghop.responses import error_response

JSON_BYTES = 1024 * 1024


def body_too_large(limit: int) -> DomainError:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return DomainError(Kind.TOO_LARGE, "too_large",
                       f"Dữ liệu gửi lên quá lớn (tối đa {size}).",
                       f"The request body is too large (at most {size}).")


class BodyLimit:
    def __init__(self, app: ASGIApp, upload_bytes: int, json_bytes: int = JSON_BYTES) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.json_bytes = json_bytes

    def limit_for(self, scope: Scope) -> int:
        headers = dict(scope["headers"])
        ctype = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        return self.upload_bytes if ctype == b"multipart/form-data" else self.json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit + 64 * 1024:  # multipart framing
            await error_response(body_too_large(limit))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit + 64 * 1024:
                    raise body_too_large(limit)  # answered 413 by the app's error handler
            return message

        await self.app(scope, counted, send)
