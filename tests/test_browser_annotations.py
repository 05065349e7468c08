"""Pen, marker, eraser, notes and text boxes on the member's tablet (issue 11 §2), in Debian's
Chromium at the four tablet sizes bodies buy, with touch, against the real server. A pen is
simulated through the DevTools protocol (`Input.dispatchMouseEvent` with `pointerType: "pen"`
and a `force`), a finger with `Input.dispatchTouchEvent`. At each size: a finger with the
browse tool does not draw; with no pen yet, a finger draws in drawing mode, and undo and redo
take it away and back; a pen's stroke is thin where it pressed lightly and thick where it
pressed hard (measured on the drawn outline); once a pen has been used a finger never draws
(palm rejection); the eraser rubbed across a stroke leaves its two pieces, and a tap takes a
stroke whole; a sticky note and a text box hold Vietnamese text; after a reload they are
still there, a note opens for editing and moves when dragged, and a tap on a stroke while
browsing opens it to be deleted.

With the annotations API: two tablets of one member stay in step (drawn on one, shown on the
other; erased on one, gone from the other), a tablet offline keeps drawing and, back online,
sends it once (rows counted through the API); after a reload with nothing kept locally all is
there and editable; a note shared with the meeting shows on another member's tablet with its
author's name, sharing all and taking back follow; the highlighter takes whole words with
their quote and position selectors; the unplaced list shows the old version's page; the
presenter's laser pointer and ink reach the room screen and a following tablet, go with a page
turn, and kept ink comes back with its page."""

from __future__ import annotations

import json
import re
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests import document_versions as v
from tests.conftest import LiveServer, require_tool
from tests.helpers import record_quorum
from tests.test_annotation_carry import upload
from tests.test_browser import CHROMIUM, Walk, chromium, page_src
from tests.test_browser_reader import IMAGE_LOADED, device_page, gesture, present, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

# (width, height, device pixels per CSS pixel, the member holding it: one each, so that
# each tablet starts with a clean page)
TABLETS = [
    (800, 1280, 1.5, "uyvien1"),     # 10" Android tablet, portrait
    (1280, 800, 1.5, "uyvien2"),     # the same, landscape
    (810, 1080, 2, "uyvien3"),       # iPad 10.2", portrait
    (1080, 810, 2, "phochutich1"),   # iPad 10.2", landscape
]

MOUSE = "Input.dispatchMouseEvent"


def pen_stroke(cdp: Any, points: list[tuple[float, float, float]]) -> None:
    """A pen put down on the first point, moved through the rest with their force, lifted."""
    x, y, f = points[0]
    base = {"pointerType": "pen", "button": "left"}
    cdp.send(MOUSE, {**base, "type": "mousePressed", "x": x, "y": y, "force": f, "buttons": 1,
                     "clickCount": 1})
    for x, y, f in points[1:]:
        cdp.send(MOUSE, {**base, "type": "mouseMoved", "x": x, "y": y, "force": f, "buttons": 1})
    cdp.send(MOUSE, {**base, "type": "mouseReleased", "x": x, "y": y, "force": 0, "buttons": 0,
                     "clickCount": 1})


def pen_tap(cdp: Any, x: float, y: float) -> None:
    pen_stroke(cdp, [(x, y, 0.5)])


def line(a: tuple[float, float], b: tuple[float, float], steps: int,
         force: tuple[float, float] = (0.5, 0.5)) -> list[tuple[float, float, float]]:
    return [(a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps,
             force[0] + (force[1] - force[0]) * k / steps) for k in range(steps + 1)]


# The thickness of the drawn ink (in page widths) across the screen point (x, y): the SVG's
# own fill test along the vertical through it, on the outline as the browser draws it.
THICKNESS = """([x, y]) => {
  const path = [...document.querySelectorAll('[data-testid=annot-ink]')].pop();
  const svg = path.ownerSVGElement;
  const r = svg.getBoundingClientRect();
  const vb = svg.viewBox.baseVal;
  const X = (x - r.left) / r.width * vb.width;
  const Y = (y - r.top) / r.height * vb.height;
  let n = 0;
  const step = 0.05;
  for (let v = Y - 30; v <= Y + 30; v += step) if (path.isPointInFill(new DOMPoint(X, v))) n += 1;
  return n * step / vb.width;
}"""

STORED = """() => Object.entries(localStorage)
  .filter(([k]) => k.startsWith('phonghop.annotations.') && /\\.\\d+\\.\\d+$/.test(k))
  .flatMap(([, v]) => Object.values(JSON.parse(v)))"""


def ink(page: Page) -> Any:
    return page.get_by_test_id("annot-ink")


def stored(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(STORED)  # type: ignore[no-any-return]


def stored_ink(page: Page) -> list[dict[str, Any]]:
    return [a for a in stored(page) if a["kind"] == "ink"]


@pytest.mark.browser
@pytest.mark.server
def test_pen_eraser_notes_and_text_at_every_tablet_size(live_server: LiveServer,
                                                        artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as http, chromium() as browser:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(http, meeting_id)
        present(http, meeting_id, page=1)
        walk = Walk(browser, live_server, artifacts)
        for width, height, dpr, user in TABLETS:
            size = f"{width}x{height}"
            member = device_page(browser, live_server, walk, user, f"/m/{meeting_id}",
                                 width, height, dpr, True)
            expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(1))
            member.wait_for_function(IMAGE_LOADED)
            cdp = member.context.new_cdp_session(member)
            frame = member.get_by_test_id("page-frame").bounding_box()
            stage = member.get_by_test_id("viewer-stage").bounding_box()
            assert frame and stage
            # Draw within what shows of the page.
            left = frame["x"] + frame["width"] * 0.2
            right = frame["x"] + frame["width"] * 0.8
            top = max(frame["y"], stage["y"])
            bottom = min(frame["y"] + frame["height"], stage["y"] + stage["height"])

            def at(fy: float) -> float:
                return top + (bottom - top) * fy  # noqa: B023

            # The tools open in a row that fits the screen, every button a 44 px target.
            member.get_by_test_id("annotate-toggle").click()
            tools = member.get_by_test_id("annot-tools")
            expect(tools).to_be_visible()
            pen_button = member.get_by_test_id("annot-tool-pen")
            expect(pen_button).to_have_attribute("aria-pressed", "true")
            row = tools.bounding_box()
            assert row and row["width"] <= width
            buttons = member.evaluate("""() => [...document.querySelectorAll(
              '[data-testid=annot-tools] button')].map((b) => {
                const r = b.getBoundingClientRect();
                return [r.left, r.right, r.width, r.height]; })""")
            assert all(w >= 44 and h >= 44 and x0 >= 0 and x1 <= width
                       for x0, x1, w, h in buttons), (size, buttons)
            # The frame moved down under the new row: measure again.
            frame = member.get_by_test_id("page-frame").bounding_box()
            stage = member.get_by_test_id("viewer-stage").bounding_box()
            assert frame and stage
            top = max(frame["y"], stage["y"])
            bottom = min(frame["y"] + frame["height"], stage["y"] + stage["height"])
            assert member.evaluate("() => [scrollX, scrollY]") == [0, 0]

            # The hand browses: a finger drawn across the page leaves nothing.
            member.get_by_test_id("annot-tool-hand").click()
            gesture(cdp, [(left, at(0.3))], [(right, at(0.35))], steps=12)
            expect(ink(member)).to_have_count(0)

            # With no pen yet, a finger draws in drawing mode; undo and redo.
            member.get_by_test_id("annot-tool-pen").click()
            gesture(cdp, [(left, at(0.3))], [(right, at(0.35))], steps=12)
            expect(ink(member)).to_have_count(1)
            member.get_by_test_id("annot-undo").click()
            expect(ink(member)).to_have_count(0)
            member.get_by_test_id("annot-redo").click()
            expect(ink(member)).to_have_count(1)
            member.get_by_test_id("annot-undo").click()
            expect(ink(member)).to_have_count(0)
            expect(member.get_by_test_id("annot-redo")).to_be_enabled()

            # A pen pressing lightly, then harder and harder: the line thickens with it.
            y = at(0.4)
            pen_stroke(cdp, line((left, y), (right, y), 40, force=(0.1, 1.0)))
            expect(ink(member)).to_have_count(1)
            expect(member.get_by_test_id("annot-redo")).to_be_disabled()
            span = right - left
            thin = member.evaluate(THICKNESS, [left + span * 0.1, y])
            thick = member.evaluate(THICKNESS, [left + span * 0.9, y])
            assert thin > 0 and thick > 2.5 * thin, (size, thin, thick)
            pressures = [p for _, _, p in stored_ink(member)[0]["data"]["points"]]
            assert min(pressures) < 0.2 and max(pressures) > 0.9, pressures
            shot(member, artifacts, f"annotations-pen-{size}")

            # Once a pen has drawn, a finger (a palm) never draws, even with the pen in hand.
            gesture(cdp, [(left, at(0.5))], [(right, at(0.55))], steps=12)
            expect(ink(member)).to_have_count(1)

            # The eraser rubbed across the middle of the stroke leaves its two ends.
            member.get_by_test_id("annot-tool-eraser").click()
            mid = (left + right) / 2
            pen_stroke(cdp, line((mid, y - 40), (mid, y + 40), 16))
            expect(ink(member)).to_have_count(2)
            pieces = stored_ink(member)
            assert len(pieces) == 2 and all(p["kind"] == "ink" for p in pieces)
            xs = sorted((min(q[0] for q in p["data"]["points"]),
                         max(q[0] for q in p["data"]["points"])) for p in pieces)
            assert xs[0][1] < 0.5 < xs[1][0], xs  # a gap where the eraser went
            member.get_by_test_id("annot-undo").click()
            expect(ink(member)).to_have_count(1)
            member.get_by_test_id("annot-redo").click()
            expect(ink(member)).to_have_count(2)
            # A tap takes one piece whole.
            pen_tap(cdp, left + span * 0.1, y)
            expect(ink(member)).to_have_count(1)

            # A sticky note and a text box in Vietnamese.
            note_text = "Đề nghị kiểm tra lại số liệu: hệ thống đường ặ ữ đ"
            member.get_by_test_id("annot-tool-note").click()
            pen_tap(cdp, right, at(0.2))
            editor = member.get_by_test_id("annot-editor")
            expect(editor).to_be_visible()
            member.get_by_test_id("annot-editor-text").fill(note_text)
            member.get_by_test_id("annot-editor-save").click()
            expect(editor).to_be_hidden()
            expect(member.get_by_test_id("annot-note")).to_have_count(1)
            box_text = "Cần bổ sung ý kiến của Sở Tài chính (ệ ặ ữ đ)"
            member.get_by_test_id("annot-tool-text").click()
            # dragged out with the pen: the box takes the drag's width
            pen_stroke(cdp, line((left, at(0.6)), (left + span * 0.6, at(0.62)), 8))
            expect(editor).to_be_visible()
            member.get_by_test_id("annot-editor-text").fill(box_text)
            member.get_by_test_id("annot-editor-save").click()
            expect(member.get_by_test_id("annot-text")).to_have_text(box_text)
            text_box = member.get_by_test_id("annot-text").bounding_box()
            assert text_box and text_box["x"] == pytest.approx(left, abs=2)
            assert text_box["width"] == pytest.approx(span * 0.6, abs=3)
            shot(member, artifacts, f"annotations-{size}")

            # After a reload everything is still there, and can be edited and moved.
            member.reload()
            member.wait_for_function(IMAGE_LOADED)
            expect(ink(member)).to_have_count(1)
            expect(member.get_by_test_id("annot-text")).to_have_text(box_text)
            note = member.get_by_test_id("annot-note")
            expect(note).to_have_count(1)
            b = note.bounding_box()
            assert b
            member.touchscreen.tap(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
            expect(member.get_by_test_id("annot-editor-text")).to_have_value(note_text)
            member.get_by_test_id("annot-editor-text").fill(note_text + " — đã xem")
            member.get_by_test_id("annot-editor-save").click()
            expect(editor).to_be_hidden()
            notes = [a for a in stored(member) if a["kind"] == "note"]
            assert notes[0]["data"]["text"] == note_text + " — đã xem"
            cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
            gesture(cdp, [(cx, cy)], [(cx - 120, cy + 80)], steps=10)
            moved = note.bounding_box()
            assert moved and moved["x"] == pytest.approx(b["x"] - 120, abs=3), (b, moved)
            assert moved["y"] == pytest.approx(b["y"] + 80, abs=3)
            x_after = [a for a in stored(member) if a["kind"] == "note"][0]["data"]["x"]
            assert x_after < notes[0]["data"]["x"] - 0.05

            # Browsing, a tap on my stroke opens it (to share or delete); deleted, it goes.
            piece = ink(member).bounding_box()
            assert piece
            member.touchscreen.tap(piece["x"] + piece["width"] / 2,
                                   piece["y"] + piece["height"] / 2)
            expect(editor).to_have_attribute("data-kind", "ink")
            expect(member.get_by_test_id("annot-editor-text")).to_have_count(0)
            member.get_by_test_id("annot-editor-delete").click()
            expect(ink(member)).to_have_count(0)
            assert member.evaluate("() => [scrollX, scrollY]") == [0, 0]
            member.context.close()
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


# ---------------------------------------------------------------------------------------
# Phase 2: sync, sharing and the presenter (needs the annotations API).

LOST_NETWORK = ("ERR_INTERNET_DISCONNECTED", "WebSocket connection to", "net::ERR_")


def my_annotations(http: Any, document_id: int) -> list[dict[str, Any]]:
    r = http.get(f"/api/documents/{document_id}/annotations")
    assert r.status_code == 200, r.text
    return r.json()["annotations"]  # type: ignore[no-any-return]


def rows_when(http: Any, document_id: int, ready: Any) -> list[dict[str, Any]]:
    """The caller's annotations once `ready(rows)` holds (the tablet sends in the background)."""
    deadline = time.monotonic() + 15
    while True:
        rows = my_annotations(http, document_id)
        if ready(rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def open_page(browser: Any, server: LiveServer, walk: Walk, user: str, meeting_id: int,
              size: tuple[int, int, float]) -> tuple[Page, Any, Any]:
    """A tablet showing the presented page with the annotation tools open: the page, a CDP
    session for pen and touch, and the page's frame on screen."""
    from playwright.sync_api import expect

    width, height, dpr = size
    page = device_page(browser, server, walk, user, f"/m/{meeting_id}", width, height, dpr, True)
    expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
    page.wait_for_function(IMAGE_LOADED)
    page.get_by_test_id("annotate-toggle").click()
    expect(page.get_by_test_id("annot-tools")).to_be_visible()
    frame = page.get_by_test_id("page-frame").bounding_box()
    assert frame
    return page, page.context.new_cdp_session(page), frame


def page_point(frame: dict[str, float], fx: float, fy: float) -> tuple[float, float]:
    return frame["x"] + frame["width"] * fx, frame["y"] + frame["height"] * fy


@pytest.mark.browser
@pytest.mark.server
def test_one_member_two_tablets_in_step_offline_and_after_a_reload(
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
        meeting = sec.get(f"/api/meetings/{meeting_id}").json()
        document_id = meeting["items"][0]["documents"][0]["id"]
        walk = Walk(browser, live_server, artifacts)
        ipad, ipad_cdp, ipad_frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                               (810, 1080, 2))
        android, android_cdp, android_frame = open_page(browser, live_server, walk, "uyvien1",
                                                        meeting_id, (1280, 800, 1.5))

        # A stroke drawn on the iPad shows on the Android tablet, where it was drawn.
        a = page_point(ipad_frame, 0.2, 0.3)
        b = page_point(ipad_frame, 0.7, 0.32)
        pen_stroke(ipad_cdp, line(a, b, 30, force=(0.3, 0.8)))
        expect(ink(ipad)).to_have_count(1)
        expect(ink(android)).to_have_count(1)
        rows = my_annotations(mine, document_id)
        assert [r["kind"] for r in rows] == ["ink"]
        assert rows[0]["owner"]["name"] == "Hoàng Minh Tuấn"
        stroke_id = rows[0]["id"]
        assert ink(android).get_attribute("data-id") == stroke_id
        shown = ink(android).bounding_box()
        assert shown and shown["x"] == pytest.approx(
            android_frame["x"] + android_frame["width"] * 0.2, abs=android_frame["width"] * 0.01)

        # A note written on the Android tablet reaches the iPad; erased on the iPad, the
        # stroke leaves the Android tablet.
        android.get_by_test_id("annot-tool-note").click()
        pen_tap(android_cdp, *page_point(android_frame, 0.85, 0.1))
        android.get_by_test_id("annot-editor-text").fill("Hỏi lại về tiến độ đường liên xã ệ ặ ữ đ")
        android.get_by_test_id("annot-editor-save").click()
        expect(ipad.get_by_test_id("annot-note")).to_have_count(1)
        ipad.get_by_test_id("annot-tool-eraser").click()
        pen_tap(ipad_cdp, *page_point(ipad_frame, 0.45, 0.31))
        expect(ink(ipad)).to_have_count(0)
        expect(ink(android)).to_have_count(0)
        assert [r["kind"] for r in my_annotations(mine, document_id)] == ["note"]

        # Offline, the iPad keeps drawing; back online, what it drew arrives once.
        ipad.context.set_offline(True)
        ipad.get_by_test_id("annot-tool-pen").click()
        for k in range(3):
            y = 0.5 + 0.04 * k
            pen_stroke(ipad_cdp, line(page_point(ipad_frame, 0.2, y),
                                      page_point(ipad_frame, 0.6, y), 12))
        expect(ink(ipad)).to_have_count(3)
        expect(ipad.get_by_test_id("annot-waiting")).to_have_text("3 chưa gửi")
        ipad.wait_for_timeout(1500)
        assert [r["kind"] for r in my_annotations(mine, document_id)] == ["note"]
        expect(ink(android)).to_have_count(0)
        ipad.context.set_offline(False)
        expect(ink(android)).to_have_count(3)
        expect(ipad.get_by_test_id("annot-waiting")).to_have_count(0)
        expect(ipad.get_by_test_id("conn-state")).to_have_attribute("data-waiting", "0")
        ipad.wait_for_timeout(2000)  # anything sent twice would have landed by now
        kinds = sorted(r["kind"] for r in my_annotations(mine, document_id))
        assert kinds == ["ink", "ink", "ink", "note"], kinds
        expect(ink(android)).to_have_count(3)

        # After a reload (no local copy: another device's storage wiped), all is there and editable.
        android.evaluate("() => localStorage.clear()")
        android.reload()
        android.wait_for_function(IMAGE_LOADED)
        expect(ink(android)).to_have_count(3)
        note = android.get_by_test_id("annot-note")
        box = note.bounding_box()
        assert box
        android.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        android.get_by_test_id("annot-editor-text").fill("Đã hỏi: tiến độ đạt 80%")
        android.get_by_test_id("annot-editor-save").click()
        edited = "Đã hỏi: tiến độ đạt 80%"
        expect(ipad.get_by_test_id("annot-note")).to_have_attribute("title", edited)
        notes = [r for r in my_annotations(mine, document_id) if r["kind"] == "note"]
        assert notes[0]["data"]["text"] == edited and notes[0]["rev"] >= 2
        shot(android, artifacts, "annotations-synced-1280x800")
        errors = [e for e in walk.errors if not any(s in e for s in LOST_NETWORK)]
        assert errors == [], json.dumps(errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_a_shared_annotation_shows_with_its_author_and_goes_when_taken_back(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        walk = Walk(browser, live_server, artifacts)
        author, author_cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                              (810, 1080, 2))
        other, _, _ = open_page(browser, live_server, walk, "uyvien2", meeting_id, (800, 1280, 1.5))

        author.get_by_test_id("annot-tool-note").click()
        pen_tap(author_cdp, *page_point(frame, 0.8, 0.15))
        words = "Đề nghị các đồng chí xem kỹ mục này (ệ ặ ữ đ)"
        author.get_by_test_id("annot-editor-text").fill(words)
        author.get_by_test_id("annot-editor-save").click()
        author.get_by_test_id("annot-tool-pen").click()
        pen_stroke(author_cdp, line(page_point(frame, 0.2, 0.35), page_point(frame, 0.6, 0.35), 16))
        expect(ink(author)).to_have_count(1)
        author.wait_for_timeout(500)
        # Private: the other member sees nothing.
        expect(other.get_by_test_id("annot-note")).to_have_count(0)
        expect(ink(other)).to_have_count(0)

        # The note alone, shared with the meeting: it appears with the author's name.
        author.get_by_test_id("annot-tool-hand").click()
        author.get_by_test_id("annot-note").click()
        author.get_by_test_id("annot-editor-share").click()
        author.get_by_test_id("annot-share-meeting").check()
        author.get_by_test_id("annot-share-save").click()
        expect(author.get_by_test_id("annot-share")).to_be_hidden()
        expect(other.get_by_test_id("annot-note")).to_have_count(1)
        expect(ink(other)).to_have_count(0)
        label = other.get_by_test_id("annot-author-label")
        expect(label).to_have_text("Hoàng Minh Tuấn")
        other.get_by_test_id("annot-note").click()
        expect(other.get_by_test_id("annot-author")).to_have_text("Hoàng Minh Tuấn")
        expect(other.get_by_test_id("annot-editor-text")).to_have_value(words)
        expect(other.get_by_test_id("annot-editor-save")).to_have_count(0)  # not theirs to edit
        shot(other, artifacts, "annotations-shared-800x1280")
        other.get_by_test_id("annot-editor-cancel").click()

        # All of the author's annotations on the document, then taken back.
        author.get_by_test_id("annot-share-all").click()
        author.get_by_test_id("annot-share-meeting").check()
        author.get_by_test_id("annot-share-save").click()
        expect(ink(other)).to_have_count(1)
        author.get_by_test_id("annot-share-all").click()
        author.get_by_test_id("annot-share-revoke").click()
        expect(other.get_by_test_id("annot-note")).to_have_count(0)
        expect(ink(other)).to_have_count(0)
        # Still the author's, untouched.
        expect(ink(author)).to_have_count(1)
        expect(author.get_by_test_id("annot-note")).to_have_count(1)
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_the_presenters_pointer_and_ink_reach_the_room_screen_and_the_tablets(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        walk = Walk(browser, live_server, artifacts)
        screen = walk.log_in("thuky", f"/m/{meeting_id}/screen", width=1280, height=720)
        expect(screen.get_by_test_id("screen-img")).to_have_attribute("src", page_src(1))
        member, _, _ = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                 (800, 1280, 1.5))
        chair, cdp, frame = open_page(browser, live_server, walk, "chutich", meeting_id,
                                      (800, 1280, 1.5))
        # The presenter's tools join the row, which still fits the narrowest tablet.
        row = chair.evaluate("""() => [...document.querySelectorAll(
          '[data-testid=annot-tools] button')].map((b) => b.getBoundingClientRect().right)""")
        assert len(row) >= 14 and max(row) <= 800, row

        # The laser pointer: where the chair's pen is, on the room screen and the tablets.
        chair.get_by_test_id("annot-tool-laser").click()
        x, y = page_point(frame, 0.5, 0.2)  # within what shows of the page
        base = {"pointerType": "pen", "button": "left"}
        cdp.send(MOUSE, {**base, "type": "mousePressed", "x": x, "y": y, "force": 0.5, "buttons": 1,
                         "clickCount": 1})
        for k in range(1, 6):
            cdp.send(MOUSE, {**base, "type": "mouseMoved", "x": x + 10 * k, "y": y, "force": 0.5,
                             "buttons": 1})
        dot = screen.get_by_test_id("presenter-pointer")
        expect(dot).to_have_count(1)
        expect(member.get_by_test_id("presenter-pointer")).to_have_count(1)
        fx = (x + 50 - frame["x"]) / frame["width"]
        screen.wait_for_function("""(fx) => {
          const g = document.querySelector('[data-testid=presenter-pointer]');
          return g && Math.abs(Number(g.dataset.x) - fx) < 0.01; }""", arg=fx)
        img = screen.get_by_test_id("screen-img").bounding_box()
        spot = dot.locator("circle").last.bounding_box()
        assert img and spot
        cx = (spot["x"] + spot["width"] / 2 - img["x"]) / img["width"]
        cy = (spot["y"] + spot["height"] / 2 - img["y"]) / img["height"]
        assert cx == pytest.approx(fx, abs=0.01) and cy == pytest.approx(0.2, abs=0.01)
        shot(screen, artifacts, "annotations-screen-pointer")
        cdp.send(MOUSE, {**base, "type": "mouseReleased", "x": x + 50, "y": y, "buttons": 0,
                         "clickCount": 1})
        expect(dot).to_have_count(0)

        # Ink for the room: drawn on the chair's tablet, it shows on the screen and the tablets.
        chair.get_by_test_id("annot-tool-present").click()
        pen_stroke(cdp, line(page_point(frame, 0.2, 0.25), page_point(frame, 0.7, 0.3), 30))
        expect(screen.get_by_test_id("presenter-ink")).to_have_attribute("data-done", "true")
        expect(member.get_by_test_id("presenter-ink")).to_have_count(1)
        expect(ink(chair)).to_have_count(0)  # not one of the chair's own annotations
        expect(chair.get_by_test_id("presenter-ink")).to_have_count(1)
        shot(chair, artifacts, "annotations-presenter-800x1280")
        shot(screen, artifacts, "annotations-screen-ink")
        # The page turns: the ink goes (it was not kept).
        present(sec, meeting_id, page=2)
        expect(screen.get_by_test_id("screen-img")).to_have_attribute("src", page_src(2))
        expect(screen.get_by_test_id("presenter-ink")).to_have_count(0)
        expect(member.get_by_test_id("presenter-ink")).to_have_count(0)

        # Kept ink stays with its page: gone while another page shows, back with the page.
        present(sec, meeting_id, page=1)
        expect(chair.get_by_test_id("annot-tool-present")).to_be_visible()
        chair.get_by_test_id("annot-tool-present").click()
        keep = chair.get_by_test_id("annot-presenter-keep")
        keep.click()
        expect(keep).to_have_attribute("aria-pressed", "true")
        pen_stroke(cdp, line(page_point(frame, 0.3, 0.2), page_point(frame, 0.6, 0.2), 20))
        kept = screen.get_by_test_id("presenter-ink")
        expect(kept).to_have_attribute("data-done", "true")
        present(sec, meeting_id, page=2)
        expect(screen.get_by_test_id("screen-img")).to_have_attribute("src", page_src(2))
        expect(kept).to_have_count(0)
        present(sec, meeting_id, page=1)
        expect(screen.get_by_test_id("screen-img")).to_have_attribute("src", page_src(1))
        expect(kept).to_have_count(1)
        expect(member.get_by_test_id("presenter-ink")).to_have_count(1)
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_the_highlighter_snaps_to_the_words_under_it(live_server: LiveServer,
                                                     artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, \
            closing(live_server.session("uyvien1")) as mine, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        meeting = sec.get(f"/api/meetings/{meeting_id}").json()
        document_id = meeting["items"][0]["documents"][0]["id"]
        r = mine.get(f"/api/documents/{document_id}/pages/1/words")
        assert r.status_code == 200, r.text
        words = r.json()["words"]
        text = " ".join(w[4] for w in words)
        first = next(i for i, w in enumerate(words) if w[4] == "Tổng")
        last = first + 4  # "Tổng giá trị sản xuất"
        walk = Walk(browser, live_server, artifacts)
        for n, size in enumerate([(810, 1080, 2.0), (1280, 800, 1.5)], start=1):
            page, cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id, size)
            page.get_by_test_id("annot-tool-highlight").click()
            expect(page.get_by_test_id("annot-layer")).to_have_attribute("data-words", "ready")

            def centre(w: list[Any]) -> tuple[float, float]:
                return page_point(frame, (w[0] + w[2]) / 2, (w[1] + w[3]) / 2)  # noqa: B023

            # Dragged a little off the words' middles: it still takes whole words.
            (x0, y0), (x1, y1) = centre(words[first]), centre(words[last])
            pen_stroke(cdp, line((x0 - 3, y0 + 3), (x1 + 4, y1 - 2), 20))
            # (the first tablet's highlight is here too: the same member's)
            marks = page.get_by_test_id("annot-highlight")
            expect(marks).to_have_count(n)
            rows = rows_when(mine, document_id,
                             lambda rows: sum(a["kind"] == "highlight" for a in rows) >= n)  # noqa: B023
            saved = [a for a in rows if a["kind"] == "highlight"]
            assert len(saved) == n
            newest = max(saved, key=lambda a: a["created_at"])
            assert len(newest["data"]["rects"]) == 1  # one line
            target = newest["data"]["target"]
            assert target["quote"]["exact"] == "Tổng giá trị sản xuất"
            start = target["position"]["start"]
            assert text[start:target["position"]["end"]] == "Tổng giá trị sản xuất"
            assert text[:start].endswith(target["quote"]["prefix"])
            assert text[target["position"]["end"]:].startswith(target["quote"]["suffix"])
            rect = newest["data"]["rects"][0]
            assert rect[0] == pytest.approx(words[first][0], abs=1e-4)
            assert rect[2] == pytest.approx(words[last][2], abs=1e-4)
            shot(page, artifacts, f"annotations-highlight-{int(size[0])}x{int(size[1])}")
            page.context.close()
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_unplaced_annotations_are_listed_with_their_old_page(live_server: LiveServer,
                                                             artifacts: Path | None) -> None:
    """What a new version could not place (the secretary uploads a version whose pages are
    all new: the note's page is gone) is listed with the old page beside it and why, not
    drawn on the page, and can be deleted once read."""
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, \
            closing(live_server.session("uyvien1")) as mine, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        meeting = sec.get(f"/api/meetings/{meeting_id}").json()
        document_id = meeting["items"][0]["documents"][0]["id"]
        lost = {"id": "lost-note-1", "document_id": document_id, "version": 1, "page": 2,
                "kind": "note", "color": "#f9a825",
                "data": {"x": 0.5, "y": 0.5, "text": "Số liệu ở bảng 2 chưa khớp"}}
        r = mine.post("/api/annotations/changes", json={"device": "test", "changes": [
            {"key": "k-lost-1", "op": "put", "annotation": lost}]})
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
        fresh = v.pdf([v.paragraphs(6, 990 + n) for n in range(3)])
        upload(sec, f"/api/documents/{document_id}/versions", fresh, "ban-moi.pdf")
        assert [a["id"] for a in mine.get(
            f"/api/documents/{document_id}/annotations").json()["unplaced"]] == ["lost-note-1"]
        walk = Walk(browser, live_server, artifacts)
        page, _, _ = open_page(browser, live_server, walk, "uyvien1", meeting_id, (800, 1280, 1.5))
        toggle = page.get_by_test_id("annot-unplaced-toggle")
        expect(toggle).to_contain_text("1")
        expect(page.get_by_test_id("annot-note")).to_have_count(0)  # not on any page
        toggle.click()
        item = page.get_by_test_id("annot-unplaced-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("Số liệu ở bảng 2 chưa khớp")
        expect(item).to_contain_text("Bản 1, trang 2")
        reason = item.get_by_test_id("annot-unplaced-reason")
        expect(reason).to_have_attribute("data-reason", "page_not_found")
        expect(reason).to_contain_text("không còn trong phiên bản mới")
        image = item.locator("img")
        expect(image).to_have_attribute("src", re.compile(r"/pages/2\?version=1&"))
        page.wait_for_function("""() => {
          const i = document.querySelector('[data-testid=annot-unplaced-item] img');
          return i && i.complete && i.naturalWidth > 0; }""")
        shot(page, artifacts, "annotations-unplaced-800x1280")
        page.get_by_test_id("annot-unplaced-delete").click()
        expect(toggle).to_have_count(0)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            listed = mine.get(f"/api/documents/{document_id}/annotations").json()
            if not listed["unplaced"]:
                break
            time.sleep(0.1)
        assert listed == {"annotations": [], "unplaced": []}
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_two_fingers_pinch_while_a_finger_draws(live_server: LiveServer,
                                               artifacts: Path | None) -> None:
    """With no pen, a finger draws in drawing mode; a second finger makes it a pinch: the
    stroke begun is dropped and the page zooms, as it does while browsing."""
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        present(sec, meeting_id, page=1)
        walk = Walk(browser, live_server, artifacts)
        page, cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                     (810, 1080, 2.0))
        expect(page.get_by_test_id("annot-tool-pen")).to_have_attribute("aria-pressed", "true")
        x, y = page_point(frame, 0.5, 0.3)
        gesture(cdp, [(x - 100, y)], [(x + 100, y)], steps=10)
        expect(ink(page)).to_have_count(1)  # one finger draws
        low = y + 100
        gesture(cdp, [(x - 60, low), (x + 60, low)], [(x - 150, low), (x + 150, low)])
        stage = page.get_by_test_id("viewer-stage")
        assert float(stage.get_attribute("data-scale") or 0) > 1.8
        expect(ink(page)).to_have_count(1)  # the pinch drew nothing
        assert walk.errors == [], json.dumps(walk.errors, ensure_ascii=False)
