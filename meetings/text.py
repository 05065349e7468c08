"""Text folding for search: Vietnamese with or without diacritics finds the same thing."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """'Báo cáo ĐẦU tư' -> 'bao cao dau tu'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())
