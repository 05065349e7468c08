"""The tablets' WebSocket endpoint (`/ws`): admits a handshake by its login cookie and
origin, answers `connect` with missed publications or a snapshot, carries ballots and
presence, and keeps each connection honest (frame size, rate limit, typed closes).

Served by realtime.server on the same port as the HTTP API (phonghop.ws_uvicorn plugs it
into uvicorn): no task per connection. Commands that need the database run one at a time per
connection, in arrival order, on a task that exists only while there is work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from websockets.http11 import Request

from meetings import running, voting
from meetings.access import Action, standing
from meetings.accounts import Actor, token_digest
from meetings.errors import DomainError
from meetings.models import MeetingStatus, Role
from meetings.snapshot import snapshot
from phonghop.auth import COOKIE, Sessions
from phonghop.ballot_box import ballot_box
from phonghop.responses import field_int
from phonghop.services import Services, meeting_channel, staff_channel, user_channel
from realtime.broker import Position, Publication
from realtime.client import Client, State
from realtime.hub import Hub
from realtime.protocol import (
    MAX_FRAME_BYTES,
    Close,
    Command,
    ProtocolError,
    error_frame,
    parse_command,
    reply_frame,
)
from realtime.server import Connection, Rejection

log = logging.getLogger("phonghop.ws")
PATH = "/ws"
STAFF_ROLES = (Role.SECRETARY.value, Role.CHAIR.value)


class RateLimit:
    """A token bucket: `rate` commands a second, bursts up to twice that."""

    __slots__ = ("rate", "capacity", "tokens", "stamp", "strikes")

    def __init__(self, rate: float) -> None:
        self.rate, self.capacity = rate, max(1.0, rate * 2)
        self.tokens, self.stamp = self.capacity, time.monotonic()
        self.strikes = 0

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.strikes = 0
            return True
        self.strikes += 1
        return False


def describe_presence(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"connections": entries}


@dataclass(frozen=True)
class Admitted:
    actor: Actor | None
    token: str | None


class TabletEndpoint:
    """realtime.server.Endpoint for phonghop's tablets."""

    def __init__(self, services: Services, sessions: Sessions) -> None:
        self.services = services
        self.sessions = sessions

    async def admit(self, request: Request) -> Admitted:
        if urlsplit(request.path).path != PATH:
            raise Rejection(404, "Not Found")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self.services.settings.allowed_origins:
            if urlsplit(origin).netloc != request.headers.get("Host", ""):
                raise Rejection(403, "Cross-origin WebSocket refused")
        raw = cookie_parser(request.headers.get("Cookie", "")).get(COOKIE)
        token = self.sessions.unsign(raw) if raw else None
        actor = await self.sessions.actor_for(token) if token else None
        return Admitted(actor, token)

    def open(self, conn: Connection, admitted: Admitted) -> None:
        if admitted.actor is None or admitted.token is None:
            conn.write_text(error_frame(
                None, "unauthenticated",
                "Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.",
                "You are not logged in, or your session has expired.",
            ).encode())
            conn.close(int(Close.UNAUTHENTICATED), "unauthenticated")
            return
        conn.context = Conversation(conn, self.services, admitted.actor, admitted.token)

    def text(self, conn: Connection, data: str) -> None:
        if isinstance(conn.context, Conversation):
            conn.context.received(data)

    def binary(self, conn: Connection, data: bytes) -> None:
        if isinstance(conn.context, Conversation):
            conn.context.client.close(Close.BAD_REQUEST, "text frames only")

    def lost(self, conn: Connection) -> None:
        if isinstance(conn.context, Conversation):
            conn.context.lost()


class Conversation:
    """One tablet's conversation with the server."""

    __slots__ = ("services", "actor", "client", "limit", "meeting_id", "_inbox", "_worker")

    def __init__(self, conn: Connection, services: Services, actor: Actor, token: str) -> None:
        self.services, self.actor = services, actor
        settings = services.settings
        self.client = Client(conn, buffer_limit=settings.ws_send_buffer_kb * 1024)
        self.client.info = {"user_id": actor.user_id, "full_name": actor.full_name,
                            "token": token_digest(token)}
        self.limit = RateLimit(settings.ws_commands_per_second)
        self.meeting_id: int | None = None
        # A list, not a deque: an empty deque already holds a 600-byte block, and a
        # tablet's inbox rarely holds more than one command.
        self._inbox: list[Command] = []
        self._worker: asyncio.Task[None] | None = None
        self.hub.register(self.client)

    @property
    def hub(self) -> Hub:
        return self.services.hub

    def received(self, text: str) -> None:
        self.client.last_heard = time.monotonic()
        if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
            self.client.close(Close.FRAME_TOO_LARGE, "frame too large")
            return
        try:
            command = parse_command(text)
        except ProtocolError as exc:
            self.client.send(error_frame(exc.id, exc.code, exc.vi, exc.en))
            return
        if not self.limit.take():
            if self.limit.strikes > 20:
                self.client.close(Close.RATE_LIMITED, "rate limited")
                return
            self.client.send(error_frame(
                command.id, "rate_limited",
                "Gửi lệnh quá nhanh; hãy chờ một chút.", "Too many commands; slow down.",
            ))
            return
        if command.type == "pong":
            return
        self._inbox.append(command)
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())

    def lost(self) -> None:
        self.client.state = State.CLOSED
        if self._worker is not None:
            self._worker.cancel()
        asyncio.get_running_loop().create_task(self.hub.unregister(self.client))

    async def _work(self) -> None:
        try:
            while self._inbox and not self.client.closed:
                command = self._inbox.pop(0)
                try:
                    await self._dispatch(command)
                except (ProtocolError, DomainError) as exc:
                    self.client.send(error_frame(command.id, exc.code, exc.vi, exc.en))
                except Exception:
                    log.exception("command %s failed", command.type)
                    self.client.send(error_frame(
                        command.id, "server_error", "Lỗi máy chủ; hãy thử lại.",
                        "Server error; try again.",
                    ))
        finally:
            self._worker = None

    async def _dispatch(self, command: Command) -> None:
        if command.type == "connect":
            await self._connect(command)
        elif self.client.state is not State.LIVE:
            raise ProtocolError("not_connected", "Hãy gửi lệnh connect trước.",
                                "Send a connect command first.", command.id)
        elif command.type == "presence":
            await self._presence(command)
        elif command.type == "vote.cast":
            await self._cast(command)
        elif command.type == "present":
            await self._present(command)

    async def _connect(self, command: Command) -> None:
        if self.client.state is not State.CONNECTING:
            raise ProtocolError("already_connected", "Kết nối đã được thiết lập.",
                                "Already connected.", command.id)
        meeting_id = command.data.get("meeting_id")
        if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
            raise ProtocolError("bad_meeting", "Thiếu mã cuộc họp (meeting_id).",
                                "meeting_id is missing.", command.id)
        actor = self.actor

        try:
            role, status = await self.services.read(
                lambda s: standing(s, actor, meeting_id, Action.VIEW))
        except DomainError as exc:
            self.client.send(error_frame(command.id, exc.code, exc.vi, exc.en))
            self.client.close(Close.FORBIDDEN, exc.code)
            return
        room = meeting_channel(meeting_id)
        channels = [room, user_channel(meeting_id, actor.user_id)]
        if role in STAFF_ROLES:
            channels.append(staff_channel(meeting_id))
            self.hub.watch_presence(room, staff_channel(meeting_id), describe_presence)
        raw_positions = command.data.get("positions")
        recovered: list[Publication] = []
        positions: dict[str, Position] = {}
        all_recovered = True
        for channel in channels:
            since = _position(raw_positions.get(channel) if isinstance(raw_positions, dict)
                              else None)
            result = await self.hub.attach(self.client, channel, since)
            if isinstance(result, Position):
                positions[channel] = result
                all_recovered = False
            else:
                assert since is not None
                recovered.extend(result)
                positions[channel] = Position(result[-1].offset if result else since.offset,
                                              since.epoch)
        if self.client.closed:
            return  # closed meanwhile (resync, slow consumer): the tablet will come back
        self.meeting_id = meeting_id
        self.client.info.update(meeting_id=meeting_id, role=role)
        self.client.go_live()
        wire = {ch: {"offset": p.offset, "epoch": p.epoch} for ch, p in positions.items()}
        if all_recovered:
            body: dict[str, Any] = {
                "recovered": True,
                "publications": [p.as_dict() for p in recovered],
                "positions": wire,
            }
            if role in STAFF_ROLES:  # presence is state, not history: always sent whole
                body["presence"] = describe_presence(await self.hub.presence(room))
            self.client.send(reply_frame(command.id, body))
        else:
            snap = await self.services.read(lambda s: snapshot(s, actor, meeting_id))
            if role in STAFF_ROLES:
                snap["presence"] = describe_presence(await self.hub.presence(room))
            self.client.send(reply_frame(
                command.id, {"recovered": False, "snapshot": snap, "positions": wire}
            ))
        # What arrived live meanwhile follows the reply, without what the reply covered.
        for channel, position in positions.items():
            self.client.finish_recovery(channel, position.offset)
        await self.hub.set_presence(self.client, room, {
            "user_id": actor.user_id, "full_name": actor.full_name, "role": role,
            "device": str(command.data.get("device") or "")[:60],
            "mode": "follow", "document_id": None, "page": None,
        })
        if status == MeetingStatus.SEALED.value:
            self.client.close(Close.MEETING_SEALED, "meeting sealed")

    async def _presence(self, command: Command) -> None:
        data = command.data
        mode = data.get("mode")
        if mode not in ("follow", "browse"):
            raise ProtocolError("bad_presence", "Chế độ phải là follow hoặc browse.",
                                "The mode must be follow or browse.", command.id)
        document_id, page = data.get("document_id"), data.get("page")
        room = meeting_channel(self.meeting_id or 0)
        await self.hub.set_presence(self.client, room, self.hub.presence_of(self.client, room) | {
            "mode": mode,
            "document_id": document_id if isinstance(document_id, int) else None,
            "page": page if isinstance(page, int) else None,
        })
        self.client.send(reply_frame(command.id, {"ok": True}))

    async def _present(self, command: Command) -> None:
        """The secretary turns the room's page over the socket already open: the same rules
        as POST /api/meetings/{id}/present, without an HTTP request per page."""
        fields = {name: field_int(command.data, name, optional=True)
                  for name in ("item_id", "document_id", "page")}
        actor, meeting_id = self.actor, self.meeting_id or 0
        events = await self.services.write(lambda s: running.present(
            s, actor, meeting_id, item_id=fields["item_id"], document_id=fields["document_id"],
            page=fields["page"]))
        await self.services.publish(events)
        self.client.send(reply_frame(command.id, {"presentation": events[-1].data}))

    async def _cast(self, command: Command) -> None:
        data = command.data
        vote_id, choice, marks = data.get("vote_id"), data.get("choice"), data.get("marks")
        for_user = data.get("for_user")
        if (not isinstance(vote_id, int) or not (isinstance(choice, str) or isinstance(marks, list))
                or not (for_user is None or isinstance(for_user, int))):
            raise ProtocolError("bad_ballot",
                                "Phiếu cần vote_id (số) và choice (yes/no/abstain) hoặc marks.",
                                "A ballot needs vote_id (number) and choice (yes/no/abstain) "
                                "or marks.", command.id)
        actor = self.actor
        # The reply is sent only after the ballot is committed.
        box = ballot_box(self.services, voting.progress_of)
        mine = await box.cast(lambda s: voting.cast_ballot(
            s, actor, vote_id, choice if isinstance(choice, str) else None,
            marks=marks if isinstance(marks, list) else None, for_user=for_user,
            progress=False))
        self.client.send(reply_frame(command.id, mine))


def _position(raw: Any) -> Position | None:
    if not isinstance(raw, dict):
        return None
    offset, epoch = raw.get("offset"), raw.get("epoch")
    if isinstance(offset, int) and offset >= 0 and isinstance(epoch, str):
        return Position(offset, epoch)
    return None
