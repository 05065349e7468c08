"""A process of simulated tablets for the benchmarks: it holds many real WebSocket
connections, and reports to its parent (stdout lines) when every one of them has each change.

Parent -> worker (stdin): `storm` (drop every connection at once), `reconnect <page>` (all
reconnect at once, resuming from their offsets; done when each shows page <page>, or when
each is connected again if <page> is -1), `quit`.
Worker -> parent (stdout): `ready <n>`, `got <i> <t>` (the i-th change reached all n, the
last at monotonic time t), `dropped`, `restored <t> <errors> <snapshots>`, `bye <errors>`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import websockets


class Tablet:
    def __init__(self, url: str, cookie: str | None, meeting: int, compression: str | None):
        self.url, self.cookie, self.meeting, self.compression = url, cookie, meeting, compression
        self.conn: Any = None
        self.positions: dict[str, dict[str, Any]] = {}
        self.changes = 0
        self.page: int | None = None
        self.errors = 0
        self.snapshots = 0
        self.reader: asyncio.Task[None] | None = None

    async def open(self, on_change: Any) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.conn = await websockets.connect(self.url, additional_headers=headers,
                                             compression=self.compression, open_timeout=120,
                                             ping_interval=None, max_size=2**22)
        if self.cookie:
            data: dict[str, Any] = {"meeting_id": self.meeting, "device": "bench"}
            if self.positions:
                data["positions"] = self.positions
            await self.conn.send(json.dumps({"id": 1, "type": "connect", "data": data}))
            while True:
                message = json.loads(await self.conn.recv())
                if message.get("id") == 1:
                    break
                self.apply(message, None)
            if message["type"] != "reply":
                raise RuntimeError(message)
            reply = message["data"]
            if reply["recovered"]:
                for pub in reply["publications"]:
                    self.apply(pub, None)
            else:
                self.snapshots += 1
                self.page = reply["snapshot"]["presentation"]["page"]
            self.positions.update(reply["positions"])
        self.reader = asyncio.create_task(self.read(on_change))

    def apply(self, message: dict[str, Any], on_change: Any) -> None:
        channel = message.get("channel")
        if channel is not None:
            held = self.positions.get(channel, {}).get("offset")
            if held is not None and message["offset"] != held + 1:
                self.errors += 1  # a gap or a duplicate
            self.positions[channel] = {"offset": message["offset"], "epoch": message["epoch"]}
            if message["type"] == "presentation":
                self.page = message["data"]["page"]
                if on_change is not None:
                    on_change(self)
        elif message.get("type") == "tick" and on_change is not None:
            on_change(self)

    async def read(self, on_change: Any) -> None:
        try:
            async for raw in self.conn:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.conn.send('{"type":"pong"}')
                    continue
                self.apply(message, on_change)
        except websockets.ConnectionClosed:
            pass


async def back(tablet: Tablet, page: int, done_at: list[float]) -> None:
    """Reconnect, resuming; done when the tablet shows the room's current page."""
    await tablet.open(None)
    while page >= 0 and tablet.page != page:  # noqa: ASYNC110  (the page arrives on the reader task)
        await asyncio.sleep(0.005)
    done_at.append(time.monotonic())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True, help="comma-separated ws URLs, round robin")
    parser.add_argument("--cookies", help="file with one cookie per line (phonghop)")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--meeting", type=int, default=0)
    parser.add_argument("--compression", default=None)
    args = parser.parse_args()
    urls = args.urls.split(",")
    cookies = (Path(args.cookies).read_text().split() if args.cookies  # noqa: ASYNC240
               else [None] * args.count)
    tablets = [Tablet(urls[i % len(urls)], cookies[i], args.meeting, args.compression)
               for i in range(args.count)]
    received: dict[int, list[float]] = {}  # change index -> [count, last time]
    loop = asyncio.get_running_loop()

    def on_change(tablet: Tablet) -> None:
        now = time.monotonic()
        tablet.changes += 1
        slot = received.setdefault(tablet.changes, [0, 0.0])
        slot[0] += 1
        slot[1] = max(slot[1], now)
        if slot[0] == len(tablets):
            print(f"got {tablet.changes} {slot[1]:.6f}", flush=True)

    for start in range(0, len(tablets), 50):
        await asyncio.gather(*(t.open(on_change) for t in tablets[start:start + 50]))
    print(f"ready {len(tablets)}", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = (await reader.readline()).decode().split()
        if not line or line[0] == "quit":
            break
        if line[0] == "storm":
            for t in tablets:
                t.conn.transport.abort()
            await asyncio.gather(*(t.reader for t in tablets if t.reader))
            print("dropped", flush=True)
        elif line[0] == "reconnect":
            done_at: list[float] = []
            await asyncio.gather(*(back(t, int(line[1]), done_at) for t in tablets))
            print(f"restored {max(done_at):.6f} {sum(t.errors for t in tablets)} "
                  f"{sum(t.snapshots for t in tablets)}", flush=True)
    for t in tablets:
        await t.conn.close()
    print(f"bye {sum(t.errors for t in tablets)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
