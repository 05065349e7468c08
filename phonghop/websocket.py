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

from meetings.access import PERMISSIONS, Action, refuse, standing
from meetings.accounts import Actor, token_digest
from meetings.annotations import store
from meetings.errors import DomainError
from meetings.events import Event
from meetings.live import running
from meetings.live.snapshot import snapshot
from meetings.models import MeetingStatus
from meetings.roster import STAFF_ROLES
from meetings.votes import voting
from phonghop.auth import COOKIE, Sessions
from phonghop.commands import Connect, read_ballot, read_connect, read_presence
from phonghop.origins import same_origin
from phonghop.presenter import MARK_COMMANDS, MARKS_PER_SECOND, read_ink, read_pointer
from phonghop.responses import (
    DATABASE_DOWN,
    broker_unavailable,
    database_unavailable,
    field_int,
)
from phonghop.services import (
    Services,
    inbox_channel,
    meeting_channel,
    staff_channel,
    user_channel,
)
from realtime.broker import BrokerUnavailable, Position, Publication
from realtime.client import Client, State
from realtime.hub import Hub
from realtime.protocol import (
    MAX_FRAME_BYTES,
    MAX_REPLY_BYTES,
    Close,
    Command,
    ProtocolError,
    dumps,
    error_frame,
    parse_command,
    reply_frame,
)
from realtime.ratelimit import RateLimit, Verdict
from realtime.server import Connection, Rejection

log = logging.getLogger("phonghop.ws")
PATH = "/ws"
# Missed publications replayed in one recovered reply at most: the rest of MAX_REPLY_BYTES
# is ample for the reply's envelope and its few channels' positions.
RECOVERY_BYTES = MAX_REPLY_BYTES - 4096


def describe_presence(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"connections": entries}


@dataclass(frozen=True)
class Admitted:
    actor: Actor | None
    token: str | None
    claim: str | None = None  # its place under the person's cap; None: refused (4105)


# A part the server needs is down for the moment: answered as such, never as server_error.
UNAVAILABLE: tuple[type[Exception], ...] = (*DATABASE_DOWN, BrokerUnavailable)


class TabletEndpoint:
    """realtime.server.Endpoint for phonghop's tablets."""

    def __init__(self, services: Services, sessions: Sessions) -> None:
        self.services = services
        self.sessions = sessions

    async def admit(self, request: Request) -> Admitted:
        if urlsplit(request.path).path != PATH:
            raise Rejection(404, "Not Found")
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, request.headers.get("Host", ""),
                                                  self.services.settings.allowed_origins):
            raise Rejection(403, "Cross-origin WebSocket refused")
        raw = cookie_parser(request.headers.get("Cookie", "")).get(COOKIE)
        token = self.sessions.unsign(raw) if raw else None
        actor = await self.sessions.actor_for(token) if token else None
        if actor is None or token is None:
            return Admitted(None, None)
        # Counted across every server process (the broker); a silent socket makes way.
        claim = await self.services.hub.claim_socket(
            str(actor.user_id), self.services.settings.max_sockets_per_user)
        return Admitted(actor, token, claim)

    def open(self, conn: Connection, admitted: Admitted) -> None:
        if admitted.actor is None or admitted.token is None:
            conn.write_text(error_frame(
                None, "unauthenticated",
                "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.",
                "You are not logged in, or your session has expired.",
            ).encode())
            conn.close(int(Close.UNAUTHENTICATED), "unauthenticated")
            return
        if admitted.claim is None:
            cap = self.services.settings.max_sockets_per_user
            conn.write_text(error_frame(
                None, "too_many_connections",
                f"Tài khoản này đang mở quá nhiều kết nối (tối đa {cap} thiết bị hoặc thẻ trình "
                "duyệt). Vui lòng đóng ứng dụng trên một thiết bị hoặc thẻ khác rồi tải lại trang.",
                f"This account already has too many connections open (at most {cap} devices or "
                "browser tabs). Close the app on another device or tab, then reload the page.",
            ).encode())
            conn.close(int(Close.TOO_MANY_CONNECTIONS), "too many connections")
            return
        conversation = Conversation(conn, self.services, admitted.actor, admitted.token)
        self.services.hub.hold(admitted.claim, conversation.client)
        conn.context = conversation

    def abandon(self, admitted: Admitted) -> None:
        if admitted.claim is not None:
            self.services.tasks.spawn(self.services.hub.release_socket(admitted.claim),
                                      "release socket place")

    def text(self, conn: Connection, data: str) -> None:
        if isinstance(conn.context, Conversation):
            conn.context.received(data)

    def binary(self, conn: Connection, data: bytes) -> None:
        if isinstance(conn.context, Conversation):
            conn.context.client.close(Close.BAD_REQUEST, "text frames only")

    def lost(self, conn: Connection) -> None:
        conversation = conn.context
        if isinstance(conversation, Conversation):
            conversation.lost()
            if conversation.client.claim is not None:  # its place is free at once
                self.services.tasks.spawn(
                    self.services.hub.release_socket(conversation.client.claim),
                    "release socket place")


class Conversation:
    """One tablet's conversation with the server."""

    __slots__ = ("services", "actor", "client", "limit", "marks", "meeting_id", "connected",
                 "_closing", "_inbox", "_worker")

    def __init__(self, conn: Connection, services: Services, actor: Actor, token: str) -> None:
        self.services, self.actor = services, actor
        settings = services.settings
        self.client = Client(conn, buffer_limit=settings.ws_send_buffer_kb * 1024)
        self.client.info = {"user_id": actor.user_id, "full_name": actor.full_name,
                            "token": token_digest(token)}
        self.limit = RateLimit(settings.ws_commands_per_second)
        self.marks = RateLimit(MARKS_PER_SECOND)
        self.meeting_id: int | None = None
        self.connected = False  # its connect was answered (it stays so once closed)
        self._closing: Close | None = None  # to close once the accepted commands are answered
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
        if self._closing is not None:
            return  # being closed: nothing more it sends is read
        if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
            self.client.close(Close.FRAME_TOO_LARGE, "frame too large")
            return
        try:
            command: Command | None = parse_command(text)
            refused: ProtocolError | None = None
        except ProtocolError as exc:
            command, refused = None, exc
        # Every frame counts, whether it parses or not (docs/protocol.md, "Rate limit"); the
        # presenter's marks against their own budget.
        bucket = self.marks if command is not None and command.type in MARK_COMMANDS \
            else self.limit
        verdict = bucket.take()
        if verdict is Verdict.CLOSE:
            self._close_when_answered(Close.RATE_LIMITED)
            return
        if refused is not None:
            if verdict is Verdict.ACCEPT:
                self.client.send(error_frame(refused.id, refused.code, refused.vi, refused.en))
            else:
                self._refuse(refused.id)
            return
        assert command is not None
        if verdict is Verdict.REFUSE:
            self._refuse(command.id)
            return
        if command.type == "pong":
            return
        self._inbox.append(command)
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())

    def _refuse(self, cid: int | None) -> None:
        self.client.send(error_frame(
            cid, "rate_limited",
            "Gửi lệnh quá nhanh nên lệnh này chưa được thực hiện; vui lòng chờ một chút.",
            "Too many commands; this one was not carried out. Slow down.",
        ))

    def _close_when_answered(self, code: Close) -> None:
        """Close with `code` once the commands already accepted are carried out and answered."""
        self._closing = code
        if self._worker is None:
            self.client.close(code, code.name.lower())

    def lost(self) -> None:
        self.client.state = State.CLOSED
        self.services.tasks.spawn(self._gone(), "unregister")

    async def _gone(self) -> None:
        # Accepted commands are carried out even though no answer can reach the tablet now (a
        # ballot sent just before Wi-Fi dropped counts); the channels go after them.
        if self._worker is not None:
            await asyncio.wait([self._worker])
        await self.hub.unregister(self.client)

    async def _work(self) -> None:
        try:
            while self._inbox:
                command = self._inbox.pop(0)
                if self.client.closed and not self._lasting(command):
                    continue
                try:
                    await self._dispatch(command)
                except (ProtocolError, DomainError) as exc:
                    self.client.send(error_frame(command.id, exc.code, exc.vi, exc.en))
                except UNAVAILABLE as exc:
                    log.warning("%s unavailable for %s: %s", type(exc).__name__, command.type, exc)
                    down = database_unavailable() if isinstance(exc, DATABASE_DOWN) \
                        else broker_unavailable()
                    self.client.send(error_frame(command.id, down.code, down.vi, down.en))
                    if command.type == "connect":  # come back when it is up again
                        self.client.close(Close.SHUTDOWN, "database unavailable")
                except Exception:
                    log.exception("command %s failed", command.type)
                    self.client.send(error_frame(
                        command.id, "server_error", "Lỗi máy chủ; vui lòng thử lại.",
                        "Server error; try again.",
                    ))
        finally:
            self._worker = None
            if self._closing is not None:
                self.client.close(self._closing, self._closing.name.lower())

    def _lasting(self, command: Command) -> bool:
        """Whether `command`, accepted before the connection closed, is still carried out: a
        ballot or a page turn is, unless the close said the person may no longer act here
        (logged out, no longer a participant); a connect or a presence no longer means
        anything."""
        code = self.client.close_code
        return (command.type in ("vote.cast", "present")
                and (code is None or 4000 <= code < 4100))

    async def _dispatch(self, command: Command) -> None:
        if command.type == "connect":
            await self._connect(command)
        elif not self.connected:
            raise ProtocolError("not_connected", "Vui lòng gửi lệnh kết nối (connect) trước.",
                                "Send a connect command first.", command.id)
        elif self.meeting_id is None and command.type in ("presence", "present", *MARK_COMMANDS):
            raise ProtocolError("not_in_meeting", "Kết nối này không gắn với cuộc họp nào.",
                                "This connection is not in a meeting.", command.id)
        elif command.type == "presence":
            await self._presence(command)
        elif command.type == "vote.cast":
            await self._cast(command)
        elif command.type == "present":
            await self._present(command)
        elif command.type == "annotation.change":
            await self._annotate(command)
        elif command.type in MARK_COMMANDS:
            await self._mark(command)

    async def _connect(self, command: Command) -> None:
        if self.client.state is not State.CONNECTING:
            raise ProtocolError("already_connected", "Kết nối đã được thiết lập.",
                                "Already connected.", command.id)
        connect = read_connect(command.id, command.data)
        if connect.meeting_id is None:
            await self._connect_inbox(command, connect)
            return
        meeting_id = connect.meeting_id
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
        recovered, positions, all_recovered = await self._attach(channels, connect)
        if set(connect.positions) - set(channels):
            # The tablet held a channel its role no longer gets (a chair made a guest): what it
            # shows is the old role's, so it takes a snapshot, not the missed publications.
            all_recovered = False
        if self.client.closed:
            return  # closed meanwhile (resync, slow consumer): the tablet will come back
        self.meeting_id = meeting_id
        self.client.info.update(meeting_id=meeting_id, role=role)
        self.client.go_live()
        self.connected = True
        wire = {ch: {"offset": p.offset, "epoch": p.epoch} for ch, p in positions.items()}
        if all_recovered:
            self.client.send(reply_frame(command.id, {
                "recovered": True,
                "publications": [p.as_dict() for p in recovered],
                "positions": wire,
            }))
        else:
            snap = await self.services.read(lambda s: snapshot(
                s, actor, meeting_id, offline_hours=self.services.settings.offline_cache_hours))
            self.client.send(reply_frame(
                command.id, {"recovered": False, "snapshot": snap, "positions": wire}
            ))
        if role in STAFF_ROLES:
            # Presence is state, not history, and grows with the room (1,600 delegates): never
            # in the reply, but sent whole in its own message right after it.
            self.client.send(dumps({"type": "presence", "data": describe_presence(
                await self.hub.presence(room))}))
        # What arrived live meanwhile follows the reply, without what the reply covered.
        for channel, position in positions.items():
            self.client.finish_recovery(channel, position.offset)
        await self.hub.set_presence(self.client, room, {
            "user_id": actor.user_id, "full_name": actor.full_name, "role": role,
            "device": connect.device,
            "mode": "follow", "document_id": None, "page": None,
        })
        if status == MeetingStatus.SEALED.value:
            self.client.close(Close.MEETING_SEALED, "meeting sealed")

    async def _attach(self, channels: list[str], connect: Connect
                      ) -> tuple[list[Publication], dict[str, Position], bool]:
        """Subscribe to the channels from the positions the client sent: the publications it
        missed when every channel's history covers them, the positions it will be at."""
        recovered: list[Publication] = []
        positions: dict[str, Position] = {}
        all_recovered = True
        for channel in channels:
            since = connect.positions.get(channel)
            result = await self.hub.attach(self.client, channel, since)
            if isinstance(result, Position):
                positions[channel] = result
                all_recovered = False
            else:
                assert since is not None
                recovered.extend(result)
                positions[channel] = Position(result[-1].offset if result else since.offset,
                                              since.epoch)
        if all_recovered and sum(len(p.frame.encode()) + 1 for p in recovered) > RECOVERY_BYTES:
            # Too much missed to replay in one reply a client can take (docs/protocol.md,
            # "Frame sizes"): a snapshot instead, as new as these positions or newer.
            all_recovered = False
        return recovered, positions, all_recovered

    async def _connect_inbox(self, command: Command, connect: Connect) -> None:
        """A person's own channel, outside any meeting: the news that reaches their meetings
        list (documents published for a meeting they take part in). No presence: having the
        list open is not being in the meeting."""
        channel = inbox_channel(self.actor.user_id)
        recovered, positions, all_recovered = await self._attach([channel], connect)
        if self.client.closed:
            return
        self.client.info.update(inbox=True)
        self.client.go_live()
        self.connected = True
        wire = {ch: {"offset": p.offset, "epoch": p.epoch} for ch, p in positions.items()}
        body: dict[str, Any] = {"recovered": all_recovered, "positions": wire}
        if all_recovered:
            body["publications"] = [p.as_dict() for p in recovered]
        else:
            body["snapshot"] = {"inbox": True}
        self.client.send(reply_frame(command.id, body))
        self.client.finish_recovery(channel, positions[channel].offset)

    async def _presence(self, command: Command) -> None:
        report = read_presence(command.id, command.data)
        room = meeting_channel(self.meeting_id or 0)
        await self.hub.set_presence(self.client, room, self.hub.presence_of(self.client, room) | {
            "mode": report.mode, "document_id": report.document_id, "page": report.page,
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

    async def _annotate(self, command: Command) -> None:
        """One annotation change, as one of POST /api/annotations/changes: the reply is the
        change's result (an `error` result is a reply too, as in the batch)."""
        device = store.check_device(command.data.get("device"))
        change = store.read_change(command.data)
        actor = self.actor
        result = await self.services.perform(
            lambda s: store.apply_change(s, actor, device, change), bulk=True)
        self.client.send(reply_frame(command.id, {"result": result}))

    async def _mark(self, command: Command) -> None:
        """The presenter's pointer or ink, to everyone in the room as it comes: whoever may
        turn the room's page (the role this socket connected with: a role change closes it)."""
        meeting_id = self.meeting_id or 0
        if self.client.info.get("role") not in PERMISSIONS[Action.RUN]:
            raise refuse(Action.RUN)
        if command.type == "pointer":
            mark = read_pointer(command.id, command.data)
        else:
            mark = read_ink(command.id, command.data)
            self.services.presenter_ink.drawn(meeting_id, mark)
        await self.services.publish([Event(meeting_id, command.type,
                                           mark | {"user_id": self.actor.user_id})])
        self.client.send(reply_frame(command.id, {"ok": True}))

    async def _cast(self, command: Command) -> None:
        ballot = read_ballot(command.id, command.data)
        actor = self.actor
        # The reply is sent only after the ballot is committed.
        mine = await self.services.ballots.cast(lambda s: voting.cast_ballot(
            s, actor, ballot.vote_id, ballot.choice, marks=ballot.marks,
            for_user=ballot.for_user, progress=False, secrecy=self.services.secrecy))
        self.client.send(reply_frame(command.id, mine))
