"""A test tablet: a real `websockets` client that logs in over HTTP, connects, and keeps the
publications it receives per channel, as the web app does."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from meetings.demo.seed import DEMO_PASSWORD


async def cookie_for(base_url: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=base_url) as http:
        r = await http.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return f"phonghop_session={r.cookies['phonghop_session']}"


@dataclass
class Tablet:
    ws_url: str
    cookie: str
    meeting_id: int
    conn: Any = None
    ssl: Any = None  # an SSLContext for wss:// (e.g. through nginx in tests/test_deploy.py)
    inbox: bool = False  # my inbox channel (the meetings list) instead of the meeting
    positions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    controls: list[dict[str, Any]] = field(default_factory=list)
    snapshot: dict[str, Any] | None = None
    snapshot_at: int = 0
    _next_id: int = 0
    _connect_id: int = -1
    _replies: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _reader: asyncio.Task[None] | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None

    async def connect(self, *, resume: bool = False) -> dict[str, Any]:
        self.closed.clear()
        self.conn = await websockets.connect(
            self.ws_url, additional_headers={"Cookie": self.cookie}, compression=None,
            open_timeout=20, ssl=self.ssl,
        )
        self._reader = asyncio.create_task(self._read())
        data: dict[str, Any] = ({"inbox": True} if self.inbox
                                else {"meeting_id": self.meeting_id, "device": "test"})
        if resume:
            data["positions"] = dict(self.positions)
        self._connect_id = self._next_id + 1
        reply: dict[str, Any] = await self.command("connect", data)
        return reply

    def _apply_connect(self, reply: dict[str, Any]) -> None:
        """As the web app does, in the reader, before any later frame."""
        if reply["recovered"]:
            for publication in reply["publications"]:
                self._apply(publication)
        else:
            self.snapshot = reply["snapshot"]
            self.snapshot_at = len(self.events)  # the events applied on top of it follow
        for channel, position in reply["positions"].items():
            held = self.positions.get(channel)
            if reply["recovered"]:
                assert held is None or held == position, (channel, held, position)
            self.positions[channel] = position

    def _apply(self, message: dict[str, Any]) -> None:
        held = self.positions.get(message["channel"], {}).get("offset", 0)
        assert message["offset"] == held + 1, (
            f"gap or duplicate on {message['channel']}: held {held}, got {message['offset']}"
        )
        self.positions[message["channel"]] = {"offset": message["offset"],
                                              "epoch": message["epoch"]}
        self.events.append(message)

    async def command(self, type: str, data: dict[str, Any], within: float = 20) -> Any:
        self._next_id += 1
        cid = self._next_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[cid] = future
        await self.conn.send(json.dumps({"id": cid, "type": type, "data": data}))
        message = await asyncio.wait_for(future, within)
        if message["type"] == "error":
            raise CommandError(message["error"], message)
        return message["data"]

    async def _read(self) -> None:
        try:
            async for raw in self.conn:
                message = json.loads(raw)
                if "channel" in message:
                    self._apply(message)
                elif message.get("id") is not None and message["id"] in self._replies:
                    if message["id"] == self._connect_id and message["type"] == "reply":
                        self._apply_connect(message["data"])
                    self._replies.pop(message["id"]).set_result(message)
                elif message["type"] == "ping":
                    await self.conn.send(json.dumps({"type": "pong"}))
                else:
                    self.controls.append(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.conn.close_code
            self.closed.set()

    async def wait_for(
        self, type: str, predicate: Any = None, within: float = 10
    ) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            for event in self.events:
                if event["type"] == type and (predicate is None or predicate(event["data"])):
                    return event
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no {type} event; got {[e['type'] for e in self.events]}")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
        if self._reader is not None:
            await self._reader


class CommandError(Exception):
    def __init__(self, code: str, message: dict[str, Any]) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
