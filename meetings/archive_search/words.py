"""Words for the archive's index: one tokeniser for what is indexed, what is asked and the
snippets shown, so a hit found by the engine is the word marked in the original text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from meetings.text import fold

# Letters and digits; anything else (spaces, punctuation, "/", "-", "_") separates words,
# as it does for FTS5's unicode61 tokeniser and PostgreSQL's parser on the folded text.
WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12


def clean(text: str) -> str:
    """The original text as stored and shown: composed (NFC), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def folded_words(text: str) -> str:
    """'Biên bản số 05/BB-UBND' -> 'bien ban so 05 bb ubnd' (what the engines index)."""
    return " ".join(fold(m.group()) for m in WORD.finditer(clean(text)))


# The index also holds a token per passage naming the meeting's body, so that it narrows a
# search to the bodies asked for (or that an archivist may read) by itself; a query's words
# never include such a token.
FACET = "zzbody"


def body_facet(body_id: int) -> str:
    return f"{FACET}{body_id}"


def terms(query: str) -> list[str]:
    """The distinct folded words of a query, in order, at most MAX_TERMS."""
    out: list[str] = []
    for m in WORD.finditer(clean(query)):
        word = fold(m.group())
        if word and word not in out and not word.startswith(FACET):
            out.append(word)
    return out[:MAX_TERMS]


def _fold_char(c: str) -> str:
    folded = fold(c)
    return folded if len(folded) == 1 else c.lower()


# Latin letters with their diacritics (Vietnamese lives in U+0000-024F and U+1E00-1EFF),
# folded one character to one character; str.translate applies it at C speed.
_FOLD_TABLE = {code: _fold_char(chr(code))
               for block in (range(0x41, 0x5B), range(0xC0, 0x250), range(0x300, 0x370),
                             range(0x1E00, 0x1F00))
               for code in block if _fold_char(chr(code)) != chr(code)}


def fold_aligned(text: str) -> str:
    """`fold` character by character, keeping the length, so that a word's span in the
    folded text is its span in the original (for marking hits)."""
    return text.translate(_FOLD_TABLE)


def exact_words(query: str) -> set[str]:
    """The query's words as typed (lower case, diacritics kept), for preferring the passages
    that have them exactly: folded, "kè đá hộc" also matches "kế đã học"."""
    return {m.group().lower() for m in WORD.finditer(clean(query))}


def exact_count(text: str, wanted: list[str]) -> int:
    """How many of the wanted words (as typed, lower case) the text holds exactly, as whole
    words."""
    lowered = text.lower()
    return sum(1 for w in wanted if _has_word(lowered, w))


def _has_word(text: str, word: str) -> bool:
    # str.find runs at C speed; a regular expression with look-arounds steps through the
    # page character by character (200 pages a query)
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        # (`WORD`'s letters, [^\W_], are exactly what str.isalnum says)
        if ((at == 0 or not text[at - 1].isalnum())
                and (end == len(text) or not text[end].isalnum())):
            return True
        at = text.find(word, at + 1)
    return False


def _densest(folded: str, hits: list[tuple[int, int]], width: int) -> int:
    """The first hit after which the most distinct words follow within `width` characters
    (one pass with a sliding window: a page may hold a common word a hundred times)."""
    best, best_count = 0, 0
    inside: dict[str, int] = {}  # word -> hits of it in the window
    end = 0
    for i, (s, _e) in enumerate(hits):
        while end < len(hits) and hits[end][0] < s + width:
            word = folded[hits[end][0]:hits[end][1]]
            inside[word] = inside.get(word, 0) + 1
            end += 1
        if len(inside) > best_count:
            best, best_count = i, len(inside)
        word = folded[s:_e]
        inside[word] -= 1
        if not inside[word]:
            del inside[word]
    return best


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool


def snippet(text: str, wanted: list[str], width: int = 160) -> list[Segment]:
    """About `width` characters of `text` around the densest run of the wanted words, with
    the original diacritics, the hits marked; an ellipsis where text was cut."""
    if not text:
        return []
    folded = fold_aligned(text)
    hits: list[tuple[int, int]] = []
    if wanted:
        alternatives = "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
        hits = [m.span() for m in re.finditer(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])",
                                              folded)]
    start = 0
    if hits:
        start = max(0, hits[_densest(folded, hits, width)][0] - width // 4)
        if start > 0:  # begin on a word
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out: list[Segment] = [Segment("… ", False)] if start > 0 else []
    cursor = start
    for s, e in hits:
        if s < start or e > end:
            continue
        if s > cursor:
            out.append(Segment(text[cursor:s], False))
        out.append(Segment(text[s:e], True))
        cursor = e
    if end > cursor:
        out.append(Segment(text[cursor:end], False))
    if end < len(text):
        out.append(Segment(" …", False))
    return out
