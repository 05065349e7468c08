"""Plugs realtime.server into uvicorn: uvicorn parses HTTP and, on a WebSocket upgrade, hands
the socket to this protocol class instead of running the ASGI app. One port serves both.

    uvicorn.run(app, ws="phonghop.ws_uvicorn:UvicornWebSocket")
"""

from __future__ import annotations

import asyncio
from typing import Any

from realtime.protocol import MAX_FRAME_BYTES, Close
from realtime.server import Connection


class UvicornWebSocket(Connection):
    def __init__(self, config: Any, server_state: Any, app_state: Any = None,
                 _loop: Any = None) -> None:
        app = config.app
        services = app.state.services
        super().__init__(
            app.state.ws_endpoint,
            # Larger than the protocol's limit, so that an oversized frame gets our 4104
            # close (with a message) rather than the library's bare 1009.
            max_message=MAX_FRAME_BYTES * 4,
            deflate=services.settings.ws_deflate,
        )
        self.server_state = server_state

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.server_state.connections.add(self)
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server_state.connections.discard(self)
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """Called by uvicorn on a graceful stop: tablets are told to come back later."""
        self.close(int(Close.SHUTDOWN), "server restarting")
