"""The wire protocol between tablets and the server (docs/protocol.md describes it; a test
keeps the two in step).

Server messages are JSON objects. A publication carries its channel, its offset (per channel,
strictly increasing) and the channel's epoch; replies carry the id of the command they answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

MAX_FRAME_BYTES = 64 * 1024  # the largest frame a client may send
# The largest recovered reply the server sends: past it, the missed publications give way to
# a snapshot (docs/protocol.md, "Frame sizes").
MAX_REPLY_BYTES = 256 * 1024


class Close(IntEnum):
    """WebSocket close codes. 4000-4099: reconnect (with backoff). 4100-4199: do not."""

    SHUTDOWN = 4000  # the server is restarting
    SLOW_CONSUMER = 4001  # the send queue overflowed; resume from the last offset
    HEARTBEAT_TIMEOUT = 4002  # nothing heard from the client in time
    RATE_LIMITED = 4003  # too many commands; back off, then resume
    RESYNC = 4004  # the server may have missed publications for you; reconnect and recover
    ROLE_CHANGED = 4005  # your role in the meeting changed; reconnect for what it now sees
    UNAUTHENTICATED = 4100  # not logged in, or logged out
    FORBIDDEN = 4101  # not (or no longer) a participant
    MEETING_SEALED = 4102  # the meeting is sealed; nothing more will happen
    BAD_REQUEST = 4103  # the client broke the protocol
    FRAME_TOO_LARGE = 4104  # a frame over MAX_FRAME_BYTES
    TOO_MANY_CONNECTIONS = 4105  # this person already holds as many sockets as allowed

    @property
    def reconnect(self) -> bool:
        return 4000 <= self.value < 4100


# Server -> client message types that are not domain events.
CONTROL_TYPES = ("reply", "error", "ping", "presence")
# Client -> server commands.
COMMAND_TYPES = ("connect", "presence", "vote.cast", "present", "annotation.change", "pointer",
                 "presenter.ink", "pong")


@dataclass(frozen=True)
class Command:
    id: int | None
    type: str
    data: dict[str, Any]


class ProtocolError(Exception):
    def __init__(self, code: str, vi: str, en: str, id: int | None = None) -> None:
        super().__init__(en)
        self.code, self.vi, self.en, self.id = code, vi, en, id


def parse_command(text: str) -> Command:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        raise ProtocolError(
            "bad_json", "Khung tin không phải JSON.", "The frame is not JSON."
        ) from None
    if not isinstance(raw, dict):
        raise ProtocolError("bad_frame", "Khung tin phải là một đối tượng JSON.",
                            "The frame must be a JSON object.")
    cid = raw.get("id")
    if cid is not None and (not isinstance(cid, int) or isinstance(cid, bool)):
        raise ProtocolError("bad_id", "Mã lệnh (id) phải là số nguyên.",
                            "The command id must be an integer.")
    ctype = raw.get("type")
    if ctype not in COMMAND_TYPES:
        raise ProtocolError(
            "unknown_type", f"Lệnh không được hỗ trợ: {ctype!r}.",
            f"Unknown command type: {ctype!r}.", cid,
        )
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise ProtocolError("bad_data", "Trường data phải là một đối tượng.",
                            "The data field must be an object.", cid)
    return Command(cid, ctype, data)


def dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


def publication_frame(channel: str, offset: int, epoch: str, type: str, data: Any) -> str:
    return dumps({"channel": channel, "offset": offset, "epoch": epoch, "type": type, "data": data})


def reply_frame(cid: int | None, data: Any) -> str:
    return dumps({"id": cid, "type": "reply", "data": data})


def error_frame(cid: int | None, code: str, vi: str, en: str) -> str:
    return dumps({"id": cid, "type": "error", "error": code, "message": f"{vi} / {en}",
                  "message_vi": vi, "message_en": en})
