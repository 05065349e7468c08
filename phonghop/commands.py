"""What the data of each WebSocket command must hold (docs/protocol.md, "Commands"), read into
typed values or refused with a ProtocolError whose code names what was wrong. Pure: no I/O,
so every malformed shape is answered the same way before anything is looked up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from phonghop.responses import MAX_INT, is_id, is_int
from realtime.broker import Position
from realtime.protocol import ProtocolError

MAX_OFFSET = 2**53 - 1  # what a JavaScript client can hold exactly
MAX_EPOCH = 64
MAX_DEVICE = 60


def sent(value: object) -> str:
    """What a client sent instead, as JSON and short, the same in both languages: `"1"` (a
    string), `1e+20`, `[…]`, `{…}`, `null`."""
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, dict):
        return "{…}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 24 else text[:23] + "…"


@dataclass(frozen=True)
class Connect:
    meeting_id: int | None  # None: the inbox
    positions: dict[str, Position] = field(default_factory=dict)
    device: str = ""

    @property
    def inbox(self) -> bool:
        return self.meeting_id is None


def read_connect(cid: int | None, data: dict[str, Any]) -> Connect:
    inbox = data.get("inbox", False)
    if not isinstance(inbox, bool):
        raise ProtocolError(
            "bad_connect", f"Trường inbox phải là true hoặc false (nhận được {sent(inbox)}).",
            f"inbox must be true or false (got {sent(inbox)}).", cid)
    device = data.get("device", "")
    if device is None:
        device = ""
    if not isinstance(device, str):
        raise ProtocolError(
            "bad_connect", f"Trường device phải là chuỗi ký tự (nhận được {sent(device)}).",
            f"device must be a string (got {sent(device)}).", cid)
    positions = read_positions(cid, data.get("positions"))
    if inbox:
        return Connect(None, positions, device[:MAX_DEVICE])
    if "meeting_id" not in data or data["meeting_id"] is None:
        raise ProtocolError(
            "meeting_required",
            "Lệnh connect cần mã cuộc họp (meeting_id), hoặc inbox: true cho danh sách cuộc họp.",
            "connect needs the meeting's id (meeting_id), or inbox: true for the meetings list.",
            cid)
    meeting_id = data["meeting_id"]
    if not is_id(meeting_id):
        raise ProtocolError(
            "bad_meeting",
            f"Mã cuộc họp (meeting_id) phải là số nguyên từ 1 đến {MAX_INT} (nhận được "
            f"{sent(meeting_id)}).",
            f"meeting_id must be a whole number from 1 to {MAX_INT} (got {sent(meeting_id)}).",
            cid)
    return Connect(meeting_id, positions, device[:MAX_DEVICE])


def read_positions(cid: int | None, raw: Any) -> dict[str, Position]:
    """`{channel: {offset, epoch}}` as the client last saw it; absent or null: none."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ProtocolError(
            "bad_positions",
            "Trường positions phải là một đối tượng {kênh: {offset, epoch}} (nhận "
            f"được {sent(raw)}).",
            f"positions must be an object {{channel: {{offset, epoch}}}} (got {sent(raw)}).",
            cid)
    out: dict[str, Position] = {}
    for channel, value in raw.items():
        name = channel[:80]
        if not isinstance(value, dict):
            raise ProtocolError(
                "bad_positions",
                f"positions['{name}'] phải là đối tượng {{offset, epoch}} (nhận "
                f"được {sent(value)}).",
                f"positions['{name}'] must be an object {{offset, epoch}} (got "
                f"{sent(value)}).", cid)
        offset, epoch = value.get("offset"), value.get("epoch")
        if (not isinstance(offset, int) or isinstance(offset, bool)
                or not 0 <= offset <= MAX_OFFSET):
            raise ProtocolError(
                "bad_positions",
                f"positions['{name}'].offset phải là số nguyên không âm (nhận được "
                f"{sent(offset)}).",
                f"positions['{name}'].offset must be a whole number of 0 or more (got "
                f"{sent(offset)}).", cid)
        if not isinstance(epoch, str) or not 0 < len(epoch) <= MAX_EPOCH:
            raise ProtocolError(
                "bad_positions",
                f"positions['{name}'].epoch phải là chuỗi ký tự máy chủ đã gửi (nhận được "
                f"{sent(epoch)}).",
                f"positions['{name}'].epoch must be the string the server sent (got "
                f"{sent(epoch)}).", cid)
        out[channel] = Position(offset, epoch)
    return out


@dataclass(frozen=True)
class PresenceReport:
    mode: str
    document_id: int | None
    page: int | None


def read_presence(cid: int | None, data: dict[str, Any]) -> PresenceReport:
    mode = data.get("mode")
    if mode not in ("follow", "browse"):
        raise ProtocolError("bad_presence", "Chế độ (mode) phải là follow hoặc browse.",
                            "The mode must be follow or browse.", cid)
    document_id, page = data.get("document_id"), data.get("page")
    if document_id is not None and not is_id(document_id):
        raise ProtocolError("bad_presence", "document_id phải là mã tài liệu (số) hoặc null.",
                            "document_id must be a document's id (a number) or null.", cid)
    if page is not None and not (is_int(page) and page > 0):
        raise ProtocolError("bad_presence", "page phải là số trang (từ 1) hoặc null.",
                            "page must be a page number (from 1) or null.", cid)
    return PresenceReport(mode, document_id, page)


@dataclass(frozen=True)
class BallotData:
    vote_id: int
    choice: str | None
    marks: list[Any] | None
    for_user: int | None


def read_ballot(cid: int | None, data: dict[str, Any]) -> BallotData:
    vote_id, choice, marks = data.get("vote_id"), data.get("choice"), data.get("marks")
    for_user = data.get("for_user")
    if (not is_id(vote_id) or not (isinstance(choice, str) or isinstance(marks, list))
            or not (for_user is None or is_id(for_user))):
        raise ProtocolError("bad_ballot",
                            "Phiếu cần vote_id (số) và choice (yes/no/abstain) hoặc marks.",
                            "A ballot needs vote_id (number) and choice (yes/no/abstain) "
                            "or marks.", cid)
    return BallotData(vote_id, choice if isinstance(choice, str) else None,
                      marks if isinstance(marks, list) else None, for_user)
