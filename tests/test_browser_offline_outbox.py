"""Nothing lost offline (issue 13 §3), in Debian's Chromium on an iPad-sized tablet with touch:
with the network cut (Playwright's offline mode), a member writes a note, draws, and asks to
speak; the tablet says it is offline since when and how much waits, keeps it all in IndexedDB,
and refuses a ballot on the device with a clear reason. Meanwhile the secretary turns pages and
the server is killed and restarted. When the network returns, everything written offline is on
the server once, the tablet is on the room's page, and no ballot reached the server."""

from __future__ import annotations

import json
import re
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, require_tool, start_server, stop_server
from tests.helpers import record_quorum
from tests.test_browser import CHROMIUM, Walk, chromium, page_src
from tests.test_browser_annotations import (
    LOST_NETWORK,
    ink,
    line,
    my_annotations,
    open_page,
    page_point,
    pen_stroke,
    pen_tap,
)
from tests.test_browser_reader import device_page, present, shot

# What the tablet's outboxes hold in IndexedDB: {list id: number of items}.
OUTBOX = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open('phonghop-outbox');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('lists')) { db.close(); resolve({}); return; }
    const all = db.transaction('lists').objectStore('lists').getAll();
    all.onsuccess = () => {
      db.close();
      resolve(Object.fromEntries(all.result.map((r) => [r.id, r.items.length])));
    };
  };
})"""


def until(check: Any, seconds: float = 20) -> Any:
    """`check()` once it is truthy (the tablet sends in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.mark.browser
@pytest.mark.server
def test_what_a_member_does_offline_reaches_the_server_once_and_ballots_wait_for_nobody(
        live_server: LiveServer, tmp_path: Path, artifacts: Path | None) -> None:
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
        me = mine.get(f"/api/meetings/{meeting_id}").json()["me"]["user_id"]
        walk = Walk(browser, live_server, artifacts)
        tablet, cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                       (810, 1080, 2))
        conn = tablet.get_by_test_id("conn-state")
        expect(conn).to_have_attribute("data-state", "live")
        expect(tablet.get_by_test_id("conn-since")).to_have_count(0)

        # A vote opens while the tablet is connected; then the network goes.
        r = sec.post(f"/api/meetings/{meeting_id}/votes", json={"question": "Thông qua báo cáo?"})
        assert r.status_code == 201, r.text
        vote_id = r.json()["vote"]["id"]
        expect(tablet.get_by_test_id("vote-question")).to_have_text("Thông qua báo cáo?")
        tablet.context.set_offline(True)
        expect(conn).to_have_attribute("data-state", re.compile("offline|reconnecting"))
        expect(tablet.get_by_test_id("conn-since")).to_have_text(
            re.compile(r"từ \d+ giờ \d+ phút"))

        # Voting needs the connection: the buttons are off and say why; a tap sends nothing.
        if not tablet.get_by_test_id("vote-yes").is_visible():
            tablet.get_by_test_id("tool-vote").click()
        expect(tablet.get_by_test_id("vote-offline")).to_have_text(
            re.compile("Biểu quyết cần kết nối với máy chủ"))
        expect(tablet.get_by_test_id("vote-yes")).to_be_disabled()
        tablet.get_by_test_id("vote-yes").click(force=True)
        shot(tablet, artifacts, "outbox-vote-offline-810x1080")
        if tablet.get_by_test_id("sheet-close").is_visible():
            tablet.get_by_test_id("sheet-close").click()

        # Offline, the member draws, writes a note and asks to speak.
        tablet.get_by_test_id("annot-tool-pen").click()
        pen_stroke(cdp, line(page_point(frame, 0.2, 0.4), page_point(frame, 0.7, 0.42), 20))
        expect(ink(tablet)).to_have_count(1)
        tablet.get_by_test_id("annot-tool-note").click()
        pen_tap(cdp, *page_point(frame, 0.8, 0.15))
        note_text = "Đề nghị bổ sung số liệu quý III ặ ữ đ"
        tablet.get_by_test_id("annot-editor-text").fill(note_text)
        tablet.get_by_test_id("annot-editor-save").click()
        expect(tablet.get_by_test_id("annot-note")).to_have_count(1)
        tablet.get_by_test_id("tool-speakers").click()
        tablet.get_by_test_id("speak-request").click()
        expect(tablet.get_by_test_id("speak-unsent")).to_have_text(
            re.compile("Phát biểu · đang chờ gửi"))
        expect(tablet.get_by_test_id("speak-request")).to_have_count(0)
        expect(conn).to_have_attribute("data-waiting", "3")
        expect(tablet.get_by_test_id("conn-waiting")).to_have_text(re.compile("3 chờ gửi"))
        shot(tablet, artifacts, "outbox-waiting-810x1080")
        tablet.set_viewport_size({"width": 1280, "height": 800})  # the same tablet, landscape
        expect(tablet.get_by_test_id("conn-waiting")).to_be_visible()
        shot(tablet, artifacts, "outbox-waiting-1280x800")
        tablet.set_viewport_size({"width": 810, "height": 1080})
        held = tablet.evaluate(OUTBOX)
        assert held == {f"annotations.{me}": 2, f"speakers.{me}": 1, f"notes.{me}": 0}, held
        assert my_annotations(mine, document_id) == []
        tablet.get_by_test_id("sheet-close").click()

        # Meanwhile the room moves on, and the server is killed and restarted.
        present(sec, meeting_id, page=2)
        present(sec, meeting_id, page=3)
        stop_server(live_server.process)
        live_server.process = start_server(live_server.settings, live_server.port,
                                           tmp_path / "restarted.log")
        present(sec, meeting_id, page=4)
        assert mine.get(f"/api/meetings/{meeting_id}/speakers").json()["mine"] == []

        # The network returns: the tablet reconnects, sends its outbox and follows the room.
        tablet.context.set_offline(False)
        expect(conn).to_have_attribute("data-state", "live")
        expect(tablet.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(4))
        expect(tablet.get_by_test_id("conn-since")).to_have_count(0)
        expect(conn).to_have_attribute("data-waiting", "0")
        assert until(lambda: tablet.evaluate(OUTBOX) == {f"annotations.{me}": 0,
                                                          f"speakers.{me}": 0,
                                                          f"notes.{me}": 0})
        tablet.wait_for_timeout(2500)  # anything sent twice would have landed by now

        rows = my_annotations(mine, document_id)
        assert sorted(r["kind"] for r in rows) == ["ink", "note"], rows
        assert [r["data"]["text"] for r in rows if r["kind"] == "note"] == [note_text]
        queue = sec.get(f"/api/meetings/{meeting_id}/speakers").json()["queue"]
        assert [q["user_id"] for q in queue] == [me], queue
        snap = sec.get(f"/api/meetings/{meeting_id}").json()
        assert snap["open_vote"]["id"] == vote_id and snap["open_vote"]["cast"] == 0
        # The tablet shows the request placed, and the vote open to it again.
        tablet.get_by_test_id("tool-speakers").click()
        expect(tablet.get_by_test_id("speak-waiting")).to_have_text(re.compile("số thứ tự 1"))
        expect(tablet.get_by_test_id("speak-unsent")).to_have_count(0)
        tablet.get_by_test_id("sheet-close").click()
        tablet.get_by_test_id("tool-vote").click()
        expect(tablet.get_by_test_id("vote-offline")).to_have_count(0)
        expect(tablet.get_by_test_id("vote-yes")).to_be_enabled()
        shot(tablet, artifacts, "outbox-back-810x1080")
        errors = [e for e in walk.errors
                  if not any(s in e for s in LOST_NETWORK)
                  and not re.search(r"ERR_CONNECTION_REFUSED|Failed to load|Failed to fetch", e)]
        assert errors == [], json.dumps(errors, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.server
def test_an_older_apps_outbox_moves_to_indexeddb_once_and_logout_wipes_the_outbox(
        live_server: LiveServer) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec, \
            closing(live_server.session("uyvien1")) as mine, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        present(sec, meeting_id, page=1)
        document_id = sec.get(f"/api/meetings/{meeting_id}").json()[
            "items"][0]["documents"][0]["id"]
        me = mine.get(f"/api/meetings/{meeting_id}").json()["me"]["user_id"]
        walk = Walk(browser, live_server, None)
        tablet, cdp, frame = open_page(browser, live_server, walk, "uyvien1", meeting_id,
                                       (810, 1080, 2))
        tablet.get_by_test_id("annot-tool-pen").click()
        pen_stroke(cdp, line(page_point(frame, 0.2, 0.4), page_point(frame, 0.7, 0.42), 20))
        assert until(lambda: len(my_annotations(mine, document_id)) == 1)

        # What an older version left in localStorage: one change, never sent.
        tablet.evaluate("""([me, doc]) => {
          const drawn = Object.entries(localStorage)
            .filter(([k]) => k === `phonghop.annotations.${me}.${doc}`)
            .flatMap(([, v]) => Object.values(JSON.parse(v)))[0];
          const annotation = { ...drawn, id: 'a-legacyoutbox01', rev: 0 };
          localStorage.setItem(`phonghop.annotations.outbox.${me}`, JSON.stringify([
            { key: 'k-legacyoutbox01', op: 'put', annotation, document_id: doc }]));
        }""", [me, document_id])
        tablet.reload()
        assert until(lambda: len(my_annotations(mine, document_id)) == 2)
        expect(ink(tablet)).to_have_count(2)
        assert tablet.evaluate(
            f"() => localStorage.getItem('phonghop.annotations.outbox.{me}')") is None
        assert until(lambda: tablet.evaluate(OUTBOX) == {f"annotations.{me}": 0,
                                                          f"speakers.{me}": 0,
                                                          f"notes.{me}": 0})
        tablet.reload()  # moved once: nothing is sent again
        expect(ink(tablet)).to_have_count(2)
        tablet.wait_for_timeout(1500)
        ids = [r["id"] for r in my_annotations(mine, document_id)]
        assert len(ids) == 2 and "a-legacyoutbox01" in ids, ids

        # Logging out deletes the outbox with the app's other databases, and the local copies.
        tablet.get_by_test_id("logout").click()
        tablet.wait_for_url(re.compile(r"/login"))
        assert until(lambda: tablet.evaluate(
            "async () => (await indexedDB.databases()).map((d) => d.name)") == [])
        assert tablet.evaluate("""() => Object.keys(localStorage)
          .filter((k) => k.startsWith('phonghop.annotations.'))""") == []


@pytest.mark.browser
@pytest.mark.server
def test_a_ballot_whose_answer_was_lost_is_looked_up_when_the_connection_returns(
        live_server: LiveServer, artifacts: Path | None) -> None:
    """The ballot reaches the server, but the connection drops before its answer reaches the
    tablet (the socket cut between the two, in Playwright's WebSocket route): the tablet says it
    does not know yet, and once back it shows from the server that the ballot was recorded."""
    require_tool(CHROMIUM)
    from playwright.sync_api import WebSocketRoute, expect

    expect.set_options(timeout=20_000)
    meeting_id = live_server.demo.meeting_id
    cut = {"armed": False, "done": False, "back": False}

    def route(ws: WebSocketRoute) -> None:
        if cut["done"] and not cut["back"]:
            ws.close()  # the network is still down: every reconnection fails
            return
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            if cut["armed"] and '"vote.cast"' in str(message):
                cut["armed"] = False
                cut["done"] = True
            server.send(message)

        def to_page(message: str | bytes) -> None:
            if cut["done"] and not cut["back"]:
                ws.close()  # the answer (and the ballot's publication) never arrive
                server.close()
                return
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    with closing(live_server.session("thuky")) as sec, chromium() as browser:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(sec, meeting_id)
        walk = Walk(browser, live_server, artifacts)
        # logged in on a page with no socket; the route is in place before the meeting opens
        tablet = device_page(browser, live_server, walk, "uyvien1", "/login", 810, 1080, 2, True)
        tablet.context.route_web_socket(re.compile(r"/ws$"), route)
        tablet.goto(f"{live_server.url}/m/{meeting_id}")
        expect(tablet.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        r = sec.post(f"/api/meetings/{meeting_id}/votes", json={"question": "Thông qua báo cáo?"})
        assert r.status_code == 201, r.text
        vote_id = r.json()["vote"]["id"]
        expect(tablet.get_by_test_id("vote-question")).to_have_text("Thông qua báo cáo?")
        if not tablet.get_by_test_id("vote-yes").is_visible():
            tablet.get_by_test_id("tool-vote").click()
        cut["armed"] = True
        tablet.get_by_test_id("vote-yes").click()
        expect(tablet.get_by_test_id("vote-unsure")).to_have_text(
            re.compile("Mất kết nối trước khi máy chủ xác nhận phiếu"))
        expect(tablet.get_by_test_id("vote-confirmation")).to_have_count(0)
        assert sec.get(f"/api/meetings/{meeting_id}").json()["open_vote"]["cast"] == 1
        shot(tablet, artifacts, "outbox-ballot-unsure-810x1080")
        cut["back"] = True
        expect(tablet.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        expect(tablet.get_by_test_id("vote-confirmation")).to_have_text(re.compile("Tán thành"))
        expect(tablet.get_by_test_id("vote-unsure")).to_have_count(0)
        expect(tablet.get_by_test_id("vote-not-recorded")).to_have_count(0)
        expect(tablet.get_by_test_id("vote-yes")).to_have_count(0)
        ballots = sec.get(f"/api/meetings/{meeting_id}").json()["open_vote"]
        assert ballots["id"] == vote_id and ballots["cast"] == 1
