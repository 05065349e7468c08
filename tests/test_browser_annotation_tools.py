"""The member's annotation tools finished (issue 11 §1–§2), in Debian's Chromium with real
touch against the real server: a text box resized by its corner handle with a finger (the
server's rectangle follows, undo puts it back); the eraser rubbed across the middle of a
stroke splits it on screen while the finger is still down, and on lifting the server holds
the two pieces and not the original, which one undo brings back; on a 390×844 phone, upright
and on its side, the tools and their palette fit the screen, the editor's buttons can be
reached, and a finger draws a stroke, places a note and a
text box, all saved on the server."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, require_tool
from tests.helpers import record_quorum
from tests.test_browser import CHROMIUM, Walk, chromium
from tests.test_browser_annotations import ink, my_annotations, open_page, page_point, rows_when
from tests.test_browser_reader import gesture, present, shot, touches


def ids(rows: list[dict[str, Any]], kind: str) -> set[str]:
    return {r["id"] for r in rows if r["kind"] == kind}


def tap(page: Any, test_id: str) -> None:
    """A finger on the middle of the element, where it is on screen (no scrolling to it)."""
    b = page.get_by_test_id(test_id).bounding_box()
    assert b
    page.touchscreen.tap(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)


def document_of(http: Any, meeting_id: int) -> int:
    meeting = http.get(f"/api/meetings/{meeting_id}").json()
    return int(meeting["items"][0]["documents"][0]["id"])


@pytest.mark.browser
@pytest.mark.server
def test_text_box_resized_by_its_handle_and_the_eraser_splits_live(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, \
            closing(live_server.session("uyvien1")) as mine, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        document_id = document_of(sec, meeting_id)
        walk = Walk(browser, live_server, artifacts)
        page, cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                     (810, 1080, 2.0))
        layer = page.get_by_test_id("annot-layer")

        # A finger draws a stroke across the page (no pen on this tablet).
        expect(page.get_by_test_id("annot-tool-pen")).to_have_attribute("aria-pressed", "true")
        gesture(cdp, [page_point(frame, 0.2, 0.3)], [page_point(frame, 0.8, 0.3)], steps=16)
        expect(ink(page)).to_have_count(1)
        rows = rows_when(mine, document_id, lambda rows: len(ids(rows, "ink")) == 1)
        (original,) = ids(rows, "ink")
        expect(layer).to_have_attribute("data-strokes", "1")

        # The eraser down across its middle: split on screen before the finger lifts.
        page.get_by_test_id("annot-tool-eraser").click()
        touches(cdp, "touchStart", [page_point(frame, 0.5, 0.25)])
        for k in range(1, 11):
            touches(cdp, "touchMove", [page_point(frame, 0.5, 0.25 + 0.01 * k)])
        expect(layer).to_have_attribute("data-rubbing", "true")
        expect(layer).to_have_attribute("data-strokes", "2")
        expect(ink(page)).to_have_count(2)
        pieces = page.evaluate("""() => [...document.querySelectorAll('[data-testid=annot-ink]')]
          .map((p) => { const r = p.getBoundingClientRect(); return [r.left, r.right]; })
          .sort((a, b) => a[0] - b[0])""")
        mid = page_point(frame, 0.5, 0.3)[0]
        assert pieces[0][1] < mid < pieces[1][0], (pieces, mid)  # the gap is under the eraser
        shot(page, artifacts, "annotations-erasing-810x1080")
        assert ids(my_annotations(mine, document_id), "ink") == {original}  # nothing sent yet
        touches(cdp, "touchEnd", [])
        expect(layer).to_have_attribute("data-rubbing", "false")
        expect(ink(page)).to_have_count(2)
        rows = rows_when(mine, document_id,
                         lambda rows: len(ids(rows, "ink") - {original}) == 2)
        split = [r for r in rows if r["kind"] == "ink"]
        assert len(split) == 2 and original not in ids(rows, "ink"), rows
        spans = sorted((min(q[0] for q in r["data"]["points"]),
                        max(q[0] for q in r["data"]["points"])) for r in split)
        assert spans[0][1] < 0.5 < spans[1][0], spans
        # One undo: the original whole again, here and on the server.
        page.get_by_test_id("annot-undo").click()
        expect(ink(page)).to_have_count(1)
        expect(ink(page)).to_have_attribute("data-id", original)
        rows = rows_when(mine, document_id, lambda rows: ids(rows, "ink") == {original})
        assert ids(rows, "ink") == {original}

        # A text box placed with a finger, then made wider and taller by its corner handle.
        page.get_by_test_id("annot-tool-text").click()
        gesture(cdp, [page_point(frame, 0.2, 0.45)], [page_point(frame, 0.2, 0.45)], steps=1)
        page.get_by_test_id("annot-editor-text").fill("Đề nghị làm rõ nguồn vốn (ệ ặ ữ đ)")
        page.get_by_test_id("annot-editor-save").click()
        box = page.get_by_test_id("annot-text")
        expect(box).to_have_count(1)
        rows = rows_when(mine, document_id, lambda rows: len(ids(rows, "text")) == 1)
        (text,) = [r for r in rows if r["kind"] == "text"]
        before = text["data"]["rect"]
        handle = page.locator(
            f"[data-testid=annot-text-handle][data-corner=se][data-id='{text['id']}']")
        h = handle.bounding_box()
        assert h and h["width"] >= 44 and h["height"] >= 44, h
        shown = box.bounding_box()
        assert shown
        cx, cy = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
        assert cx == pytest.approx(shown["x"] + shown["width"], abs=2)
        dx, dy = frame["width"] * 0.1, frame["height"] * 0.05
        gesture(cdp, [(cx, cy)], [(cx + dx, cy + dy)], steps=10)
        grown = box.bounding_box()
        assert grown and grown["width"] == pytest.approx(shown["width"] + dx, abs=3), (shown, grown)
        assert grown["x"] == pytest.approx(shown["x"], abs=1)
        rows = rows_when(mine, document_id, lambda rows: any(
            r["kind"] == "text" and r["data"]["rect"] != before for r in rows))
        after = next(r for r in rows if r["kind"] == "text")["data"]["rect"]
        assert after[:2] == pytest.approx(before[:2], abs=1e-4)
        assert after[2] == pytest.approx(before[2] + 0.1, abs=0.006), (before, after)
        assert after[3] == pytest.approx(before[3] + 0.05, abs=0.006), (before, after)
        shot(page, artifacts, "annotations-text-resized-810x1080")
        # One undo: the box as it was, here and on the server.
        page.get_by_test_id("annot-undo").click()
        restored = rows_when(mine, document_id, lambda rows: any(
            r["kind"] == "text" and r["data"]["rect"] == before for r in rows))
        assert next(r for r in restored if r["kind"] == "text")["data"]["rect"] == before
        back = box.bounding_box()
        assert back and back["width"] == pytest.approx(shown["width"], abs=1)
        # Dragged by its middle, it moves whole: one change, the same size.
        mx, my = back["x"] + back["width"] / 2, back["y"] + back["height"] / 2
        gesture(cdp, [(mx, my)], [(mx - frame["width"] * 0.1, my + frame["height"] * 0.05)],
                steps=10)
        rows = rows_when(mine, document_id, lambda rows: any(
            r["kind"] == "text" and r["data"]["rect"][0] < before[0] - 0.05 for r in rows))
        moved = next(r for r in rows if r["kind"] == "text")["data"]["rect"]
        assert moved[0] == pytest.approx(before[0] - 0.1, abs=0.006), (before, moved)
        assert moved[1] == pytest.approx(before[1] + 0.05, abs=0.006), (before, moved)
        assert moved[2] - moved[0] == pytest.approx(before[2] - before[0], abs=1e-4)
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


# Whether a person can reach the element: what is under its middle on screen is it.
REACHABLE = """(el) => { const r = el.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.bottom <= innerHeight && r.right <= innerWidth && el.contains(top); }"""

PHONE_BUTTONS = """() => [...document.querySelectorAll('[data-testid=annot-tools] button')]
  .map((b) => { const r = b.getBoundingClientRect();
    return [r.left, r.right, r.width, r.height]; })"""


@pytest.mark.browser
@pytest.mark.server
def test_the_tools_on_a_phone_upright_and_on_its_side(live_server: LiveServer,
                                                      artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, \
            closing(live_server.session("uyvien2")) as mine, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        document_id = document_of(sec, meeting_id)
        walk = Walk(browser, live_server, artifacts)
        for n, (width, height) in enumerate([(390, 844), (844, 390)], start=1):
            size = f"{width}x{height}"
            page, cdp, _ = open_page(browser, live_server, walk, "uyvien2", meeting_id,
                                     (width, height, 3.0))
            # Every tool reachable: on the screen, a 44 px target, nothing to scroll sideways.
            buttons = page.evaluate(PHONE_BUTTONS)
            assert len(buttons) >= 11, buttons
            assert all(w >= 44 and h >= 44 and x0 >= 0 and x1 <= width
                       for x0, x1, w, h in buttons), (size, buttons)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            frame = page.get_by_test_id("page-frame").bounding_box()
            stage = page.get_by_test_id("viewer-stage").bounding_box()
            assert frame and stage
            top = max(frame["y"], stage["y"])
            bottom = min(frame["y"] + frame["height"], stage["y"] + stage["height"])
            left, right = frame["x"] + frame["width"] * 0.15, frame["x"] + frame["width"] * 0.85

            def at(fy: float) -> float:
                return top + (bottom - top) * fy  # noqa: B023

            # The palette of colours and widths opens on the screen too.
            tap(page, "annot-style")
            palette = page.get_by_test_id("annot-palette")
            expect(palette).to_be_visible()
            p = palette.bounding_box()
            assert p and p["x"] >= 0 and p["x"] + p["width"] <= width, (size, p)
            assert page.get_by_test_id("annot-width-2").evaluate(REACHABLE), size
            shot(page, artifacts, f"annotations-phone-palette-{size}")
            tap(page, "annot-style")
            expect(palette).to_be_hidden()
            # A finger draws in drawing mode.
            gesture(cdp, [(left, at(0.3))], [(right, at(0.35))], steps=12)
            expect(ink(page)).to_have_count(n)
            # A sticky note: the editor fits the screen.
            page.get_by_test_id("annot-tool-note").click()
            gesture(cdp, [(right, at(0.15))], [(right, at(0.15))], steps=1)
            editor = page.get_by_test_id("annot-editor")
            expect(editor).to_be_visible()
            e = editor.bounding_box()
            assert e and e["x"] >= 0 and e["x"] + e["width"] <= width and e["y"] >= 0, e
            for part in ("annot-editor-text", "annot-editor-save", "annot-editor-cancel"):
                assert page.get_by_test_id(part).evaluate(REACHABLE), (size, part)
            shot(page, artifacts, f"annotations-phone-note-{size}")
            page.get_by_test_id("annot-editor-text").fill(f"Hỏi thêm về kinh phí ({n}) ệ ặ ữ đ")
            tap(page, "annot-editor-save")
            expect(editor).to_be_hidden()
            # A text box.
            page.get_by_test_id("annot-tool-text").click()
            gesture(cdp, [(left, at(0.6))], [(left, at(0.6))], steps=1)
            expect(editor).to_be_visible()
            page.get_by_test_id("annot-editor-text").fill(f"Cần số liệu năm 2025 ({n})")
            tap(page, "annot-editor-save")
            expect(page.get_by_test_id("annot-text")).to_have_count(n)
            rows = rows_when(mine, document_id, lambda rows: all(  # noqa: B023
                len(ids(rows, k)) == n for k in ("ink", "note", "text")))  # noqa: B023
            assert sorted(r["kind"] for r in rows) == sorted(["ink", "note", "text"] * n), rows
            assert any(r["data"].get("text") == f"Hỏi thêm về kinh phí ({n}) ệ ặ ữ đ" for r in rows)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            shot(page, artifacts, f"annotations-phone-{size}")
            page.context.close()
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)
