"""The web app in Debian's Chromium (Playwright), against the real server: a meeting from the
secretary's start to the archivist's signature check, with a member's tablet, the chair's
tablet and the room screen following along. Also: every string key the app uses exists in
both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from meetings.demo.seed import DEMO_PASSWORD
from tests.conftest import ROOT, LiveServer, require_tool
from tests.helpers import record_quorum

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
STATIC_JS = ROOT / "static" / "js"


class Walk:
    """The browser pages of one walk-through, and every console error they logged."""

    def __init__(self, browser: Browser, server: LiveServer, artifacts: Path | None) -> None:
        self.browser = browser
        self.server = server
        self.artifacts = artifacts
        self.errors: list[str] = []

    def watch(self, page: Page, who: str) -> Page:
        page.set_default_timeout(TIMEOUT_MS)

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"{who}: console: {message.text} {message.location}")

        def page_error(error: Error) -> None:
            self.errors.append(f"{who}: page error: {error}")

        page.on("console", console)
        page.on("pageerror", page_error)
        return page

    def log_in(self, username: str, next_path: str, *, width: int = 1280,
               height: int = 800) -> Page:
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = self.watch(context.new_page(), username)
        page.goto(f"{self.server.url}/login?next={next_path}")
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(re.compile(re.escape(next_path) + "$"))
        return page

    def shot(self, page: Page, name: str) -> None:
        if self.artifacts is not None:
            page.screenshot(path=str(self.artifacts / f"browser-{name}.png"), animations="disabled")


def page_src(n: int) -> re.Pattern[str]:
    """The address of page n of a document, whatever width the screen asked for."""
    return re.compile(rf"/api/documents/\d+/pages/{n}\?w=\d+")


@contextmanager
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.server
def test_meeting_from_start_to_archive(live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        snap = http.get(f"/api/meetings/{meeting_id}").json()
    people = {p["username"]: p["user_id"] for p in snap["participants"]}
    first_item = snap["items"][0]
    document = first_item["documents"][0]

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien1", tablet, width=800, height=1280)
        secretary = walk.log_in("thuky", tablet)
        chair = walk.log_in("chutich", tablet)
        for page in (member, secretary, chair):
            expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # The secretary starts the meeting; the member's tablet shows the first page.
        secretary.get_by_test_id("start-meeting").click()
        expect(member.get_by_test_id("meeting-status")).to_have_attribute("data-status", "running")
        expect(member.get_by_test_id("viewer-img")).to_have_attribute(
            "src", re.compile(rf"/api/documents/{document['id']}/pages/1\?w=\d+"))

        # The member checks in; the secretary's console sees it.
        member.get_by_test_id("check-in").click()
        expect(member.get_by_test_id("checked-in")).to_be_visible()
        expect(secretary.get_by_test_id(f"person-{people['uyvien1']}")).to_have_attribute(
            "data-checked-in", "true")

        # The secretary presents page 3; the member follows.
        for n in (2, 3):
            secretary.get_by_test_id("present-next").click()
            expect(secretary.get_by_test_id("present-state")).to_have_attribute("data-page", str(n))
        expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(3))
        expect(secretary.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(3))

        # The member browses ahead to page 5, then goes back to the presenter.
        member.get_by_test_id("page-next").click()
        member.get_by_test_id("page-next").click()
        expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(5))
        expect(member.get_by_test_id("mode")).to_have_attribute("data-mode", "browse")
        expect(secretary.get_by_test_id(f"person-{people['uyvien1']}").get_by_test_id(
            "presence-entry").first).to_have_attribute("data-mode", "browse")
        back = member.get_by_test_id("back-to-presenter")
        expect(back).to_have_text(re.compile("Về trang đang trình chiếu"))
        back.click()
        expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(3))
        expect(member.get_by_test_id("mode")).to_have_attribute("data-mode", "follow")
        expect(back).to_have_count(0)

        # A private note survives a reload.
        note = "Đề nghị làm rõ số liệu thu ngân sách ở trang 3"
        member.get_by_test_id("tool-notes").click()  # the notes open as a sheet over the page
        member.get_by_test_id("note-text").fill(note)
        member.get_by_test_id("note-save").click()
        expect(member.get_by_test_id("note")).to_have_text(re.compile(note))
        member.reload()
        expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(3))
        expect(member.get_by_test_id("note")).to_have_text(re.compile(note))
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # The others are recorded present: a People's Committee votes only with two thirds.
        with closing(live_server.session("thuky")) as http:
            record_quorum(http, meeting_id)
        # The secretary opens a vote on the presented item, leaving the question to the server.
        question = secretary.get_by_test_id("vote-question-input")
        expect(question).to_have_value("")
        expect(question).to_have_attribute("placeholder", f"Thông qua {first_item['title']}")
        secretary.get_by_test_id("open-vote").click()
        expect(member.get_by_test_id("vote-question")).to_have_text(
            f"Thông qua {first_item['title']}")

        # The member votes yes; the secretary's live tally counts it.
        member.get_by_test_id("vote-yes").click()
        expect(member.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("Phiếu đã được ghi nhận: Tán thành"))
        expect(member.get_by_test_id("vote-yes")).to_have_count(0)
        expect(secretary.get_by_test_id("tally-yes")).to_have_text("1")
        expect(secretary.get_by_test_id("tally-cast")).to_have_attribute("data-cast", "1")
        walk.shot(member, "tablet-member")

        # The chair votes on their tablet; two more members vote from elsewhere.
        chair.get_by_test_id("vote-yes").click()
        expect(chair.get_by_test_id("vote-confirmation")).to_be_visible()
        vote_id = int(secretary.get_by_test_id("vote-panel").get_attribute("data-vote") or 0)
        for username in ("phochutich1", "phochutich2"):
            with closing(live_server.session(username)) as http:
                r = http.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
                assert r.status_code == 201, r.text
        expect(secretary.get_by_test_id("tally-yes")).to_have_text("4")
        expect(member.get_by_test_id("vote-progress")).to_have_text(re.compile("4/6"))
        walk.shot(secretary, "secretary-console")

        # The room screen, in a second tab of the secretary's browser.
        screen = walk.watch(secretary.context.new_page(), "screen")
        screen.set_viewport_size({"width": 1280, "height": 720})
        screen.goto(f"{live_server.url}{tablet}/screen")
        expect(screen.get_by_test_id("screen-img")).to_have_attribute("src", page_src(3))
        expect(screen.get_by_test_id("screen-progress")).to_have_text(re.compile("4/6"))

        # The secretary closes the vote: the member and the room screen see the result.
        secretary.get_by_test_id("close-vote").click()
        expect(member.get_by_test_id("vote-result").get_by_test_id("vote-outcome")).to_have_text(
            "Được thông qua")
        expect(member.get_by_test_id("vote-result-bars-yes")).to_have_text("4")
        result = screen.get_by_test_id("screen-result")
        expect(result.get_by_test_id("vote-outcome")).to_have_text("Được thông qua")
        expect(result.get_by_test_id("screen-bars-yes")).to_have_text("4")
        expect(screen.get_by_test_id("screen-progress")).to_have_count(0)
        walk.shot(screen, "room-screen-result")

        # The secretary ends the meeting and goes to the minutes.
        secretary.get_by_test_id("end-meeting").click()
        secretary.get_by_test_id("confirm-ok").click()
        expect(member.get_by_test_id("meeting-status")).to_have_attribute("data-status", "ended")
        secretary.get_by_test_id("minutes-link").click()
        secretary.wait_for_url(re.compile(rf"{tablet}/minutes$"))
        conclusion = "Thống nhất thông qua Báo cáo tình hình kinh tế - xã hội năm 2026."
        secretary.get_by_test_id(f"conclusion-{first_item['id']}").fill(conclusion)
        secretary.get_by_test_id("general-conclusion").fill("Thống nhất các nội dung đã thảo luận.")
        secretary.get_by_test_id("minutes-save").click()
        expect(secretary.get_by_test_id("minutes-saved")).to_be_visible()
        secretary.get_by_test_id("minutes-preview").click()
        frame = secretary.get_by_test_id("preview-frame")
        expect(frame).to_have_attribute("src", re.compile(r"/minutes/preview\.pdf"))
        preview = secretary.request.get(live_server.url + (frame.get_attribute("src") or ""))
        assert preview.status == 200 and preview.body().startswith(b"%PDF")
        walk.shot(secretary, "minutes")

        # Sign and seal: the tablets are told the meeting is sealed.
        secretary.get_by_test_id("minutes-seal").click()
        secretary.get_by_test_id("confirm-ok").click()
        expect(secretary.get_by_test_id("sealed-info")).to_be_visible(timeout=30_000)
        expect(secretary.get_by_test_id("minutes-number")).to_have_text("01")
        link = secretary.get_by_test_id("signed-minutes-link")
        expect(link).to_have_attribute("href", f"/api/meetings/{meeting_id}/minutes.pdf")
        signed = secretary.request.get(live_server.url + (link.get_attribute("href") or ""))
        assert signed.status == 200 and signed.body().startswith(b"%PDF")
        expect(member.get_by_test_id("terminal")).to_have_attribute("data-code", "4102")
        walk.shot(secretary, "minutes-sealed")

        # The archivist finds the meeting and sees a valid signature.
        archivist = walk.log_in("luutru", "/archive")
        archivist.get_by_test_id("archive-q").fill("thuong ky thang 11")
        archivist.get_by_test_id("archive-search").click()
        archivist.get_by_test_id(f"archive-open-{meeting_id}").click()
        verdict = archivist.get_by_test_id("signature-ok")
        expect(verdict).to_contain_text("Chữ ký hợp lệ")
        expect(archivist.get_by_test_id("signature-signer")).to_have_text(snap["meeting"]["body"])
        signed_at = archivist.get_by_test_id("signature-time")
        expect(signed_at).to_have_attribute("datetime", re.compile(r"\+07:00$"))
        expect(signed_at).to_have_text(re.compile(r"^\d\d giờ \d\d phút, ngày \d\d/\d\d/\d{4}$"))
        expect(archivist.get_by_test_id("record-intact")).to_have_attribute("data-intact", "true")
        walk.shot(archivist, "archive-detail")

        assert walk.errors == []


# --- every string the app shows exists in Vietnamese and English ------------------------

KEY_CALL = re.compile(r"""\b(?:t|both)\(\s*['"]([a-z0-9_.]+)['"]""")
KEY_TEMPLATE = re.compile(r"""\bt\(\s*`([a-z0-9_.]+)\$\{""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.browser
@pytest.mark.server
def test_every_string_in_both_languages(live_server: LiveServer) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    with chromium() as browser:
        walk = Walk(browser, live_server, None)
        page = walk.watch(browser.new_context().new_page(), "i18n")
        page.goto(f"{live_server.url}/login")
        expect(page.get_by_test_id("login-submit")).to_have_text("Đăng nhập")
        page.get_by_test_id("lang-toggle").click()
        expect(page.get_by_test_id("login-submit")).to_have_text("Log in")
        page.reload()  # the choice is kept
        expect(page.get_by_test_id("login-submit")).to_have_text("Log in")
        assert page.evaluate("document.documentElement.lang") == "en"
        table = page.evaluate("import('/static/js/i18n.js').then((m) => m.STRINGS)")
        assert walk.errors == []

    for key, entry in table.items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key
        vi, en = PLACEHOLDER.findall(entry["vi"]), PLACEHOLDER.findall(entry["en"])
        assert sorted(vi) == sorted(en), key
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in STATIC_JS.rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        used.update(KEY_CALL.findall(source))
        prefixes.update(KEY_TEMPLATE.findall(source))
    assert sorted(k for k in used if k not in table) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in table)) == []


# --- the realtime client against a scripted socket ----------------------------------------

REALTIME_SCRIPT = """
async () => {
  const { MeetingConnection, backoffDelay } = await import('/static/js/realtime.js');
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const sockets = [];
  class ScriptedSocket {
    static OPEN = 1;
    constructor(url) {
      this.url = url; this.sent = []; this.readyState = 0; sockets.push(this);
      setTimeout(() => { this.readyState = 1; this.onopen(); }, 0);
    }
    send(text) { this.sent.push(JSON.parse(text)); }
    close(code) { this.readyState = 3; this.closedWith = code; }
    receive(msg) { this.onmessage({ data: JSON.stringify(msg) }); }
    drop(code) { this.readyState = 3; this.onclose({ code }); }
  }
  window.WebSocket = ScriptedSocket;
  sessionStorage.clear();
  const pub = (offset) => ({ channel: 'meeting:7', offset, epoch: 'e1', type: 'presentation',
                             data: { page: offset } });
  const out = { applied: [], states: [], snapshots: 0, terminal: null };
  const conn = new MeetingConnection(7, {
    device: 'test',
    onSnapshot: () => { out.snapshots += 1; },
    onPublication: (p) => out.applied.push(p.offset),
    onState: (s) => out.states.push(s),
    onTerminal: (code) => { out.terminal = code; },
  });
  conn.start();
  await wait(20);
  const first = sockets[0];
  out.url = first.url;
  out.connect = first.sent[0];
  first.receive(pub(3)); // arrives before the reply: held back, then merged
  first.receive({ id: out.connect.id, type: 'reply', data: { recovered: false, snapshot: {},
    positions: { 'meeting:7': { offset: 2, epoch: 'e1' } } } });
  first.receive(pub(3)); // a duplicate
  first.receive(pub(4));
  first.receive({ type: 'ping' });
  out.pong = first.sent[first.sent.length - 1];
  const presence = conn.command('presence', { mode: 'follow' });
  first.receive({ id: first.sent[first.sent.length - 1].id, type: 'reply', data: { ok: true } });
  out.presenceReply = await presence;
  const ballot = conn.command('vote.cast', { vote_id: 1, choice: 'yes' });
  first.receive({ id: first.sent[first.sent.length - 1].id, type: 'error', error: 'already_voted',
                  message_vi: 'Đã biểu quyết', message_en: 'Already voted' });
  out.ballotError = await ballot.then(() => null, (e) => e.error);
  first.receive(pub(6)); // a gap: 5 is missing
  out.droppedOnGap = first.closedWith !== undefined;
  out.appliedBeforeRecovery = [...out.applied];
  await wait(900);
  const second = sockets[1];
  out.reconnectPositions = second && second.sent[0].data.positions;
  second.receive({ id: second.sent[0].id, type: 'reply', data: { recovered: true,
    publications: [pub(5), pub(6)], positions: { 'meeting:7': { offset: 6, epoch: 'e1' } } } });
  out.stored = JSON.parse(sessionStorage.getItem('phonghop.positions.7'));
  second.drop(1006); // the network: reconnect
  await wait(900);
  const third = sockets[2];
  third.receive({ id: third.sent[0].id, type: 'reply', data: { recovered: true,
    publications: [], positions: { 'meeting:7': { offset: 6, epoch: 'e1' } } } });
  third.drop(4101); // not a participant: stay closed
  await wait(1200);
  out.sockets = sockets.length;
  out.finalState = conn.state;
  out.delays = [0, 1, 2, 10].map((n) => Array.from({ length: 200 }, () => backoffDelay(n)))
    .map((ds) => [Math.min(...ds), Math.max(...ds)]);
  conn.stop();
  return out;
}
"""


@pytest.mark.browser
@pytest.mark.server
def test_realtime_client_applies_each_publication_once(live_server: LiveServer) -> None:
    require_tool(CHROMIUM)
    with chromium() as browser:
        walk = Walk(browser, live_server, None)
        page = walk.watch(browser.new_context().new_page(), "realtime")
        page.goto(f"{live_server.url}/login")
        out = page.evaluate(REALTIME_SCRIPT)
        assert walk.errors == []

    assert out["url"] == f"ws://127.0.0.1:{live_server.port}/ws"
    assert out["connect"]["type"] == "connect"
    assert out["connect"]["data"] == {"meeting_id": 7, "device": "test", "positions": {}}
    assert out["snapshots"] == 1
    assert out["pong"] == {"type": "pong"}
    assert out["presenceReply"] == {"ok": True}
    assert out["ballotError"] == "already_voted"
    assert out["droppedOnGap"] and out["appliedBeforeRecovery"] == [3, 4]
    assert out["reconnectPositions"] == {"meeting:7": {"offset": 4, "epoch": "e1"}}
    assert out["applied"] == [3, 4, 5, 6]
    assert out["stored"] == {"meeting:7": {"offset": 6, "epoch": "e1"}}
    assert out["terminal"] == 4101 and out["finalState"] == "closed"
    assert out["sockets"] == 3
    assert out["states"][:2] == ["connecting", "live"] and "reconnecting" in out["states"]
    (lo0, hi0), (lo1, hi1), (lo2, hi2), (lo10, hi10) = out["delays"]
    assert 350 <= lo0 and hi0 <= 650
    assert 700 <= lo1 and hi1 <= 1300
    assert 1400 <= lo2 and hi2 <= 2600
    assert 10500 <= lo10 and hi10 <= 19500
