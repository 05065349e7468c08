"""The notes panel without network (issue 13 §3), in Debian's Chromium on an iPad-sized tablet
with touch: notes added, edited and deleted offline are shown at once marked "Chờ gửi", kept in
the tablet's outbox (IndexedDB) across a reload with no network, and once the network returns
the server holds exactly what the member meant, each note once, and the marks are gone."""

from __future__ import annotations

import json
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium
from tests.test_browser_annotations import LOST_NETWORK
from tests.test_browser_offline import CONTROLLED
from tests.test_browser_offline_outbox import until
from tests.test_browser_reader import IMAGE_LOADED, device_page, present, shot

# The notes outbox as IndexedDB holds it: its changes, or None before it was first written.
NOTES_OUTBOX = """(me) => new Promise((resolve, reject) => {
  const req = indexedDB.open('phonghop-outbox');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('lists')) { db.close(); resolve(null); return; }
    const one = db.transaction('lists').objectStore('lists').get(`notes.${me}`);
    one.onsuccess = () => { db.close(); resolve(one.result ? one.result.items : null); };
  };
})"""


def server_notes(http: Any, document_id: int) -> list[dict[str, Any]]:
    r = http.get(f"/api/documents/{document_id}/notes")
    assert r.status_code == 200, r.text
    return r.json()["notes"]  # type: ignore[no-any-return]


@pytest.mark.browser
@pytest.mark.server
def test_notes_written_offline_reach_the_server_once_as_last_written(
        live_server: LiveServer, artifacts: Path | None) -> None:
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
        walk = Walk(browser, live_server, artifacts)
        tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             810, 1080, 2, True)
        conn = tablet.get_by_test_id("conn-state")
        expect(conn).to_have_attribute("data-state", "live")
        tablet.wait_for_function(IMAGE_LOADED)
        # The app's shell is kept by its service worker: the page reloads without network.
        tablet.wait_for_function(CONTROLLED, timeout=30_000)
        tablet.get_by_test_id("tool-notes").click()
        expect(tablet.get_by_test_id("note-text")).to_be_visible()
        notes = tablet.get_by_test_id("note")
        waiting = tablet.get_by_test_id("note-waiting")

        def write(text: str) -> None:
            tablet.get_by_test_id("note-text").fill(text)
            tablet.get_by_test_id("note-save").click()

        tablet.context.set_offline(True)
        expect(conn).to_have_attribute("data-state", re.compile("offline|reconnecting"))
        # First: kept as written.
        write("Hỏi lại số liệu thu ngân sách")
        expect(notes).to_have_count(1)
        expect(notes.nth(0)).to_have_attribute("data-waiting", "true")
        expect(waiting).to_have_text("Chờ gửi")
        # Second: edited while it waits.
        write("Đề nghị bổ sung bảng biểu")
        expect(notes).to_have_count(2)
        notes.nth(1).get_by_test_id("note-edit").click()
        write("Đề nghị bổ sung bảng biểu quý III, ặ ữ đ")
        expect(notes.nth(1).locator(".note-text")).to_have_text(
            "Đề nghị bổ sung bảng biểu quý III, ặ ữ đ")
        # Third: deleted while it waits.
        write("Ghi nhầm, xóa đi")
        expect(notes).to_have_count(3)
        notes.nth(2).get_by_test_id("note-delete").click()
        expect(notes).to_have_count(2)
        expect(waiting).to_have_count(2)
        expect(conn).to_have_attribute("data-waiting", "2")
        shot(tablet, artifacts, "notes-offline-waiting-810x1080")
        held = tablet.evaluate(NOTES_OUTBOX, me)
        assert [(c["op"], c["text"]) for c in held] == [
            ("add", "Hỏi lại số liệu thu ngân sách"),
            ("add", "Đề nghị bổ sung bảng biểu quý III, ặ ữ đ")], held
        assert server_notes(mine, document_id) == []

        # A reload with no network: the outbox is still there, nothing was sent.
        tablet.reload()
        tablet.wait_for_load_state()
        assert until(lambda: tablet.evaluate(NOTES_OUTBOX, me) is not None)
        assert [c["key"] for c in tablet.evaluate(NOTES_OUTBOX, me)] == [c["key"] for c in held]
        # Chromium's offline emulation can let a request of the reloaded page out (CI saw the
        # first note arrive, its answer lost): at most the queued notes, each at most once. The
        # key makes the sends that follow apply it once, which the end of the test checks.
        early = [n["text"] for n in server_notes(mine, document_id)]
        assert len(early) == len(set(early)) and set(early) <= {c["text"] for c in held}, early

        # The network returns: the meeting opens again and the outbox is sent, each note once.
        tablet.context.set_offline(False)
        expect(conn).to_have_attribute("data-state", "live")
        assert until(lambda: tablet.evaluate(NOTES_OUTBOX, me) == [])
        expect(conn).to_have_attribute("data-waiting", "0")
        tablet.wait_for_timeout(2000)  # anything sent twice would have landed by now
        texts = [n["text"] for n in server_notes(mine, document_id)]
        assert sorted(texts) == sorted([
            "Hỏi lại số liệu thu ngân sách", "Đề nghị bổ sung bảng biểu quý III, ặ ữ đ"]), texts
        tablet.wait_for_function(IMAGE_LOADED)
        tablet.get_by_test_id("tool-notes").click()
        expect(notes).to_have_count(2)
        expect(waiting).to_have_count(0)
        expect(tablet.locator("[data-testid=note][data-waiting=true]")).to_have_count(0)
        assert sorted(notes.locator(".note-text").all_inner_texts()) == sorted(texts)
        shot(tablet, artifacts, "notes-offline-sent-810x1080")
        errors = [e for e in walk.errors if not any(s in e for s in LOST_NETWORK)
                  and not re.search(r"Failed to load|Failed to fetch", e)]
        assert errors == [], json.dumps(errors, ensure_ascii=False)
