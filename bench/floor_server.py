"""The floor: a bare `websockets` broadcast server, the fastest a Python server can fan a
message out. Tablets connect to /; whatever arrives on /control is broadcast to them."""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve

clients: set[ServerConnection] = set()


async def handler(ws: ServerConnection) -> None:
    if ws.request is not None and ws.request.path == "/control":
        async for message in ws:
            broadcast(clients, message)
        return
    clients.add(ws)
    try:
        await ws.wait_closed()
    finally:
        clients.discard(ws)


async def main(port: int, compression: str | None) -> None:
    async with serve(handler, "127.0.0.1", port, compression=compression, ping_interval=None,
                     max_queue=64, backlog=4096):
        print("ready", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
