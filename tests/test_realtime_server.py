"""realtime.server on a real socket: a connection whose peer has gone (EOF) while the server was
still answering a command drops the late frame quietly instead of raising in the answer path."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import websockets

from realtime.server import Connection, Phase


class Echo:
    """An endpoint that answers each text frame after a moment, as a command that reads the
    database would."""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.failures: list[BaseException] = []
        self.gone = asyncio.Event()

    async def admit(self, request: Any) -> Any:
        return None

    def open(self, conn: Connection, admitted: Any) -> None:
        pass

    def text(self, conn: Connection, data: str) -> None:
        async def answer() -> None:
            await asyncio.sleep(0.2)
            try:
                conn.write_text(b'{"answer": 1}')
                self.answered.append(data)
            except BaseException as exc:  # the bug this test guards against
                self.failures.append(exc)

        asyncio.get_running_loop().create_task(answer())

    def binary(self, conn: Connection, data: bytes) -> None:
        pass

    def lost(self, conn: Connection) -> None:
        self.gone.set()

    def abandon(self, admitted: Any) -> None:
        pass


async def test_a_late_answer_to_a_peer_that_has_gone_is_dropped() -> None:
    endpoint = Echo()
    conns: list[Connection] = []

    def factory() -> Connection:
        conns.append(Connection(endpoint))
        return conns[-1]

    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        client = await websockets.connect(f"ws://127.0.0.1:{port}/ws")
        # the tablet stops reading, so the server still holds unsent data when it goes (16 MB:
        # more than the kernel's socket buffers on loopback can take in)
        client.transport.pause_reading()
        for _ in range(160):
            conns[0].write_text(b'"' + b"x" * 100_000 + b'"')
        await client.send("question")
        # then its network goes: half-close, no closing handshake
        client.transport.get_extra_info("socket").shutdown(socket.SHUT_WR)
        await asyncio.sleep(0.5)
        assert conns[0].phase is Phase.OPEN  # not lost yet: the unsent data holds it open
        assert endpoint.failures == []
        assert endpoint.answered == ["question"]
        client.transport.abort()
        await asyncio.wait_for(endpoint.gone.wait(), 5)
        # and a frame after the loss is a no-op as well
        conns[0].write_text(b"{}")
    finally:
        server.close()
        await server.wait_closed()
