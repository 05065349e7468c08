"""Domain errors: what went wrong, in Vietnamese and English, and what kind of wrong it is.

The web layer maps `kind` to an HTTP status or a WebSocket error frame; the domain never
speaks HTTP. Every message tells the person what was wrong and what to do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"


class DomainError(Exception):
    """A refusal a person can act on."""

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
    return DomainError(
        Kind.NOT_FOUND,
        "not_found",
        f"Không tìm thấy {what_vi}. Kiểm tra lại đường dẫn hoặc mã số.",
        f"{what_en} not found. Check the link or the number.",
    )


def forbidden(code: str, vi: str, en: str) -> DomainError:
    return DomainError(Kind.FORBIDDEN, code, vi, en)


def invalid(code: str, vi: str, en: str, **details: Any) -> DomainError:
    return DomainError(Kind.INVALID, code, vi, en, details=details or None)


def conflict(code: str, vi: str, en: str) -> DomainError:
    return DomainError(Kind.CONFLICT, code, vi, en)
