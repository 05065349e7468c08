"""The member's reader (issue 11 §1) in Debian's Chromium with device emulation, against the
real server, at the sizes bodies buy: Android tablets (800×1280, 1280×800), the iPad 10.2"
(810×1080 and 1080×810, two device pixels per CSS pixel), a 1024×768 laptop and a 390×844
phone. At each: the page image covers most of the screen, nothing scrolls the window or
hides the header when the secretary turns pages, the image is asked for at the device's real
pixel width, every toolbar button is a 44 px target; on the phone a vote rises from the
bottom with its buttons in reach; the chair's console opens as a sheet. On the iPad: the
agenda and the notes open as drawers and close; a vote the secretary opens comes to the
front by itself and goes away once cast, or when closed after showing its result for a
moment; pinch, double tap and the buttons zoom, and the sharper image is asked for; two
fingers pan; a swipe turns the page only while browsing; fit page shows the whole page; the
thumbnail strip hides."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from meetings.demo.seed import DEMO_PASSWORD
from meetings.documents.pages import WIDTH_STEPS
from tests.conftest import LiveServer, require_tool
from tests.helpers import record_quorum
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium, page_src

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# (width, height, device pixels per CSS pixel, a phone or tablet browser)
SIZES = [
    (800, 1280, 1.5, True),   # 10" Android tablet, portrait
    (1280, 800, 1.5, True),   # the same, landscape
    (810, 1080, 2, True),     # iPad 10.2", portrait
    (1080, 810, 2, True),     # iPad 10.2", landscape
    (1024, 768, 1, False),    # a laptop
    (390, 844, 3, True),      # a phone
]

# What the member sees, measured in the page: how much of the viewport the page image covers,
# the window's scroll, where the header is, the image's width on screen and the one asked for.
MEASURE = """() => {
  const img = document.querySelector('[data-testid=viewer-img]');
  const head = document.querySelector('.app-header').getBoundingClientRect();
  const r = img.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  const stage = document.querySelector('[data-testid=viewer-stage]');
  return {
    cover: (w * h) / (innerWidth * innerHeight),
    scrollY: window.scrollY, scrollX: window.scrollX,
    docHeight: document.documentElement.scrollHeight,
    docWidth: document.documentElement.scrollWidth,
    viewport: [innerWidth, innerHeight], dpr: devicePixelRatio,
    header: [head.top, head.bottom],
    shownWidth: r.width, scale: Number(stage.dataset.scale),
    asked: Number(new URL(img.src).searchParams.get('w')),
    natural: img.naturalWidth, complete: img.complete,
  };
}"""

IMAGE_LOADED = """() => { const i = document.querySelector('[data-testid=viewer-img]');
  return i && i.complete && i.naturalWidth > 0; }"""

# Every visible button of the toolbar and the pager: its size on screen.
TARGETS = """() => [...document.querySelectorAll('.viewer-bar button, .pager button')]
  .filter((b) => b.offsetParent !== null)
  .map((b) => { const r = b.getBoundingClientRect();
    return { id: b.dataset.testid || b.className, w: r.width, h: r.height }; })"""


def snap(px: float) -> int:
    return next((w for w in WIDTH_STEPS if w >= px), WIDTH_STEPS[-1])


def device_page(browser: Browser, server: LiveServer, walk: Walk, username: str, path: str,
                width: int, height: int, dpr: float, mobile: bool) -> Page:
    """A logged-in page in a context emulating the device (touch, size, pixel ratio)."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=dpr, has_touch=True, is_mobile=mobile)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        r = http.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        context.add_cookies([{"name": c.name, "value": c.value or "", "url": server.url}
                             for c in http.cookies.jar])
    page = walk.watch(context.new_page(), f"{username}@{width}x{height}")
    page.goto(f"{server.url}{path}")
    return page


def present(http: httpx.Client, meeting_id: int, **what: Any) -> None:
    r = http.post(f"/api/meetings/{meeting_id}/present", json=what)
    assert r.status_code == 200, r.text


def shot(page: Page, artifacts: Path | None, name: str) -> None:
    if artifacts is not None:
        page.screenshot(path=str(artifacts / f"{name}.png"), animations="disabled")


def asked_width(page: Page) -> int:
    src = page.get_by_test_id("viewer-img").get_attribute("src") or ""
    return int(re.search(r"[?&]w=(\d+)", src).group(1))  # type: ignore[union-attr]


@pytest.mark.browser
@pytest.mark.server
def test_the_page_takes_the_screen_at_every_size(live_server: LiveServer,
                                                  artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(http, meeting_id)
        meeting = http.get(f"/api/meetings/{meeting_id}").json()
        pages = meeting["items"][0]["documents"][0]["page_count"]
        assert pages >= 3
        with chromium() as browser:
            walk = Walk(browser, live_server, artifacts)
            for width, height, dpr, mobile in SIZES:
                present(http, meeting_id, page=1)
                member = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                                     width, height, dpr, mobile)
                expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
                image = member.get_by_test_id("viewer-img")
                expect(image).to_have_attribute("src", page_src(1))
                member.wait_for_function(IMAGE_LOADED)
                size = f"{width}x{height}"

                # The secretary turns pages; the member's tablet follows without moving.
                for n in (2, 3):
                    present(http, meeting_id, page=n)
                    expect(image).to_have_attribute("src", page_src(n))
                member.wait_for_function(IMAGE_LOADED)
                m = member.evaluate(MEASURE)
                shot(member, artifacts, f"reader-{size}")
                assert m["viewport"] == [width, height] and m["dpr"] == dpr
                assert m["scrollY"] == 0 and m["scrollX"] == 0, (size, m)
                assert m["docHeight"] <= height and m["docWidth"] <= width, (size, m)
                assert m["header"][0] == 0 and m["header"][1] > 30, (size, m)
                expect(member.get_by_test_id("page-title")).to_be_in_viewport()
                assert m["cover"] >= 0.6, (size, m)

                # The image is asked for at the device's pixels for its width on screen.
                assert m["scale"] == 1
                assert m["asked"] == snap(m["shownWidth"] * dpr), (size, m)
                assert m["natural"] >= m["shownWidth"] * dpr - 1, (size, m)

                targets = member.evaluate(TARGETS)
                assert {t["id"] for t in targets} >= {"agenda-toggle", "page-next", "tool-notes"}
                small = [t for t in targets if t["w"] < 44 or t["h"] < 44]
                assert small == [], (size, small)

                # Vietnamese reads whole on the toolbar and the page number.
                expect(member.get_by_test_id("page-number")).to_have_text(f"Trang 3/{pages}")

                if not mobile:
                    # A laptop's wheel (or trackpad) moves a page taller than the stage.
                    frame = member.get_by_test_id("page-frame")
                    top = frame.bounding_box()
                    member.mouse.move(width / 2, height / 2)
                    member.mouse.wheel(0, 150)
                    member.wait_for_function(
                        "(y) => document.querySelector('[data-testid=page-frame]')"
                        ".getBoundingClientRect().top < y - 100", arg=top["y"] if top else 0)
                    assert member.evaluate("() => scrollY") == 0

                if width < 640:
                    # On a phone the vote rises from the bottom with its buttons in reach.
                    r = http.post(f"/api/meetings/{meeting_id}/votes",
                                  json={"question": "Thông qua việc đặt tên đường Nguyễn Hữu Thọ?"})
                    assert r.status_code == 201, r.text
                    for choice in ("yes", "no", "abstain"):
                        button = member.get_by_test_id(f"vote-{choice}")
                        expect(button).to_be_in_viewport(ratio=1)
                        b = button.bounding_box()
                        assert b and b["height"] >= 44 and b["width"] >= 300, b
                    shot(member, artifacts, f"reader-{size}-vote")
                    member.get_by_test_id("vote-abstain").click()
                    expect(member.get_by_test_id("vote-question")).to_be_hidden()
                    assert member.evaluate("() => scrollY") == 0
                    vote_id = r.json()["vote"]["id"]
                    assert http.post(f"/api/votes/{vote_id}/close").status_code == 200
                member.context.close()

            # The chair's tablet: the console opens as a sheet over the page like the rest.
            chair = device_page(browser, live_server, walk, "chutich", f"/m/{meeting_id}",
                                810, 1080, 2, True)
            expect(chair.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(3))
            chair.wait_for_function(IMAGE_LOADED)
            assert chair.evaluate(MEASURE)["cover"] >= 0.6
            expect(chair.get_by_test_id("present-next")).to_be_hidden()
            chair.get_by_test_id("tool-console").click()
            expect(chair.get_by_test_id("present-next")).to_be_visible()
            shot(chair, artifacts, "reader-chair-console")
            chair.get_by_test_id("present-next").click()
            expect(chair.get_by_test_id("present-state")).to_have_attribute("data-page", "4")
            chair.get_by_test_id("sheet-close").click()
            expect(chair.get_by_test_id("present-next")).to_be_hidden()
            expect(chair.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(4))
            assert chair.evaluate("() => scrollY") == 0
            assert walk.errors == []


TOUCH = "Input.dispatchTouchEvent"


def touches(cdp: Any, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(TOUCH, {"type": kind, "touchPoints": [
        {"x": x, "y": y, "id": i, "radiusX": 4, "radiusY": 4, "force": 1}
        for i, (x, y) in enumerate(points)]})


def gesture(cdp: Any, start: list[tuple[float, float]], end: list[tuple[float, float]],
            steps: int = 8) -> None:
    """Fingers put down at `start`, moved in steps to `end`, lifted: real touch input."""
    touches(cdp, "touchStart", start)
    for k in range(1, steps + 1):
        f = k / steps
        touches(cdp, "touchMove", [(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                                   for a, b in zip(start, end, strict=True)])
    touches(cdp, "touchEnd", [])


@pytest.mark.browser
@pytest.mark.server
def test_drawers_vote_zoom_and_swipe_on_an_ipad(live_server: LiveServer,
                                                artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as http, chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             810, 1080, 2, True)
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        # Before the start there is no page to show: the agenda stands in its place.
        expect(member.get_by_test_id("agenda")).to_be_visible()
        expect(member.get_by_test_id("viewer-img")).to_have_count(0)
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(http, meeting_id)
        image = member.get_by_test_id("viewer-img")
        expect(image).to_have_attribute("src", page_src(1))
        member.wait_for_function(IMAGE_LOADED)
        stage = member.get_by_test_id("viewer-stage")
        box = stage.bounding_box()
        assert box is not None
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

        expect(member.get_by_test_id("agenda")).to_be_hidden()  # the page took its place

        # The notes open as a sheet over the page and close again.
        note = member.get_by_test_id("note-text")
        expect(note).to_be_hidden()
        member.get_by_test_id("tool-notes").click()
        expect(note).to_be_visible()
        expect(member.get_by_test_id("tool-notes")).to_have_attribute("aria-expanded", "true")
        note.fill("Đề nghị bổ sung số liệu về đường giao thông nông thôn")
        member.get_by_test_id("note-save").click()
        expect(member.get_by_test_id("note")).to_contain_text("giao thông nông thôn")
        shot(member, artifacts, "reader-notes-sheet")
        member.get_by_test_id("sheet-close").click()
        expect(note).to_be_hidden()

        # The agenda opens as a drawer; a tap beside it puts it away.
        agenda = member.get_by_test_id("agenda")
        expect(agenda).to_be_hidden()
        member.get_by_test_id("agenda-toggle").click()
        expect(agenda).to_be_visible()
        shot(member, artifacts, "reader-agenda-drawer")
        member.get_by_test_id("sheet-backdrop").click(position={"x": 790, "y": 600})
        expect(agenda).to_be_hidden()

        # A vote the secretary opens comes to the front by itself, and goes once cast.
        r = http.post(f"/api/meetings/{meeting_id}/votes",
                      json={"question": "Thông qua kế hoạch đầu tư?"})
        assert r.status_code == 201, r.text
        question = member.get_by_test_id("vote-question")
        expect(question).to_be_visible()
        expect(question).to_have_text("Thông qua kế hoạch đầu tư?")
        shot(member, artifacts, "reader-vote-sheet")
        member.get_by_test_id("vote-yes").click()
        expect(member.get_by_test_id("vote-confirmation")).to_be_visible()
        expect(question).to_be_hidden()
        vote_id = r.json()["vote"]["id"]
        # Closed, its result comes to the front for a moment, then the page is back.
        assert http.post(f"/api/votes/{vote_id}/close").status_code == 200
        outcome = member.get_by_test_id("vote-result").get_by_test_id("vote-outcome")
        expect(outcome).to_be_visible()
        sheet = member.get_by_test_id("side-sheet")
        expect(sheet).to_be_hidden()
        # A second vote, closed before the member votes: its ballot goes with the close.
        r = http.post(f"/api/meetings/{meeting_id}/votes", json={"question": "Thông qua dự toán?"})
        assert r.status_code == 201, r.text
        expect(question).to_have_text("Thông qua dự toán?")
        expect(question).to_be_visible()
        assert http.post(f"/api/votes/{r.json()['vote']['id']}/close").status_code == 200
        expect(member.get_by_test_id("vote-yes")).to_have_count(0)
        expect(outcome).to_be_visible()
        shot(member, artifacts, "reader-vote-result")
        expect(sheet).to_be_hidden()

        # The page is taller than the stage at fit width: one finger drags it up and down.
        frame = member.get_by_test_id("page-frame")
        top = frame.bounding_box()
        cdp = member.context.new_cdp_session(member)
        gesture(cdp, [(cx, cy + 100)], [(cx, cy - 100)])
        dragged = frame.bounding_box()
        assert top and dragged and dragged["y"] == pytest.approx(top["y"] - 200, abs=3)
        assert dragged["x"] == pytest.approx(top["x"], abs=1)
        gesture(cdp, [(cx, cy - 100)], [(cx, cy + 200)])
        back = frame.bounding_box()
        assert back and back["y"] == pytest.approx(top["y"], abs=1)  # not past its top

        # Double tap zooms in around the finger; the sharper image is asked for.
        before = asked_width(member)
        assert before == snap((box["width"] - 24) * 2)  # the paper's width, 2 px per CSS px
        member.touchscreen.tap(cx, cy)
        member.touchscreen.tap(cx, cy)
        expect(stage).to_have_attribute("data-scale", "2")
        expect(image).not_to_have_attribute("src", re.compile(rf"w={before}&"))
        assert asked_width(member) > before
        member.wait_for_function(IMAGE_LOADED)
        shot(member, artifacts, "reader-zoomed")
        member.touchscreen.tap(cx, cy)
        member.touchscreen.tap(cx, cy)
        expect(stage).to_have_attribute("data-scale", "1")

        # Two fingers spread apart: the page grows with them; moved together, it pans.
        gesture(cdp, [(cx - 60, cy), (cx + 60, cy)], [(cx - 150, cy), (cx + 150, cy)])
        scale = float(stage.get_attribute("data-scale") or 0)
        assert 2.2 < scale < 2.8, scale
        moved_from = frame.bounding_box()
        gesture(cdp, [(cx - 60, cy), (cx + 60, cy)], [(cx - 10, cy + 120), (cx + 110, cy + 120)])
        moved_to = frame.bounding_box()
        assert moved_from and moved_to
        assert moved_to["x"] - moved_from["x"] == pytest.approx(50, abs=3)
        assert moved_to["y"] - moved_from["y"] == pytest.approx(120, abs=3)
        member.get_by_test_id("zoom-out").click()
        member.get_by_test_id("zoom-out").click()
        member.get_by_test_id("zoom-out").click()
        expect(stage).to_have_attribute("data-scale", "1")

        # Following the presenter, a swipe does not leave them; browsing, it turns the page.
        gesture(cdp, [(cx + 150, cy)], [(cx - 150, cy)], steps=5)
        expect(member.get_by_test_id("mode")).to_have_attribute("data-mode", "follow")
        expect(image).to_have_attribute("src", page_src(1))
        member.get_by_test_id("page-next").click()
        expect(member.get_by_test_id("mode")).to_have_attribute("data-mode", "browse")
        expect(image).to_have_attribute("src", page_src(2))
        gesture(cdp, [(cx + 150, cy)], [(cx - 150, cy)], steps=5)
        expect(image).to_have_attribute("src", page_src(3))
        gesture(cdp, [(cx - 150, cy)], [(cx + 150, cy)], steps=5)
        expect(image).to_have_attribute("src", page_src(2))
        member.get_by_test_id("back-to-presenter").click()
        expect(image).to_have_attribute("src", page_src(1))

        # Fit page: the whole page is on the stage.
        member.get_by_test_id("fit-toggle").click()
        expect(stage).to_have_attribute("data-fit", "page")
        member.wait_for_function(IMAGE_LOADED)
        shown = image.bounding_box()
        box = stage.bounding_box()
        assert shown and box
        assert shown["y"] >= box["y"]
        assert shown["y"] + shown["height"] <= box["y"] + box["height"] + 1
        member.get_by_test_id("fit-toggle").click()
        expect(stage).to_have_attribute("data-fit", "width")

        # The thumbnail strip hides and comes back.
        expect(member.get_by_test_id("thumbs")).to_be_visible()
        member.get_by_test_id("thumbs-toggle").click()
        expect(member.get_by_test_id("thumbs")).to_have_count(0)
        member.get_by_test_id("thumbs-toggle").click()
        expect(member.get_by_test_id("thumbs")).to_be_visible()

        # After all of it, the window has not moved.
        assert member.evaluate("() => [scrollX, scrollY]") == [0, 0]
        member.set_default_timeout(TIMEOUT_MS)
        assert walk.errors == []
