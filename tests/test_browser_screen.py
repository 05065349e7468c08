"""The room screen in Debian's Chromium against the real server, at the three common projector
sizes (1280×720, 1280×800, 1920×1080): with a page presented, a speaker speaking, a vote open
and the check-in QR code up, nothing covers anything (measured with bounding boxes), the page
fills the height, and the header is one line. A closed vote's result stays up for the time the
secretary chose in the console, survives a reload, then the page returns; with "until
dismissed" it stays until the secretary dismisses it. After the end the screen says so, with
the end time in Vietnamese, and shows nothing of the meeting's last state."""

from __future__ import annotations

import re
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

SIZES = [(1280, 720), (1280, 800), (1920, 1080)]
VIETNAM = timezone(timedelta(hours=7))

# The boxes of what the screen shows, and how many lines of text the header takes: text
# fragments that do not overlap vertically are on different lines.
MEASURE = """
() => {
  const box = (id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el || el.closest('[hidden]')) return null;
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom,
             width: r.width, height: r.height };
  };
  const ids = ['screen-head', 'screen-stage', 'screen-side', 'screen-img', 'screen-result',
               'screen-item', 'screen-speaker', 'screen-progress', 'screen-qr', 'screen-quorum'];
  const boxes = Object.fromEntries(ids.map((id) => [id, box(id)]));
  const range = document.createRange();
  range.selectNodeContents(document.querySelector('[data-testid="screen-head"]'));
  const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0)
    .sort((a, b) => a.top - b.top);
  const lines = [];
  for (const r of rects) {
    const line = lines.find((l) => r.top < l.bottom - 1 && r.bottom > l.top + 1);
    if (!line) lines.push({ top: r.top, bottom: r.bottom });
    else { line.top = Math.min(line.top, r.top); line.bottom = Math.max(line.bottom, r.bottom); }
  }
  const img = document.querySelector('[data-testid="screen-img"]');
  return { boxes, headLines: lines.length, viewport: [innerWidth, innerHeight],
           natural: img ? [img.naturalWidth, img.naturalHeight] : null };
}
"""


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    w = min(a["right"], b["right"]) - max(a["left"], b["left"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, w) * max(0.0, h)


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (inner["left"] >= outer["left"] - slack and inner["top"] >= outer["top"] - slack
            and inner["right"] <= outer["right"] + slack
            and inner["bottom"] <= outer["bottom"] + slack)


def check_layout(screen: Page, size: tuple[int, int], shown: list[str]) -> dict[str, Any]:
    """Everything in `shown` is on the screen, inside the viewport, and overlaps nothing else;
    the cards sit whole in the side column, the page or the result in the stage; the header
    is one line."""
    m = screen.evaluate(MEASURE)
    boxes = m["boxes"]
    assert m["viewport"] == list(size)
    view = {"left": 0, "top": 0, "right": size[0], "bottom": size[1]}
    assert m["headLines"] == 1, m
    for name in shown:
        assert boxes[name] is not None, (name, size)
        assert boxes[name]["width"] > 0 and boxes[name]["height"] > 0, (name, size)
        assert inside(boxes[name], view), (name, size, boxes[name])
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert overlap(boxes[a], boxes[b]) == 0, (a, b, size, boxes[a], boxes[b])
    for card in ("screen-item", "screen-speaker", "screen-progress", "screen-qr"):
        if card in shown:
            assert inside(boxes[card], boxes["screen-side"]), (card, size, boxes)
    for main in ("screen-img", "screen-result"):
        if main in shown:
            assert inside(boxes[main], boxes["screen-stage"]), (main, size, boxes)
    if boxes["screen-quorum"] is not None:
        assert inside(boxes["screen-quorum"], boxes["screen-head"]), (size, boxes)
    return m


def check_page_fills_height(m: dict[str, Any], size: tuple[int, int]) -> None:
    """The whole page, as large as the stage allows, centred: an A4 portrait page is as tall
    as the stage, with as much room left of it as right of it."""
    img, stage = m["boxes"]["screen-img"], m["boxes"]["screen-stage"]
    natural_w, natural_h = m["natural"]
    assert natural_w > 0 and natural_h > natural_w  # loaded, and portrait
    assert abs(img["height"] - stage["height"]) <= 1.5, (size, img, stage)
    assert abs(img["width"] / img["height"] - natural_w / natural_h) < 0.01, (size, img)
    left_room, right_room = img["left"] - stage["left"], stage["right"] - img["right"]
    assert abs(left_room - right_room) <= 1.5, (size, img, stage)
    # Measured, not guessed: at 1280×720 the page is at least 600 px tall (the header and
    # the margins take the rest).
    assert img["height"] >= size[1] * 0.83, (size, img)


def wait_for_page(screen: Page, page_no: int) -> None:
    from playwright.sync_api import expect

    img = screen.get_by_test_id("screen-img")
    expect(img).to_be_visible()
    expect(img).to_have_attribute("data-page", str(page_no))
    screen.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=screen-img]');"
        " return i && i.complete && i.naturalWidth > 0; }")


def shoot(walk: Walk, screen: Page, state: str, size: tuple[int, int]) -> None:
    walk.shot(screen, f"screen-{size[0]}x{size[1]}-{state}")


def vietnamese_time(iso: str) -> str:
    t = datetime.fromisoformat(iso).astimezone(VIETNAM)
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


@pytest.mark.browser
@pytest.mark.server
def test_room_screen_at_projector_sizes(live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    api = f"/api/meetings/{meeting_id}"
    with closing(live_server.session("thuky")) as http, \
            closing(live_server.session("uyvien1")) as member:
        # A People's Committee's quorum: two thirds of its six voting members, four present.
        assert http.put("/api/vote-rules", json={"body_id": live_server.demo.body_id,
                                                  "quorum": [2, 3]}).status_code == 200
        assert http.post(f"{api}/start").status_code == 200
        snap = http.get(api).json()
        voters = [p["user_id"] for p in snap["participants"] if p["role"] in ("chair", "member")]
        for user_id in voters[:3]:
            assert http.post(f"{api}/attendance",
                             json={"user_id": user_id, "state": "present"}).status_code == 200
        assert http.post(f"{api}/present", json={"page": 2}).status_code == 200
        # A member speaks, with five minutes on the clock.
        request_id = member.post(f"{api}/speakers", json={"kind": "speech"}).json()["id"]
        assert http.post(f"/api/speakers/{request_id}/floor",
                         json={"limit_seconds": 300}).status_code == 200

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", tablet)
        screen = walk.log_in("thuky", f"{tablet}/screen", width=1280, height=720)
        expect(screen.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # --- Three of six present: the longer line, still one line with the title beside it.
        quorum = screen.get_by_test_id("screen-quorum")
        expect(quorum).to_have_text(
            "Có mặt 3/6 thành viên · Chưa đủ số thành viên tham dự theo quy định (cần 4)")
        wait_for_page(screen, 2)
        check_layout(screen, (1280, 720), ["screen-head", "screen-img", "screen-qr"])
        shoot(walk, screen, "no-quorum", (1280, 720))
        # The fourth arrives; the secretary opens a vote and one member votes.
        with closing(live_server.session("thuky")) as http, \
                closing(live_server.session("uyvien1")) as member:
            assert http.post(f"{api}/attendance", json={"user_id": voters[3], "state": "present"}
                             ).status_code == 200
            vote = http.post(f"{api}/votes", json={
                "question": "Thông qua báo cáo tình hình kinh tế - xã hội năm 2026?"}
            ).json()["vote"]
            assert member.post(f"/api/votes/{vote['id']}/ballots",
                               json={"choice": "yes"}).status_code == 201
        expect(quorum).to_have_attribute("data-quorum", "true")

        # --- A page, a speaker, a vote in progress and the QR code, at every size.
        live = ["screen-head", "screen-img", "screen-item", "screen-speaker", "screen-progress",
                "screen-qr"]
        for size in SIZES:
            screen.set_viewport_size({"width": size[0], "height": size[1]})
            wait_for_page(screen, 2)
            expect(screen.get_by_test_id("screen-speaker")).to_contain_text("Hoàng Minh Tuấn")
            expect(screen.get_by_test_id("screen-timer")).to_have_text(re.compile(r"^[45]:\d\d$"))
            expect(screen.get_by_test_id("screen-progress")).to_have_text(re.compile("1/6"))
            expect(screen.get_by_test_id("screen-qr").locator("img")).to_be_visible()
            expect(screen.get_by_test_id("screen-quorum")).to_have_text(
                "Có mặt 4/6 thành viên · Đủ số thành viên tham dự theo quy định")
            expect(screen.get_by_test_id("screen-page")).to_have_text("Trang 2/6")
            m = check_layout(screen, size, live)
            check_page_fills_height(m, size)
            shoot(walk, screen, "live", size)

        # --- The secretary chooses 15 seconds in the console and closes the vote.
        screen.set_viewport_size({"width": 1280, "height": 800})
        hold = secretary.get_by_test_id("result-hold-input")
        hold.select_option(label="15 giây")
        expect(hold).to_have_value("15")
        secretary.get_by_test_id("close-vote").click()
        closed_at = time.monotonic()
        result = screen.get_by_test_id("screen-result")
        expect(result).to_have_attribute("data-vote", str(vote["id"]))
        expect(result.get_by_test_id("screen-bars-yes")).to_have_text("1")
        expect(screen.get_by_test_id("screen-img")).to_be_hidden()
        expect(secretary.get_by_test_id("result-up")).to_have_attribute(
            "data-vote", str(vote["id"]))
        expect(secretary.get_by_test_id("result-left")).to_have_text(re.compile(r"^Còn \d+ giây$"))
        with_result = ["screen-head", "screen-result", "screen-item", "screen-speaker",
                       "screen-qr"]
        check_layout(screen, (1280, 800), with_result)
        expect(screen.get_by_test_id("screen-progress")).to_have_count(0)
        shoot(walk, screen, "result-timed", (1280, 800))
        secretary.get_by_test_id("screen-console").scroll_into_view_if_needed()
        walk.shot(secretary, "screen-console-result-timed")
        # A reload (the projector's browser restarted) shows the same result.
        screen.reload()
        expect(screen.get_by_test_id("screen-result")).to_have_attribute(
            "data-vote", str(vote["id"]))
        # Then the time runs out: the page returns, on the screen and in the console.
        expect(screen.get_by_test_id("screen-result")).to_have_count(0, timeout=40_000)
        assert time.monotonic() - closed_at >= 14
        wait_for_page(screen, 2)
        expect(secretary.get_by_test_id("result-up")).to_have_count(0)

        # --- "Until dismissed": the result stays, at every size and through a reload.
        secretary.get_by_test_id("result-hold-input").select_option(label="Cho đến khi ẩn kết quả")
        with closing(live_server.session("thuky")) as http:
            expect(secretary.get_by_test_id("result-hold-input")).to_have_value("until")
            assert http.get(api).json()["screen"]["result_seconds"] is None
            second = http.post(f"{api}/votes", json={"question": "Thông qua kế hoạch đầu tư công "
                                                                 "trung hạn?"}).json()["vote"]
            expect(screen.get_by_test_id("screen-progress")).to_be_visible()
            assert http.post(f"/api/votes/{second['id']}/close").status_code == 200
        result = screen.get_by_test_id("screen-result")
        expect(result).to_have_attribute("data-vote", str(second["id"]))
        expect(secretary.get_by_test_id("result-left")).to_have_text("Hiển thị cho đến khi ẩn")
        for size in SIZES:
            screen.set_viewport_size({"width": size[0], "height": size[1]})
            expect(result.get_by_test_id("vote-outcome")).to_have_text("Không được thông qua")
            check_layout(screen, size, with_result)
            shoot(walk, screen, "result", size)
        screen.reload()
        expect(screen.get_by_test_id("screen-result")).to_have_attribute(
            "data-vote", str(second["id"]))
        secretary.get_by_test_id("screen-console").scroll_into_view_if_needed()
        walk.shot(secretary, "screen-console-result-until-dismissed")
        # The secretary dismisses it: the page comes back.
        secretary.get_by_test_id("dismiss-result").click()
        expect(screen.get_by_test_id("screen-result")).to_have_count(0)
        wait_for_page(screen, 2)
        expect(secretary.get_by_test_id("result-up")).to_have_count(0)
        shoot(walk, screen, "dismissed", SIZES[-1])

        # --- A result up and a speaker still speaking when the meeting ends: the screen says
        # it has ended, when, and nothing else.
        with closing(live_server.session("thuky")) as http:
            third = http.post(f"{api}/votes", json={"question": "Thông qua dự toán?"}).json()
            assert http.post(f"/api/votes/{third['vote']['id']}/close").status_code == 200
            expect(screen.get_by_test_id("screen-result")).to_be_visible()
            assert http.post(f"{api}/end").status_code == 200
            ended_at = http.get(api).json()["meeting"]["ended_at"]
        for size in SIZES:
            screen.set_viewport_size({"width": size[0], "height": size[1]})
            expect(screen.get_by_test_id("screen-ended")).to_contain_text("Cuộc họp đã kết thúc")
            expect(screen.get_by_test_id("screen-ended-at")).to_have_text(
                f"Kết thúc lúc {vietnamese_time(ended_at)}")
            for gone in ("screen-img", "screen-result", "screen-qr", "screen-speaker",
                         "screen-progress", "screen-item", "screen-quorum", "screen-side"):
                expect(screen.get_by_test_id(gone)).to_have_count(0)
            m = check_layout(screen, size, ["screen-head"])
            ended = screen.get_by_test_id("screen-ended").bounding_box()
            assert ended is not None and inside(
                {"left": ended["x"], "top": ended["y"], "right": ended["x"] + ended["width"],
                 "bottom": ended["y"] + ended["height"]}, m["boxes"]["screen-stage"])
            shoot(walk, screen, "ended", size)
        # And after a reload too.
        screen.reload()
        expect(screen.get_by_test_id("screen-ended-at")).to_have_text(
            f"Kết thúc lúc {vietnamese_time(ended_at)}")
        expect(screen.get_by_test_id("screen-speaker")).to_have_count(0)
        assert walk.errors == []
