"""How the record names a body: its kind (People's Committee, People's Council or another
board) and the quorum the law fixes for it, its name in full as the header of an
administrative document writes it, the words for its members, and its default "Nơi nhận".

Nghị định 30/2020 writes the body's name in full ("ỦY BAN NHÂN DÂN / XÃ TƯỜNG TIẾN", on two
lines) and gives a People's Committee or Council no parent-body line above it. People call
them "UBND xã Tường Tiến" and "HĐND xã Tường Tiến", so the names are stored that way too;
this module expands them where the form wants them in full.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from meetings.text import fold


class BodyKind(StrEnum):
    PEOPLE_COMMITTEE = "people_committee"  # Ủy ban nhân dân
    PEOPLE_COUNCIL = "people_council"  # Hội đồng nhân dân
    OTHER = "other"  # a university council, a company board...


# (kind, the name in full, its abbreviation, the folded forms a name may start with)
_KINDS = (
    (BodyKind.PEOPLE_COMMITTEE, "Ủy ban nhân dân", "UBND", ("uy ban nhan dan", "ubnd")),
    (BodyKind.PEOPLE_COUNCIL, "Hội đồng nhân dân", "HĐND", ("hoi dong nhan dan", "hdnd")),
)
# The quorum the law fixes for a kind: a People's Committee session may proceed only with at
# least two thirds of its members present, a People's Council session with two thirds of its
# delegates (Luật Tổ chức chính quyền địa phương 2025). No override: a vote without it has no
# legal basis. An `other` body's quorum is the administrator's to set.
LEGAL_QUORUM: dict[BodyKind, tuple[int, int]] = {
    BodyKind.PEOPLE_COMMITTEE: (2, 3),
    BodyKind.PEOPLE_COUNCIL: (2, 3),
}
DEFAULT_QUORUM = (1, 2)  # a new `other` body: at least half of its members


def parse_kind(value: str | None) -> BodyKind | None:
    """The kind a stored or submitted value names; None when it names none."""
    try:
        return BodyKind(value or "")
    except ValueError:
        return None


def legal_quorum(kind: str | BodyKind | None) -> tuple[int, int] | None:
    """The quorum the law fixes for the kind; None when the administrator sets it."""
    parsed = parse_kind(kind) if isinstance(kind, str) or kind is None else kind
    return LEGAL_QUORUM.get(parsed) if parsed is not None else None


# Local government tiers since 1 July 2025, longest first ("thành phố" before "xã").
_LEVELS = ("đặc khu", "thành phố", "phường", "tỉnh", "xã")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _split(name: str, kind: str | None = None) -> tuple[BodyKind, str, str, str]:
    """(kind, the kind in full, its abbreviation, the rest of the name: "xã Tường Tiến").

    `kind` is the body's stored kind, which wins over what the name suggests: an `other`
    body named "UBND ..." prints its name as given, and a People's Committee named "xã
    Tường Tiến" still prints "ỦY BAN NHÂN DÂN"."""
    clean = _clean(name)
    folded = fold(clean)
    stored = parse_kind(kind)
    if stored is BodyKind.OTHER:
        return BodyKind.OTHER, "", "", clean
    for found, full, short, prefixes in _KINDS:
        if stored is not None and found is not stored:
            continue
        for prefix in prefixes:
            if folded == prefix or folded.startswith(prefix + " "):
                words = len(prefix.split())
                return found, full, short, " ".join(clean.split()[words:])
        if stored is found:
            return found, full, short, clean
    return BodyKind.OTHER, "", "", clean


def kind_of(name: str, kind: str | None = None) -> BodyKind:
    """The body's kind: the stored one when given, else what its name says."""
    return _split(name, kind)[0]


def _level(rest: str) -> str:
    """"xã" of "xã Tường Tiến"; "" when the name does not start with a tier."""
    lowered = rest.lower()
    for level in _LEVELS:
        if lowered == level or lowered.startswith(level + " "):
            return level
    return ""


def full_name(name: str, kind: str | None = None) -> str:
    """"UBND xã Tường Tiến" -> "Ủy ban nhân dân xã Tường Tiến"; other names unchanged."""
    kind, full, _short, rest = _split(name, kind)
    if kind is BodyKind.OTHER:
        return rest
    return f"{full} {rest}".strip()


def header_lines(name: str, kind: str | None = None) -> tuple[str, ...]:
    """The body's name in the header, in capitals, broken where the form breaks it:
    ("ỦY BAN NHÂN DÂN", "XÃ TƯỜNG TIẾN")."""
    kind, full, _short, rest = _split(name, kind)
    if kind is BodyKind.OTHER:
        return (rest.upper(),)
    return tuple(line.upper() for line in (full, rest) if line)


def has_parent_line(name: str, kind: str | None = None) -> bool:
    """People's Committees and Councils print no parent body above their name."""
    return kind_of(name, kind) is BodyKind.OTHER


def members_noun(name: str, kind: str | None = None) -> str:
    """What one calls the body's voting members in the record:
    "thành viên Ủy ban nhân dân xã", "đại biểu Hội đồng nhân dân xã", "thành viên"."""
    kind, full, _short, rest = _split(name, kind)
    if kind is BodyKind.OTHER:
        return "thành viên"
    noun = "đại biểu" if kind is BodyKind.PEOPLE_COUNCIL else "thành viên"
    return " ".join(part for part in (noun, full, _level(rest)) if part)


def member_word(name: str, kind: str | None = None) -> str:
    """"đại biểu" for a People's Council, "thành viên" for everyone else."""
    return "đại biểu" if kind_of(name, kind) is BodyKind.PEOPLE_COUNCIL else "thành viên"


def default_recipients(name: str, kind: str | None = None) -> tuple[str, ...]:
    """The default "Nơi nhận" (editable): the body's own members."""
    kind, _full, short, rest = _split(name, kind)
    if kind is BodyKind.OTHER:
        return ("Các thành viên dự họp",)
    who = "Các đại biểu" if kind is BodyKind.PEOPLE_COUNCIL else "Các thành viên"
    return (" ".join(part for part in (who, short, _level(rest)) if part),)
