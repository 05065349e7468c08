"""Carrying annotations over to a new version of their document (issue 11 §3).

Owns the decision of where each annotation made on one version lands on another, from the
words of both versions (as the server stores them: `[[x0, y0, x1, y1, "word"], ...]` per page,
in page fractions, reading order) and nothing else: no database, no PDF.

- Text-anchored annotations (highlights, and notes attached to a passage) are found by their
  quote: an exact match first, the occurrence chosen by its prefix, suffix and position when
  the quote occurs more than once; else a fuzzy match scored on quote, prefix, suffix and
  position. Texts are compared in Unicode NFC (Vietnamese comes both composed and
  decomposed). The new rects are the new word boxes of the matched words, one per line.
- Ink, text boxes, plain notes (and highlights made without their text) move with their
  page: each page of the old version is paired with the page of the new one holding the same
  text (an order-keeping alignment of the pages, so an inserted page shifts those after it and
  a deleted page pairs with none); their coordinates stay as they were, provided the words
  around them are still where they were on the page.
- Whatever is not placed confidently comes back unplaced, with the reason (a code; its words
  in Vietnamese and English are in `REASONS`). Nothing is ever dropped: one placement per
  annotation, in the order given.

A quote is searched in the whole new text, pages joined, so a passage the new version breaks
across two pages is still found; an annotation lives on one page, so it is placed on the page
that holds most of the passage, its rects covering the words on that page only, and its
`target.position` the part on that page (its `quote.exact` stays the whole passage).
"""

from __future__ import annotations

import copy
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import Any, Literal, TypedDict

CONTEXT = 32  # characters of prefix and suffix kept in a quote selector (the contract's)
# A fuzzy match is placed when its quote is at least this close and its weighted score is at
# least SCORE_MIN (tuned by tests/test_annotation_anchoring.py on real pairs of versions).
QUOTE_MIN = 0.75
SCORE_MIN = 0.72
AMBIGUOUS = 0.03  # two distinct fuzzy matches this close in score: neither is trusted
SHORT_QUOTE = 20  # an exact match of a shorter quote needs its context to agree too
CONTEXT_MIN = 0.5
# Pages: paired when their word trigrams agree this much (Dice coefficient); an annotation
# moves with its page when the pairing is at least PAGE_MIN, or PAGE_NEAR_MIN when the words
# around it are still in place.
PAGE_PAIR_MIN = 0.2
PAGE_CANDIDATES = 5  # new pages considered for each old page, the likest first
PAGE_MIN = 0.5
PAGE_NEAR_MIN = 0.3
KEPT_MIN = 0.6  # share of the words around an annotation that must still be where they were
SPARSE_PAGE = 10  # words: a page this empty pairs by its neighbours, not its text
NEAR = 0.01  # page fraction around an annotation in which words count as "under" it
WEIGHTS = {"quote": 0.6, "prefix": 0.15, "suffix": 0.15, "position": 0.1}
MAX_OCCURRENCES = 2000
FUZZY_SEEDS = 8
COMMON_WORD = 400  # a word seen more often than this in the new text seeds no fuzzy search


class PageWords(TypedDict):
    width: float
    height: float
    words: list[list[Any]]


class Placement(TypedDict):
    id: str
    placed: bool
    page: int | None
    data: dict[str, Any] | None
    score: float
    method: Literal["exact", "fuzzy", "page"] | None
    reason: str


REASONS: dict[str, tuple[str, str]] = {
    "same_text": ("Đoạn văn bản được tìm thấy nguyên văn trong phiên bản mới.",
                  "The passage was found word for word in the new version."),
    "similar_text": ("Đoạn văn bản đã được sửa; chú thích được đặt vào đoạn gần giống nhất.",
                     "The passage was edited; the annotation was placed on the closest match."),
    "split_across_pages": (
        "Đoạn văn bản nay nằm trên hai trang; chú thích được đặt trên trang chứa phần lớn "
        "đoạn văn.",
        "The passage now runs over two pages; the annotation is on the page holding most of it."),
    "same_page": ("Trang có cùng nội dung trong phiên bản mới; chú thích đi theo trang.",
                  "The page has the same text in the new version; the annotation moved with it."),
    "text_not_found": ("Không tìm thấy đoạn văn bản đã đánh dấu trong phiên bản mới.",
                       "The marked passage is not in the new version."),
    "text_ambiguous": ("Đoạn văn bản xuất hiện ở nhiều chỗ trong phiên bản mới; không chắc "
                       "chỗ nào là đúng.",
                       "The passage appears in several places in the new version; which one "
                       "is meant is unclear."),
    "page_not_found": ("Trang chứa chú thích không còn trong phiên bản mới (đã bị xóa hoặc "
                       "sửa nhiều).",
                       "The annotation's page is not in the new version (removed or heavily "
                       "changed)."),
    "text_moved": ("Văn bản dưới chú thích đã dời chỗ trên trang trong phiên bản mới.",
                   "The text under the annotation moved on the page in the new version."),
    "no_text": ("Phiên bản mới không có văn bản đọc được để đặt chú thích.",
                "The new version has no readable text to place the annotation by."),
    "unreadable": ("Chú thích thiếu dữ liệu để đặt sang phiên bản mới.",
                   "The annotation lacks the data needed to place it on the new version."),
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC, casefolded, single spaces: how texts are compared."""
    return " ".join(nfc(text).casefold().split())


@dataclass
class Text:
    """One version's words, pages joined by a space, compared as `squash` makes them."""

    pages: list[PageWords]
    text: str = ""
    tokens: list[str] = field(default_factory=list)  # squashed, one per word, all pages
    starts: list[int] = field(default_factory=list)  # each token's offset in `text`
    word_page: list[int] = field(default_factory=list)  # each token's page (0-based)
    word_index: list[int] = field(default_factory=list)  # its index on that page
    page_first: list[int] = field(default_factory=list)  # each page's first token
    page_offset: list[int] = field(default_factory=list)  # each page's offset in `text`

    def __post_init__(self) -> None:
        parts: list[str] = []
        offset = 0
        for number, page in enumerate(self.pages):
            self.page_first.append(len(self.tokens))
            self.page_offset.append(offset)
            for index, word in enumerate(page["words"]):
                token = squash(str(word[4]))
                if not token:
                    continue
                self.tokens.append(token)
                self.starts.append(offset)
                self.word_page.append(number)
                self.word_index.append(index)
                parts.append(token)
                offset += len(token) + 1
        self.text = " ".join(parts)

    @cached_property
    def where(self) -> dict[str, list[int]]:
        """Each token's indices in the text."""
        found: dict[str, list[int]] = defaultdict(list)
        for k, token in enumerate(self.tokens):
            found[token].append(k)
        return found

    def token_at(self, offset: int) -> int:
        """The token holding (or just after) character `offset` of `text`."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def span(self, first: int, last: int) -> str:
        """The text of tokens first..last (inclusive)."""
        return self.text[self.starts[first]:self.starts[last] + len(self.tokens[last])]

    def before(self, first: int, length: int) -> str:
        start = self.starts[first]
        return self.text[max(0, start - 1 - length):max(0, start - 1)]

    def after(self, last: int, length: int) -> str:
        end = self.starts[last] + len(self.tokens[last]) + 1
        return self.text[end:end + length]


def carry_over(old: list[PageWords], new: list[PageWords],
               annotations: list[dict[str, Any]]) -> list[Placement]:
    """Where each annotation made on `old` lands on `new`, in the order given."""
    before, after = Text(old), Text(new)
    pages = pair_pages(old, new)
    placements = []
    for annotation in annotations:
        try:
            placement = _place(annotation, before, after, pages)
        except (KeyError, TypeError, ValueError, IndexError):
            placement = _unplaced(annotation, "unreadable")
        placements.append(placement)
    return placements


def _place(annotation: dict[str, Any], before: Text, after: Text,
           pages: dict[int, tuple[int, float]]) -> Placement:
    data = annotation.get("data") or {}
    page = int(annotation["page"]) - 1
    if not 0 <= page < len(before.pages):
        return _unplaced(annotation, "unreadable")
    target = data.get("target") if annotation.get("kind") in ("highlight", "note") else None
    if target:
        return _place_by_text(annotation, target, page, before, after, pages)
    # A highlight made where the tablet had no text (a confidential meeting's words come
    # without it) moves with its page, as ink does.
    return _place_by_page(annotation, page, before, after, pages)


def _unplaced(annotation: dict[str, Any], reason: str, score: float = 0.0) -> Placement:
    return Placement(id=str(annotation.get("id", "")), placed=False, page=None, data=None,
                     score=round(score, 3), method=None, reason=reason)


# --- pages -------------------------------------------------------------------------------

def _trigrams(page: PageWords) -> set[tuple[str, ...]]:
    tokens = [t for t in (squash(str(w[4])) for w in page["words"]) if t]
    if len(tokens) < 3:
        return {(t,) for t in tokens}
    return {tuple(tokens[k:k + 3]) for k in range(len(tokens) - 2)}


def pair_pages(old: list[PageWords], new: list[PageWords]) -> dict[int, tuple[int, float]]:
    """Each old page (0-based) paired with the new page holding its text, and how alike
    they are (0..1): the heaviest order-keeping chain of pairs, so pages inserted or removed
    shift the pairing and a page repeated (a form, a blank page) pairs in its order. A page
    with next to no words pairs when its neighbours both pair around the same gap."""
    grams_old = [_trigrams(p) for p in old]
    grams_new = [_trigrams(p) for p in new]
    holders: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, grams in enumerate(grams_new):
        for gram in grams:
            holders[gram].append(j)
    pairs: list[tuple[int, int, float]] = []
    for i, grams in enumerate(grams_old):
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(holders.get(gram, ()))
        alike = [(2 * count / (len(grams) + len(grams_new[j])), j)
                 for j, count in shared.items()]
        pairs += [(i, j, dice) for dice, j in sorted(alike, reverse=True)[:PAGE_CANDIDATES]
                  if dice >= PAGE_PAIR_MIN]
    chain = _heaviest_chain(pairs, len(new))
    taken = {j for j, _ in chain.values()}
    for i in range(len(old)):
        if i in chain or len(old[i]["words"]) >= SPARSE_PAGE:
            continue
        left = chain[i - 1][0] + 1 if i > 0 and i - 1 in chain else (0 if i == 0 else None)
        right = (chain[i + 1][0] - 1 if i + 1 in chain
                 else (len(new) - 1 if i == len(old) - 1 else None))
        if left is not None and left == right and left not in taken \
                and 0 <= left < len(new) and len(new[left]["words"]) < SPARSE_PAGE:
            chain[i] = (left, 1.0 if not old[i]["words"] and not new[left]["words"] else 0.8)
            taken.add(left)
    return chain


def _heaviest_chain(pairs: list[tuple[int, int, float]], width: int
                    ) -> dict[int, tuple[int, float]]:
    """The pairs (old page, new page, likeness) increasing in both pages whose likeness
    adds up most: a running maximum over new pages (a Fenwick tree), old page by old page."""
    tree: list[tuple[float, int]] = [(0.0, -1)] * (width + 1)

    def best_before(j: int) -> tuple[float, int]:  # the best chain ending on a page < j
        found, k = (0.0, -1), j
        while k > 0:
            found = max(found, tree[k])
            k -= k & -k
        return found

    def offer(j: int, value: tuple[float, int]) -> None:
        k = j + 1
        while k <= width:
            tree[k] = max(tree[k], value)
            k += k & -k

    pairs = sorted(pairs)
    total: list[float] = [0.0] * len(pairs)
    back: list[int] = [-1] * len(pairs)
    start = 0
    while start < len(pairs):
        end = start
        while end < len(pairs) and pairs[end][0] == pairs[start][0]:
            end += 1
        for k in range(start, end):  # one old page: its candidates must not chain together
            value, previous = best_before(pairs[k][1])
            total[k], back[k] = value + pairs[k][2], previous
        for k in range(start, end):
            offer(pairs[k][1], (total[k], k))
        start = end
    chain: dict[int, tuple[int, float]] = {}
    k = max(range(len(pairs)), key=total.__getitem__) if pairs else -1
    while k >= 0:
        i, j, dice = pairs[k]
        chain[i] = (j, dice)
        k = back[k]
    return chain


def _box(annotation: dict[str, Any]) -> tuple[float, float, float, float] | None:
    data = annotation["data"]
    kind = annotation["kind"]
    if kind == "ink":
        xs = [float(p[0]) for p in data["points"]]
        ys = [float(p[1]) for p in data["points"]]
        if not xs:
            return None
        return min(xs), min(ys), max(xs), max(ys)
    if kind == "text":
        x0, y0, x1, y1 = (float(v) for v in data["rect"])
        return x0, y0, x1, y1
    if kind == "highlight":
        rects = [[float(v) for v in r] for r in data["rects"]]
        if not rects:
            return None
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))
    if kind == "note":
        x, y = float(data["x"]), float(data["y"])
        return x, y, x, y
    raise ValueError(kind)


def _kept(box: tuple[float, float, float, float], old: PageWords, new: PageWords
          ) -> float | None:
    """The share of the words under `box` on the old page still at the same place on the
    new one; None when there were none."""
    x0, y0, x1, y1 = box[0] - NEAR, box[1] - NEAR, box[2] + NEAR, box[3] + NEAR
    under = [w for w in old["words"] if w[0] <= x1 and w[2] >= x0 and w[1] <= y1 and w[3] >= y0]
    if not under:
        return None
    placed: dict[str, list[list[Any]]] = defaultdict(list)
    for w in new["words"]:
        placed[squash(str(w[4]))].append(w)
    kept = 0
    for w in under:
        height = max(float(w[3]) - float(w[1]), 0.005)
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        if any(abs((v[0] + v[2]) / 2 - cx) <= 2 * height and abs((v[1] + v[3]) / 2 - cy)
               <= height / 2 for v in placed.get(squash(str(w[4])), ())):
            kept += 1
    return kept / len(under)


def _place_by_page(annotation: dict[str, Any], page: int, before: Text, after: Text,
                   pages: dict[int, tuple[int, float]]) -> Placement:
    if not after.tokens:
        return _unplaced(annotation, "no_text")
    box = _box(annotation)
    if page not in pages or box is None:
        return _unplaced(annotation, "page_not_found" if box is not None else "unreadable")
    target, alike = pages[page]
    kept = _kept(box, before.pages[page], after.pages[target])
    if kept is None:
        confident, score = alike >= PAGE_MIN, alike
    else:
        confident, score = alike >= PAGE_NEAR_MIN and kept >= KEPT_MIN, (alike + kept) / 2
    if not confident:
        return _unplaced(annotation, "text_moved" if kept is not None and kept < KEPT_MIN
                         else "page_not_found", score)
    return Placement(id=str(annotation["id"]), placed=True, page=target + 1,
                     data=copy.deepcopy(annotation["data"]), score=round(score, 3),
                     method="page", reason="same_page")


# --- text --------------------------------------------------------------------------------

@dataclass
class Match:
    first: int  # token indices in the new text, inclusive
    last: int
    quote: float
    prefix: float
    suffix: float
    position: float

    @property
    def score(self) -> float:
        return (WEIGHTS["quote"] * self.quote + WEIGHTS["prefix"] * self.prefix
                + WEIGHTS["suffix"] * self.suffix + WEIGHTS["position"] * self.position)


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _place_by_text(annotation: dict[str, Any], target: dict[str, Any], page: int,
                   before: Text, after: Text, pages: dict[int, tuple[int, float]]
                   ) -> Placement:
    quote = target.get("quote") or {}
    exact = squash(str(quote.get("exact", "")))
    if not exact:
        return _unplaced(annotation, "unreadable")
    if not after.tokens:
        return _unplaced(annotation, "no_text")
    prefix = squash(str(quote.get("prefix", "")))
    suffix = squash(str(quote.get("suffix", "")))
    expected = _expected(target, page, before, after, pages)

    def judged(first: int, last: int, similarity: float) -> Match:
        # No prefix (suffix): the passage began (ended) its page, and should still.
        starts_page = first == after.page_first[after.word_page[first]]
        ends_page = last + 1 == len(after.tokens) or after.word_page[last + 1] != \
            after.word_page[last]
        return Match(first, last, similarity,
                     _similar(prefix, after.before(first, len(prefix))[-len(prefix):])
                     if prefix else float(starts_page),
                     _similar(suffix, after.after(last, len(suffix))[:len(suffix)])
                     if suffix else float(ends_page),
                     max(0.0, 1 - abs(after.starts[first] - expected)
                         / max(3000.0, len(after.text) / 4)))

    found: list[Match] = []
    start = after.text.find(exact)
    while start >= 0 and len(found) < MAX_OCCURRENCES:
        first = after.token_at(start)
        last = after.token_at(start + len(exact) - 1)
        found.append(judged(first, last, 1.0))
        start = after.text.find(exact, start + 1)
    if found:
        best = max(found, key=lambda m: m.score)
        context = (best.prefix + best.suffix) / 2
        if len(exact) >= SHORT_QUOTE or context >= CONTEXT_MIN:
            return _placed_text(annotation, target, best, "exact", before, after, page)
    fuzzy = _fuzzy(exact, after, judged)
    if not fuzzy:
        return _unplaced(annotation, "text_not_found")
    best = fuzzy[0]
    if best.quote < QUOTE_MIN or best.score < SCORE_MIN or (
            len(exact) < SHORT_QUOTE and (best.prefix + best.suffix) / 2 < CONTEXT_MIN):
        return _unplaced(annotation, "text_not_found", best.score)
    for other in fuzzy[1:]:
        apart = other.last < best.first or other.first > best.last
        if apart and best.score - other.score < AMBIGUOUS:
            return _unplaced(annotation, "text_ambiguous", best.score)
    return _placed_text(annotation, target, best, "fuzzy", before, after, page)


def _expected(target: dict[str, Any], page: int, before: Text, after: Text,
              pages: dict[int, tuple[int, float]]) -> float:
    """Where in the new text the passage would be if nothing moved: on the paired page at
    the same share of its text, else at the same share of the whole text."""
    position = target.get("position") or {}
    old_page_text = " ".join(str(w[4]) for w in before.pages[page]["words"])
    share = float(position.get("start", 0)) / max(1, len(old_page_text))
    if page in pages:
        j = pages[page][0]
        end = after.page_offset[j + 1] if j + 1 < len(after.pages) else len(after.text)
        return after.page_offset[j] + share * (end - after.page_offset[j])
    start = before.page_offset[page] + share * (
        (before.page_offset[page + 1] if page + 1 < len(before.pages) else len(before.text))
        - before.page_offset[page])
    return start / max(1, len(before.text)) * len(after.text)


def _fuzzy(exact: str, after: Text, judged: Callable[[int, int, float], Match]
           ) -> list[Match]:
    """The best distinct approximate matches of `exact`, best first: windows seeded where
    the quote's words occur in the new text, then their ends adjusted word by word."""
    words = exact.split()
    votes: Counter[int] = Counter()
    for offset, word in enumerate(words):
        where = after.where.get(word, [])
        if len(where) > COMMON_WORD:
            continue
        for k in where:
            votes[k - offset] += 1
    size = len(words)
    spread = max(3, size // 8)
    matches: list[Match] = []
    for seed, _ in votes.most_common(FUZZY_SEEDS):
        first = min(max(0, seed), len(after.tokens) - 1)

        def ratio(a: int, b: int) -> float:
            return _similar(exact, after.span(a, b))

        last = min(first + size - 1, len(after.tokens) - 1)
        lasts = range(max(first, last - spread), min(len(after.tokens), last + spread + 1))
        last = max(lasts, key=lambda b: ratio(first, b))
        firsts = range(max(0, first - spread), min(last, first + spread) + 1)
        first = max(firsts, key=lambda a: ratio(a, last))
        lasts = range(max(first, last - spread), min(len(after.tokens), last + spread + 1))
        last = max(lasts, key=lambda b: ratio(first, b))
        matches.append(judged(first, last, ratio(first, last)))
    matches.sort(key=lambda m: m.score, reverse=True)
    distinct: list[Match] = []
    for m in matches:
        if all(m.last < d.first or m.first > d.last for d in distinct):
            distinct.append(m)
    return distinct


def _lines(boxes: list[list[Any]]) -> list[list[float]]:
    """Word boxes merged into one rect per line (words that overlap vertically, in order)."""
    rects: list[list[float]] = []
    for w in boxes:
        x0, y0, x1, y1 = (float(v) for v in w[:4])
        if rects:
            r = rects[-1]
            middle = (y0 + y1) / 2
            if r[1] <= middle <= r[3] and x0 >= r[0] - 0.001:
                r[0], r[1], r[2], r[3] = min(r[0], x0), min(r[1], y0), max(r[2], x1), max(r[3], y1)
                continue
        rects.append([x0, y0, x1, y1])
    return [[round(min(1.0, max(0.0, v)), 4) for v in r] for r in rects]


def _old_passage(target: dict[str, Any], page: PageWords) -> list[float] | None:
    """The top-left corner of the passage on the old page, from its position (checked
    against its quote), else from where the quote first occurs on that page."""
    words = page["words"]
    offsets, offset = [], 0
    for w in words:
        offsets.append(offset)
        offset += len(str(w[4])) + 1
    text = " ".join(str(w[4]) for w in words)
    exact = str((target.get("quote") or {}).get("exact", ""))
    start = (target.get("position") or {}).get("start")
    if not (isinstance(start, int) and squash(text[start:start + len(exact)]) == squash(exact)):
        start = text.find(exact)
    if start is None or start < 0 or not words:
        return None
    k = max(0, bisect_right(offsets, start) - 1)
    return [float(words[k][0]), float(words[k][1])]


def _placed_text(annotation: dict[str, Any], target: dict[str, Any], match: Match,
                 method: Literal["exact", "fuzzy"], before: Text, after: Text, page: int
                 ) -> Placement:
    on_page = Counter(after.word_page[k] for k in range(match.first, match.last + 1))
    target_page = max(sorted(on_page), key=on_page.__getitem__)
    tokens = [k for k in range(match.first, match.last + 1) if after.word_page[k] == target_page]
    words = after.pages[target_page]["words"]
    chosen = [words[after.word_index[k]] for k in tokens]
    first, last = after.word_index[tokens[0]], after.word_index[tokens[-1]]
    texts = [str(w[4]) for w in words]
    start = sum(len(t) + 1 for t in texts[:first])
    end = start + len(" ".join(texts[first:last + 1]))
    page_text = " ".join(texts)
    data = copy.deepcopy(annotation["data"])
    exact = str(target["quote"]["exact"]) if method == "exact" else " ".join(
        str(after.pages[after.word_page[k]]["words"][after.word_index[k]][4])
        for k in range(match.first, match.last + 1))
    data["target"] = {**data.get("target", {}),
                      "quote": {"exact": exact, "prefix": page_text[max(0, start - CONTEXT):start],
                                "suffix": page_text[end:end + CONTEXT]},
                      "position": {"start": start, "end": end}}
    rects = _lines(chosen)
    if annotation["kind"] == "highlight":
        data["rects"] = rects
    else:
        corner = _old_passage(target, before.pages[page])
        if corner is not None and rects:
            dx, dy = rects[0][0] - corner[0], rects[0][1] - corner[1]
            data["x"] = round(min(1.0, max(0.0, float(data["x"]) + dx)), 4)
            data["y"] = round(min(1.0, max(0.0, float(data["y"]) + dy)), 4)
    reason = ("split_across_pages" if len(on_page) > 1
              else "same_text" if method == "exact" else "similar_text")
    return Placement(id=str(annotation["id"]), placed=True, page=target_page + 1, data=data,
                     score=round(match.score, 3), method=method, reason=reason)
