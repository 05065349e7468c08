"""Domain errors: what went wrong, in Vietnamese and English, and what kind of wrong it is.

The web layer maps `kind` to an HTTP status or a WebSocket error frame; the domain never
speaks HTTP. Every message tells the person what was wrong and what to do.

Most errors are refusals: the request was at fault. `Kind.INTERNAL` is the other kind: the
server could not do it through no fault of the request (a helper process that could not
start, a tool not installed); its message says so, and does not blame the person or the file.
"""

from __future__ import annotations

import errno
from enum import StrEnum
from typing import Any

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class Kind(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    INTERNAL = "internal"  # the server's fault, not the request's
    STORAGE_FULL = "storage_full"  # the server's disk is full: nothing was written
    UNAVAILABLE = "unavailable"  # a part the server needs is down for the moment; try again
    TOO_MANY = "too_many"  # asked too often: wait `details["retry_after"]` seconds


class DomainError(Exception):
    """A refusal a person can act on, or (`Kind.INTERNAL`) a failure of the server itself."""

    def __init__(
        self, kind: Kind, code: str, vi: str, en: str, *, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(en)
        self.kind = kind
        self.code = code
        self.vi = vi
        self.en = en
        self.details = details or {}

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "error": self.code,
            "message": f"{self.vi} / {self.en}",
            "message_vi": self.vi,
            "message_en": self.en,
        }
        if self.details:
            body["details"] = self.details
        return body


def not_found(what_vi: str, what_en: str) -> DomainError:
    """Something that is not there, or not within the actor's reach: the same answer either
    way (`what` names it for the reader of the code only; an outsider who could tell "meeting
    not found" from "vote not found" would learn which ids exist)."""
    del what_vi, what_en
    return DomainError(
        Kind.NOT_FOUND,
        "not_found",
        "Không tìm thấy nội dung này, hoặc bạn không có quyền xem. Kiểm tra lại đường dẫn.",
        "Nothing here, or not for you to see. Check the link.",
    )


def nothing_here() -> DomainError:
    """The one answer for anything outside the actor's reach, whether it exists or not."""
    return not_found("", "")


def forbidden(code: str, vi: str, en: str) -> DomainError:
    return DomainError(Kind.FORBIDDEN, code, vi, en)


def invalid(code: str, vi: str, en: str, **details: Any) -> DomainError:
    return DomainError(Kind.INVALID, code, vi, en, details=details or None)


def conflict(code: str, vi: str, en: str) -> DomainError:
    return DomainError(Kind.CONFLICT, code, vi, en)


def internal(code: str, vi: str, en: str, **details: Any) -> DomainError:
    """The server failed, not the request: the person can only retry or tell an administrator
    (the caller logs what failed)."""
    return DomainError(Kind.INTERNAL, code, vi, en, details=details or None)


def storage_full() -> DomainError:
    """The server's disk (or quota) is full. Whatever was being stored was not kept, and
    nothing already stored is touched."""
    return DomainError(
        Kind.STORAGE_FULL, "storage_full",
        "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được; dữ liệu đã có không bị ảnh "
        "hưởng. Vui lòng báo quản trị hệ thống giải phóng dung lượng rồi thử lại.",
        "The server's storage is full, so this was not saved; what was saved before is "
        "untouched. Please ask the administrator to free space, then try again.",
    )
