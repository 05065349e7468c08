"""The presenter's marks on the presented page (issue 11 §2): the laser pointer and the ink the
secretary or the chair draws for the room, as the `pointer` and `presenter.ink` commands carry
them, published on the meeting channel as they come and never stored (docs/protocol.md,
"Presenter's marks"). A page turn clears the ink (`presenter.clear`) unless its last stroke
said `keep`.

The marks come often (a pointer about 30 times a second, a stroke's points about 25): they
have their own rate budget per connection (`MARKS_PER_SECOND`), so that drawing never uses up
the budget of the commands that matter more (a page turn, a ballot).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from meetings.events import Event
from phonghop.commands import sent
from phonghop.responses import is_id, is_int
from realtime.protocol import ProtocolError

MARK_COMMANDS = frozenset({"pointer", "presenter.ink"})
MARKS_PER_SECOND = 60.0
MAX_POINTS = 2000  # of one presenter.ink (a whole stroke so far fits one 64 KB frame)
STROKE = re.compile(r"[A-Za-z0-9_-]{1,64}")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _refuse(cid: int | None, vi: str, en: str) -> ProtocolError:
    return ProtocolError("bad_mark", vi, en, cid)


def _where(cid: int | None, data: dict[str, Any]) -> dict[str, Any]:
    document_id, page = data.get("document_id"), data.get("page")
    if not is_id(document_id):
        raise _refuse(cid, f"document_id phải là mã tài liệu (nhận được {sent(document_id)}).",
                      f"document_id must be a document's id (got {sent(document_id)}).")
    if not (is_int(page) and page > 0):
        raise _refuse(cid, f"page phải là số trang, từ 1 (nhận được {sent(page)}).",
                      f"page must be a page number, from 1 (got {sent(page)}).")
    return {"document_id": document_id, "page": page}


def _fraction(cid: int | None, value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value) or not 0 <= value <= 1:
        raise _refuse(cid, f"{name} phải là số từ 0 đến 1 (nhận được {sent(value)}).",
                      f"{name} must be a number from 0 to 1 (got {sent(value)}).")
    return float(value)


def read_pointer(cid: int | None, data: dict[str, Any]) -> dict[str, Any]:
    """`{"document_id", "page", "x", "y"}`, or `{"document_id", "page", "hide": true}`."""
    out = _where(cid, data)
    if data.get("hide") is True:
        return out | {"hide": True}
    return out | {"x": _fraction(cid, data.get("x"), "x"), "y": _fraction(cid, data.get("y"), "y")}


def read_ink(cid: int | None, data: dict[str, Any]) -> dict[str, Any]:
    """`{"document_id", "page", "stroke", "points": [[x, y, p]...], "width", "color", "done",
    "keep"}`: the whole stroke so far (a lost one is made good by the next)."""
    out = _where(cid, data)
    stroke = data.get("stroke")
    if not isinstance(stroke, str) or not STROKE.fullmatch(stroke):
        raise _refuse(cid, "stroke phải là mã nét vẽ, 1 đến 64 ký tự A-Z, a-z, 0-9, - và _.",
                      "stroke must be the stroke's id, 1 to 64 characters of A-Z, a-z, 0-9, "
                      "- and _.")
    points = data.get("points")
    if not isinstance(points, list) or not 1 <= len(points) <= MAX_POINTS:
        raise _refuse(cid, f"points phải là danh sách 1 đến {MAX_POINTS} điểm [x, y, p].",
                      f"points must be a list of 1 to {MAX_POINTS} points [x, y, p].")
    clean = []
    for point in points:
        if not isinstance(point, list) or len(point) != 3:
            raise _refuse(cid, f"Mỗi điểm phải là [x, y, p] (nhận được {sent(point)}).",
                          f"Each point must be [x, y, p] (got {sent(point)}).")
        clean.append([_fraction(cid, v, n) for v, n in zip(point, ("x", "y", "p"), strict=True)])
    width = data.get("width", 0.004)
    if isinstance(width, bool) or not isinstance(width, int | float) or \
            not math.isfinite(width) or not 0 < width <= 0.2:
        raise _refuse(cid, f"width phải là số lớn hơn 0, tối đa 0.2 (nhận được {sent(width)}).",
                      f"width must be a number above 0, at most 0.2 (got {sent(width)}).")
    color = data.get("color", "#d32f2f")
    if not isinstance(color, str) or not COLOR.fullmatch(color):
        raise _refuse(cid, f"color phải có dạng #rrggbb (nhận được {sent(color)}).",
                      f"color must look like #rrggbb (got {sent(color)}).")
    flags = {name: data.get(name, False) for name in ("done", "keep")}
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise _refuse(cid, f"{name} phải là true hoặc false (nhận được {sent(value)}).",
                          f"{name} must be true or false (got {sent(value)}).")
    return out | {"stroke": stroke, "points": clean, "width": float(width),
                  "color": color.lower(), **flags}


@dataclass
class Drawn:
    document_id: int
    page: int
    keep: bool


class PresenterInk:
    """Where the presenter's ink is, per meeting, in this process: the page of its strokes
    and whether the last one said keep. Page turns over the socket are carried out by the
    process that holds the presenter's socket, which is the one that saw the ink."""

    def __init__(self) -> None:
        self._drawn: dict[int, Drawn] = {}

    def drawn(self, meeting_id: int, mark: dict[str, Any]) -> None:
        self._drawn[meeting_id] = Drawn(mark["document_id"], mark["page"], mark["keep"])

    def turned(self, meeting_id: int, presentation: dict[str, Any]) -> Event | None:
        """The `presenter.clear` a presentation calls for: the page changed under ink that
        was not kept. Kept ink stays with its page (a tablet shows it when the page comes
        back) until the presenter draws again."""
        drawn = self._drawn.get(meeting_id)
        if drawn is None or (presentation.get("document_id"), presentation.get("page")) == (
                drawn.document_id, drawn.page):
            return None
        del self._drawn[meeting_id]
        if drawn.keep:
            return None
        return Event(meeting_id, "presenter.clear",
                     {"document_id": drawn.document_id, "page": drawn.page})
