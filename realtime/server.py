"""WebSocket connections served straight from the event loop.

The handshake and the framing are websockets' sans-I/O protocol; this module is the asyncio
glue. There is no task per connection: incoming frames are handed to the endpoint as they
arrive, and sends write to the socket's transport at once, as a bare `websockets`
broadcast does. A connection costs a protocol object and its buffers, nothing more.

The application plugs in through `Endpoint`: it admits or refuses a handshake (async, e.g.
to read a login), then receives each text message and learns when the connection is lost.
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from typing import Any, Protocol

from websockets.datastructures import Headers
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State as WsState
from websockets.server import ServerProtocol

log = logging.getLogger("phonghop.realtime.server")


class Rejection(Exception):
    """Refuse the handshake with an HTTP status."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


class Endpoint(Protocol):
    async def admit(self, request: Request) -> Any:
        """Return what `open` needs (e.g. who is connecting) or raise Rejection."""
        ...

    def open(self, conn: Connection, admitted: Any) -> None: ...

    def text(self, conn: Connection, data: str) -> None: ...

    def binary(self, conn: Connection, data: bytes) -> None: ...

    def lost(self, conn: Connection) -> None: ...

    def abandon(self, admitted: Any) -> None:
        """Admitted, but the handshake did not complete (the socket went away meanwhile)."""
        ...


class Phase(StrEnum):
    HANDSHAKE = "handshake"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


_last_frame: list[bytes] = [b"", b""]


def _text_frame(data: bytes) -> bytes:
    """`data` as a server's (unmasked, uncompressed) text frame. A publication goes to every
    tablet as the same bytes object, so its frame is built once and written N times, as a
    bare `websockets` broadcast writes one frame to N sockets."""
    if _last_frame[0] is not data:
        _last_frame[:] = [data, Frame(Opcode.TEXT, data).serialize(mask=False, extensions=[])]
    return _last_frame[1]


class Connection(asyncio.Protocol):
    """One WebSocket connection. Its phase only moves forward:
    HANDSHAKE -> OPEN -> CLOSING -> CLOSED (or straight to CLOSED when the socket drops)."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_message: int = 1 << 20,
        deflate: bool = False,
        close_timeout: float = 5.0,
    ) -> None:
        self.endpoint = endpoint
        self.close_timeout = close_timeout
        self.ws = ServerProtocol(
            extensions=[ServerPerMessageDeflateFactory()] if deflate else None,
            max_size=max_message,
        )
        self.phase = Phase.HANDSHAKE
        self.transport: asyncio.Transport | None = None
        self.request: Request | None = None
        self.context: Any = None  # the endpoint's own state for this connection
        self.close_code: int | None = None
        self._fragments: list[bytes] = []
        self._binary = False
        self._handshake: asyncio.Task[None] | None = None
        self._abort_timer: asyncio.TimerHandle | None = None

    # --- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        self._process()

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self._process()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = self.phase in (Phase.OPEN, Phase.CLOSING)
        self.phase = Phase.CLOSED
        if self._abort_timer is not None:
            self._abort_timer.cancel()
        if self._handshake is not None and not self._handshake.done():
            self._handshake.cancel()
        if was_open:
            self.endpoint.lost(self)

    # --- incoming ------------------------------------------------------------------------

    def _process(self) -> None:
        for event in self.ws.events_received():
            if isinstance(event, Request):
                self.request = event
                self._handshake = asyncio.get_running_loop().create_task(self._admit(event))
            elif isinstance(event, Frame):
                self._frame(event)
        self._flush()
        if self.ws.state is WsState.CLOSED and self.transport is not None:
            self.transport.close()

    def _frame(self, frame: Frame) -> None:
        if self.phase is not Phase.OPEN:
            return
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            self._fragments.append(bytes(frame.data))
            if frame.opcode is not Opcode.CONT:
                self._binary = frame.opcode is Opcode.BINARY
            if not frame.fin:
                return
            data, self._fragments = b"".join(self._fragments), []
            if self._binary:
                self.endpoint.binary(self, data)
            else:
                try:
                    text = data.decode()
                except UnicodeDecodeError:
                    self.close(1007, "invalid utf-8")
                    return
                self.endpoint.text(self, text)
        elif frame.opcode is Opcode.CLOSE:
            self.phase = Phase.CLOSING

    async def _admit(self, request: Request) -> None:
        try:
            admitted = await self.endpoint.admit(request)
        except Rejection as exc:
            response = self.ws.reject(exc.status, exc.text)
            self.ws.send_response(response)
            self._flush()
            if self.transport is not None:
                self.transport.close()
            self.phase = Phase.CLOSED
            return
        except Exception:
            log.exception("handshake failed")
            response = self.ws.reject(500, "Internal Server Error")
            self.ws.send_response(response)
            self._flush()
            if self.transport is not None:
                self.transport.close()
            self.phase = Phase.CLOSED
            return
        if self.phase is not Phase.HANDSHAKE or self.transport is None:
            self.endpoint.abandon(admitted)
            return  # the socket went away while we were checking
        response = self.ws.accept(request)
        self.ws.send_response(response)
        self._flush()
        if response.status_code != 101:
            self.transport.close()
            self.phase = Phase.CLOSED
            self.endpoint.abandon(admitted)
            return
        self.phase = Phase.OPEN
        self.request = None
        self.endpoint.open(self, admitted)

    # --- outgoing ------------------------------------------------------------------------

    def _flush(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            elif self.transport.can_write_eof():
                # The closing handshake is done: half-close, as the protocol asks.
                self.transport.write_eof()
            else:
                self.transport.close()

    def write_text(self, data: bytes) -> None:
        # The peer may have begun closing while a command was being answered: drop the frame.
        if (self.phase is not Phase.OPEN or self.transport is None
                or self.ws.state is not WsState.OPEN):
            return
        if self.ws.extensions:  # permessage-deflate: each connection compresses its own
            self.ws.send_text(data)
            self._flush()
        elif not self.transport.is_closing():
            self.transport.write(_text_frame(data))

    def buffered(self) -> int:
        """Bytes written but not yet taken by the network."""
        if self.transport is None:
            return 0
        return self.transport.get_write_buffer_size()

    def close(self, code: int, reason: str = "") -> None:
        """Start the closing handshake. A peer that does not answer (or does not even read)
        is cut off after `close_timeout`."""
        if self.phase not in (Phase.OPEN, Phase.HANDSHAKE) or self.transport is None:
            return
        self.close_code = code
        if self.phase is Phase.OPEN:
            self.ws.send_close(code, reason[:120])
            self._flush()
        self.phase = Phase.CLOSING
        transport = self.transport
        self._abort_timer = asyncio.get_running_loop().call_later(
            self.close_timeout, transport.abort
        )

    def header(self, name: str) -> str | None:
        headers: Headers | None = self.request.headers if self.request else None
        return headers.get(name) if headers is not None else None
