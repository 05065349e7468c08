"""Annotations carried over to a new version (issue 11 §3), on real pairs of versions: PDFs
laid out with PyMuPDF in Vietnamese, and Word files converted by LibreOffice; their words read
by the server's own extraction. Each test checks where every annotation lands: its page, and
the words under its rects (or under the stroke) as a member would read them."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from meetings.annotations.anchoring import REASONS, carry_over, pair_pages
from tests import document_versions as v
from tests.conftest import require_tool

PER_PAGE = 5


def book(seed: int, pages: int) -> list[list[str]]:
    return [v.paragraphs(PER_PAGE, seed * 100 + n) for n in range(pages)]


def one(placements: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    (found,) = [p for p in placements if p["id"] == ident]
    return found


def test_a_page_inserted_shifts_every_annotation_after_it() -> None:
    pages = book(1, 4)
    old = v.words(v.pdf(pages))
    new = v.words(v.pdf([pages[0], v.paragraphs(PER_PAGE, 999), *pages[1:]]))
    sentence = v.sentences(PER_PAGE * 3, 102)[4]  # page 3, second paragraph
    annotations = [
        v.highlight("h3", old, 3, sentence),
        v.ink_over("ink3", old, 3, sentence),
        v.ink_over("ink1", old, 1, v.sentences(3, 100)[1]),
        {"id": "box2", "kind": "text", "page": 2, "color": "#1565c0",
         "data": {"rect": [0.6, 0.02, 0.95, 0.06], "text": "Xem lại số liệu", "size": 0.018}},
        {"id": "note4", "kind": "note", "page": 4, "color": "#ff9800",
         "data": {"x": 0.95, "y": 0.05, "text": "Hỏi Sở Tài chính"}},
        # Made where the tablet had the boxes but not the text (a confidential meeting).
        {"id": "bare3", "kind": "highlight", "page": 3, "color": "#ffeb3b",
         "data": {"rects": v.highlight("x", old, 3, sentence)["data"]["rects"]}},
    ]
    placed = carry_over(old, new, annotations)
    assert [p["id"] for p in placed] == ["h3", "ink3", "ink1", "box2", "note4", "bare3"]
    assert all(p["placed"] for p in placed), placed
    h3 = one(placed, "h3")
    assert (h3["page"], h3["method"]) == (4, "exact")
    assert v.under(new[3], h3["data"]["rects"]) == sentence
    assert h3["data"]["target"]["quote"]["exact"] == sentence
    start, end = (h3["data"]["target"]["position"][k] for k in ("start", "end"))
    assert v.page_text(new[3])[start:end] == sentence
    assert [(one(placed, i)["page"], one(placed, i)["method"])
            for i in ("ink3", "ink1", "box2", "note4", "bare3")] == [
        (4, "page"), (1, "page"), (3, "page"), (5, "page"), (4, "page")]
    assert v.under(new[3], one(placed, "bare3")["data"]["rects"]) == sentence
    # Ink keeps its coordinates, and they still underline the same words.
    assert one(placed, "ink3")["data"] == annotations[1]["data"]
    assert one(placed, "note4")["data"] == annotations[4]["data"]


def test_a_deleted_page_leaves_its_annotations_unplaced_and_the_rest_shift_back() -> None:
    pages = book(2, 4)
    old = v.words(v.pdf(pages))
    new = v.words(v.pdf([pages[0], *pages[2:]]))
    gone = v.sentences(PER_PAGE * 3, 201)[7]
    kept = v.sentences(PER_PAGE * 3, 203)[2]
    annotations = [
        v.highlight("gone", old, 2, gone),
        v.ink_over("gone-ink", old, 2, gone),
        {"id": "gone-note", "kind": "note", "page": 2, "color": "#ff9800",
         "data": {"x": 0.95, "y": 0.05, "text": "Trang này bỏ?"}},
        v.highlight("kept", old, 4, kept),
        v.ink_over("kept-ink", old, 4, kept),
    ]
    placed = carry_over(old, new, annotations)
    assert len(placed) == len(annotations)  # never dropped
    for ident, reason in (("gone", "text_not_found"), ("gone-ink", "page_not_found"),
                          ("gone-note", "page_not_found")):
        p = one(placed, ident)
        assert (p["placed"], p["page"], p["data"], p["reason"]) == (False, None, None, reason)
        assert reason in REASONS
    assert (one(placed, "kept")["page"], one(placed, "kept-ink")["page"]) == (3, 3)
    assert v.under(new[2], one(placed, "kept")["data"]["rects"]) == kept


def test_an_edited_sentence_is_found_by_a_fuzzy_match_and_a_removed_one_is_not() -> None:
    pages = book(3, 3)
    said = v.sentences(PER_PAGE * 3, 301)
    edited_from = said[4]
    words = edited_from.split()
    # A figure corrected and a word inserted: the kind of edit a secretary makes.
    edited_to = " ".join([*words[:3], "khẩn", *words[3:-2], "(sửa)", words[-1]])
    removed = said[10]
    old_page = [" ".join(said[k * 3:k * 3 + 3]) for k in range(PER_PAGE)]
    new_page = [p.replace(edited_from, edited_to).replace(removed + " ", "") for p in old_page]
    assert edited_to in " ".join(new_page) and removed not in " ".join(new_page)
    old = v.words(v.pdf([pages[0], old_page, pages[2]]))
    new = v.words(v.pdf([pages[0], new_page, pages[2]]))
    untouched = said[13]
    annotations = [
        v.highlight("edited", old, 2, edited_from),
        v.highlight("removed", old, 2, removed),
        v.highlight("untouched", old, 2, untouched),
        {"id": "note", "kind": "note", "page": 2, "color": "#ff9800",
         "data": {"x": 0.9, "y": 0.3, "text": "Số liệu này?",
                  "target": v.target(old[1], edited_from)}},
    ]
    placed = carry_over(old, new, annotations)
    edited = one(placed, "edited")
    assert (edited["placed"], edited["page"], edited["method"]) == (True, 2, "fuzzy")
    assert v.under(new[1], edited["data"]["rects"]) == edited_to
    assert edited["data"]["target"]["quote"]["exact"] == edited_to
    assert 0.72 <= edited["score"] < 1
    gone = one(placed, "removed")
    assert (gone["placed"], gone["reason"]) == (False, "text_not_found")
    assert one(placed, "untouched")["method"] == "exact"
    assert v.under(new[1], one(placed, "untouched")["data"]["rects"]) == untouched
    note = one(placed, "note")
    assert (note["placed"], note["page"], note["method"]) == (True, 2, "fuzzy")
    assert note["data"]["text"] == "Số liệu này?"
    # The note follows its passage: it keeps its distance to the passage's first word.
    old_first = v.passage_words(old[1], *(annotations[3]["data"]["target"]["position"][k]
                                          for k in ("start", "end")))[0]
    new_start = note["data"]["target"]["position"]["start"]
    new_first = v.passage_words(new[1], new_start, new_start + 1)[0]
    assert note["data"]["y"] == pytest.approx(0.3 + new_first[1] - old_first[1], abs=1e-3)


def test_a_repeated_passage_is_told_apart_by_its_prefix_suffix_and_position() -> None:
    same = "Ý kiến của các đại biểu được tổng hợp vào biên bản."
    page1 = [f"Về dự án thứ nhất: {same} Kết luận: đồng ý.",
             f"Về dự án thứ hai: {same} Kết luận: chưa đồng ý.",
             f"Về dự án thứ ba: {same} Kết luận: hoãn."]
    old = v.words(v.pdf([page1]))
    # A paragraph inserted at the top: every occurrence moves down.
    new = v.words(v.pdf([["Bổ sung: dự án mới được trình tại phiên họp.", *page1]]))
    second = v.highlight("second", old, 1, same, occurrence=1)
    (placed,) = carry_over(old, new, [second])
    assert (placed["placed"], placed["method"]) == (True, "exact")
    rects = placed["data"]["rects"]
    text = v.page_text(new[0])
    start = placed["data"]["target"]["position"]["start"]
    assert text[:start].count(same) == 1  # the second occurrence, not the first or third
    assert v.under(new[0], rects) == same
    assert rects[0][1] > second["data"]["rects"][0][1]  # it moved down with its text


def test_a_quote_in_decomposed_unicode_still_matches_exactly() -> None:
    pages = book(4, 2)
    old = v.words(v.pdf(pages))
    sentence = v.sentences(PER_PAGE * 3, 401)[3]
    made = v.highlight("nfd", old, 2, sentence)
    quote = made["data"]["target"]["quote"]
    for key in ("exact", "prefix", "suffix"):
        quote[key] = unicodedata.normalize("NFD", quote[key])
    assert quote["exact"] != sentence
    (placed,) = carry_over(old, old, [made])
    assert (placed["placed"], placed["page"], placed["method"]) == (True, 2, "exact")
    assert v.under(old[1], placed["data"]["rects"]) == sentence


def test_a_short_quote_found_only_in_another_context_is_not_placed() -> None:
    old = v.words(v.pdf([["Điều 5. Tăng cường kiểm tra hồ sơ dự án trên địa bàn tỉnh."]]))
    new = v.words(v.pdf([["Phụ lục: Điều 5 của Quyết định được bãi bỏ hoàn toàn."]]))
    (placed,) = carry_over(old, new, [v.highlight("short", old, 1, "Điều 5.")])
    assert (placed["placed"], placed["reason"]) == (False, "text_not_found")


def test_unreadable_annotations_come_back_unplaced_not_dropped() -> None:
    pages = v.words(v.pdf(book(5, 1)))
    broken = [{"id": "a", "kind": "ink", "page": 7, "data": {"points": []}},
              {"id": "b", "kind": "highlight", "page": 1, "data": {}},
              {"id": "c", "kind": "text", "page": 1, "data": {"rect": "x"}}]
    placed = carry_over(pages, pages, broken)
    assert [(p["id"], p["placed"], p["reason"]) for p in placed] == [
        ("a", False, "unreadable"), ("b", False, "unreadable"), ("c", False, "unreadable")]


def test_a_word_file_reflowed_by_libreoffice_moves_text_to_the_next_page() -> None:
    require_tool("soffice")
    texts = v.paragraphs(30, 7)
    old_pdf = v.converted(v.docx(texts))
    # Four paragraphs added near the top: everything after them flows down a good part of a
    # page, so passages near the bottom of a page move onto the next one.
    new_pdf = v.converted(v.docx([texts[0], *v.paragraphs(4, 8), *texts[1:]]))
    old, new = v.words(old_pdf), v.words(new_pdf)
    assert len(old) >= 2
    said = [s if s.endswith(".") else s + "." for t in texts for s in t.split(". ")]
    moved = [s for s in said if s in v.page_text(old[0]) and s in v.page_text(new[1])]
    assert moved, "no sentence went from page 1 to page 2"
    sentence = moved[len(moved) // 2]
    early = said[1]  # before the insertion: stays on page 1, in place
    late = [s for s in said if s in v.page_text(old[-1])
            and any(s in v.page_text(page) for page in new)][-1]
    annotations = [
        v.highlight("moved", old, 1, sentence),
        v.ink_over("moved-ink", old, 1, sentence),
        v.highlight("early", old, 1, early),
        v.ink_over("early-ink", old, 1, early),
        v.highlight("late", old, v.find_page(old, late), late),
    ]
    placed = carry_over(old, new, annotations)
    moved = one(placed, "moved")
    assert (moved["placed"], moved["page"], moved["method"]) == (True, 2, "exact")
    assert v.under(new[1], moved["data"]["rects"]) == sentence
    # The stroke under that sentence would now underline other words: not placed.
    ink = one(placed, "moved-ink")
    assert (ink["placed"], ink["reason"]) == (False, "text_moved")
    assert one(placed, "early")["page"] == 1
    assert v.under(new[0], one(placed, "early")["data"]["rects"]) == early
    early_ink = one(placed, "early-ink")
    assert (early_ink["placed"], early_ink["page"]) == (True, 1)
    late_placed = one(placed, "late")
    assert late_placed["page"] == v.find_page(new, late)
    assert v.under(new[late_placed["page"] - 1], late_placed["data"]["rects"]) == late


def test_pages_pair_in_order_even_when_one_is_blank() -> None:
    pages = book(6, 3)
    old = v.words(v.pdf([pages[0], [], pages[1], pages[2]]))
    new = v.words(v.pdf([v.paragraphs(PER_PAGE, 650), pages[0], [], pages[1], pages[2]]))
    pairs = pair_pages(old, new)
    assert {i: j for i, (j, _) in pairs.items()} == {0: 1, 1: 2, 2: 3, 3: 4}
    ink = {"id": "blank", "kind": "ink", "page": 2, "color": "#000000",
           "data": {"points": [[0.3, 0.3, 0.5], [0.6, 0.4, 0.5]], "width": 0.004,
                    "tool": "pen"}}
    (placed,) = carry_over(old, new, [ink])
    assert (placed["placed"], placed["page"]) == (True, 3)


def test_a_passage_broken_across_two_pages_lands_on_the_page_holding_most_of_it() -> None:
    said = v.sentences(6, 77)
    old = v.words(v.pdf([[" ".join(said)]]))
    words = said[3].split()
    cut = len(words) // 3  # a third at the bottom of page 1, two thirds on page 2
    new = v.words(v.pdf([[" ".join([*said[:3], *words[:cut]])],
                         [" ".join([*words[cut:], *said[4:]])]]))
    (placed,) = carry_over(old, new, [v.highlight("split", old, 1, said[3])])
    assert (placed["placed"], placed["page"], placed["method"]) == (True, 2, "exact")
    assert placed["reason"] == "split_across_pages"
    assert v.under(new[1], placed["data"]["rects"]) == " ".join(words[cut:])
    assert placed["data"]["target"]["quote"]["exact"] == said[3]


def test_a_new_version_without_readable_text_places_nothing_and_loses_nothing() -> None:
    pages = book(8, 2)
    old = v.words(v.pdf(pages))
    scanned = [{"width": 595.0, "height": 842.0, "words": []} for _ in range(2)]
    sentence = v.sentences(PER_PAGE * 3, 800)[1]
    annotations = [v.highlight("h", old, 1, sentence), v.ink_over("i", old, 1, sentence)]
    placed = carry_over(old, scanned, annotations)
    assert [(p["id"], p["placed"], p["reason"]) for p in placed] == [
        ("h", False, "no_text"), ("i", False, "no_text")]
