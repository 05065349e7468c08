"""The installable app and a meeting saved on the tablet (issue 13 §1, §2, §4), in Debian's
Chromium against the real server on 127.0.0.1: the manifest is linked and the service worker
takes control; a member opening the meeting sees the pages being saved ("Đã tải 12/12 trang
về máy") and finds every page of every document in `phonghop-meeting-<id>` at the width the
reader asks for; with the network gone, turning to a page not yet seen draws it from that
cache (the service worker answers); logging out leaves no cache and no database; a meeting
past its expiry is deleted at the next start of the app, offline; a confidential meeting is
never saved; with too little space only the current and the next item are kept."""

from __future__ import annotations

import re
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from meetings.demo.seed import DEMO_PASSWORD
from tests import document_versions as versions
from tests.conftest import LiveServer, require_tool
from tests.helpers import record_quorum
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium
from tests.test_browser_reader import IMAGE_LOADED, asked_width, device_page, present, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

CONTROLLED = "() => navigator.serviceWorker.controller !== null"

KEPT = """async (id) => {
  const names = await caches.keys();
  if (!names.includes(`phonghop-meeting-${id}`)) return null;
  const cache = await caches.open(`phonghop-meeting-${id}`);
  return (await cache.keys()).map((r) => r.url);
}"""

DATABASES = "async () => (await indexedDB.databases()).map((d) => d.name)"

RECORD = """async (id) => new Promise((resolve, reject) => {
  const open = indexedDB.open('phonghop-offline', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('meetings', { keyPath: 'id' });
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('meetings').objectStore('meetings').get(id);
    get.onsuccess = () => { db.close(); resolve(get.result || null); };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""

# A meeting kept on the device as the app keeps one: its record, and a page in its cache.
PLANT = """async ([id, expires]) => {
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('phonghop-offline', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('meetings', { keyPath: 'id' });
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('meetings', 'readwrite');
      tx.objectStore('meetings').put({ id, expires_at: expires, saved_at: 'earlier' });
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  });
  const cache = await caches.open(`phonghop-meeting-${id}`);
  await cache.put(`/api/documents/${id}/pages/1?w=800&r=0000`, new Response('page'));
}"""


def until(page: Page, script: str, arg: Any = None, seconds: float = 15) -> None:
    """Waits for an async script to answer true (wait_for_function takes a promise for true)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {script}"
        time.sleep(0.1)


def pages_of(snapshot: dict[str, Any]) -> list[tuple[int, int, str, int]]:
    """(item, document, sha256, page count) of every document on the agenda, in order."""
    return [(item["id"], d["id"], d["sha256"], d["page_count"])
            for item in snapshot["items"] for d in item["documents"]]


def started(server: LiveServer, item: int = 0) -> dict[str, Any]:
    """The demo meeting running, the first document of its item `item` presented at page 1."""
    meeting_id = server.demo.meeting_id
    with closing(server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        record_quorum(http, meeting_id)
        snap = http.get(f"/api/meetings/{meeting_id}").json()
        shown = snap["items"][item]
        present(http, meeting_id, item_id=shown["id"], document_id=shown["documents"][0]["id"],
                page=1)
        return snap


def saved_status(page: Page, total: int) -> None:
    from playwright.sync_api import expect

    status = page.get_by_test_id("offline-status")
    expect(status).to_have_attribute("data-kind", "saved", timeout=90_000)
    expect(status).to_have_attribute("data-total", str(total))
    expect(status).to_have_attribute("data-done", str(total))
    expect(status).to_contain_text(f"Đã tải {total}/{total} trang về máy")
    expect(status).to_contain_text("dung lượng đang dùng")


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize(("width", "height", "dpr"), [(810, 1080, 2), (1280, 800, 1.5)])
def test_the_meeting_is_saved_on_the_tablet_and_read_offline(
        live_server: LiveServer, artifacts: Path | None, width: int, height: int,
        dpr: float) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    snap = started(live_server)
    documents = pages_of(snap)
    total = sum(count for *_, count in documents)
    assert total >= 4 and documents[0][3] >= 3
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             width, height, dpr, True)
        # Installable: the manifest is linked, the worker controls the page.
        manifest = tablet.evaluate(
            "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
        assert manifest["short_name"] == "Phòng họp" and manifest["lang"] == "vi"
        tablet.wait_for_function(CONTROLLED, timeout=30_000)
        tablet.wait_for_function(IMAGE_LOADED)
        # The progress shows while pages come in, then every page is saved.
        expect(tablet.get_by_test_id("offline-status")).to_contain_text(
            re.compile(rf"Đã tải \d+/{total} trang về máy"))
        saved_status(tablet, total)
        # The page bar counts the pages; a tap on the count tells the whole line over it.
        chip = tablet.get_by_test_id("offline-chip")
        expect(chip).to_have_text(f"{total}/{total}")
        chip.click()
        expect(tablet.locator(".offline-pop")).to_be_visible()
        expect(tablet.locator(".offline-pop")).to_contain_text("đọc được khi mất mạng")
        shot(tablet, artifacts, f"offline-saved-{width}x{height}")
        chip.click()
        expect(tablet.locator(".offline-pop")).to_be_hidden()
        kept = tablet.evaluate(KEPT, meeting_id)
        wide = asked_width(tablet)
        # Every page at the reader's width, and its thumbnail for the strip under the page.
        expected = {f"{live_server.url}/api/documents/{doc}/pages/{n}?w={w}&r={sha[:16]}"
                    for _item, doc, sha, count in documents for n in range(1, count + 1)
                    for w in (wide, 160)}
        assert set(kept) == expected
        record = tablet.evaluate(RECORD, meeting_id)
        # A running meeting: kept for a day after now (the server says so at each opening).
        assert record is not None
        kept_until = datetime.fromisoformat(record["expires_at"])
        assert kept_until >= datetime.fromisoformat(snap["offline"]["expires_at"])
        assert kept_until - datetime.now(UTC) > timedelta(hours=23)
        assert tablet.evaluate("async () => (await navigator.storage.estimate()).usage") > 0

        # The network goes: a page never shown comes from the saved copy.
        tablet.context.set_offline(True)
        assert tablet.evaluate("() => navigator.onLine") is False
        answers: list[tuple[str, bool]] = []
        failed: list[str] = []
        tablet.on("response", lambda r: "/pages/" in r.url
                  and answers.append((r.url, r.from_service_worker)))
        tablet.on("requestfailed", lambda r: "/pages/" in r.url and failed.append(r.url))
        for n in (2, 3):
            tablet.get_by_test_id("page-next").click()
            expect(tablet.get_by_test_id("viewer-img")).to_have_attribute("data-page", str(n))
            tablet.wait_for_function(IMAGE_LOADED)
        # Page 3 was never on screen online (page 2 was fetched ahead): the cache drew it.
        assert any(f"/pages/3?w={wide}&" in url for url, _ in answers), answers
        assert all(from_worker for _, from_worker in answers), answers
        assert not failed, failed
        shot(tablet, artifacts, f"offline-reading-{width}x{height}")
        tablet.context.set_offline(False)

        # Logging out leaves nothing of the meeting on the device.
        tablet.get_by_test_id("logout").click()
        tablet.wait_for_url(re.compile(r"/login"))
        until(tablet, "async () => (await caches.keys()).length === 0")
        assert tablet.evaluate(DATABASES) == []
        assert not walk.errors, walk.errors


@pytest.mark.browser
@pytest.mark.server
def test_an_expired_meeting_goes_at_the_next_start_even_offline(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = device_page(browser, live_server, walk, "uyvien1", "/meetings", 810, 1080, 2, True)
        page.wait_for_function(CONTROLLED, timeout=30_000)
        page.get_by_test_id("logout").wait_for()
        page.evaluate(PLANT, [901, "2026-01-01T00:00:00+00:00"])  # long past
        page.evaluate(PLANT, [902, "2999-01-01T00:00:00+00:00"])
        page.evaluate("async () => caches.open('phonghop-meeting-903')")  # no record: unknown
        assert {"phonghop-meeting-901", "phonghop-meeting-902", "phonghop-meeting-903"} \
            <= set(page.evaluate("async () => caches.keys()"))
        page.context.set_offline(True)
        page.reload()  # the app starts again from its saved shell, with no network
        until(page, """async () => {
          const names = await caches.keys();
          return !names.includes('phonghop-meeting-901') && !names.includes('phonghop-meeting-903');
        }""")
        assert "phonghop-meeting-902" in page.evaluate("async () => caches.keys()")
        assert page.evaluate(RECORD, 901) is None
        assert page.evaluate(RECORD, 902) is not None
        page.context.set_offline(False)
        # In English, the app installs under its English name.
        page.get_by_test_id("lang-toggle").click()
        manifest = page.evaluate(
            "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
        assert manifest["lang"] == "en" and manifest["name"] == "phonghop — Paperless meeting room"
        # Logging out with no network: the server never answers, the app wipes by itself.
        page.context.set_offline(True)
        page.get_by_test_id("logout").click()
        page.wait_for_url(re.compile(r"/login"))
        until(page, "async () => (await caches.keys()).length === 0")
        assert page.evaluate(DATABASES) == []
        page.context.set_offline(False)
        # What the app asked the server while offline failed, as it should; nothing else did.
        errors = [e for e in walk.errors if "ERR_INTERNET_DISCONNECTED" not in e]
        assert not errors, errors


@pytest.mark.browser
@pytest.mark.server
def test_a_confidential_meeting_is_not_saved_and_space_running_short_keeps_two_items(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    # The second item is on: the current and the next item are the second and the third (which
    # has no document), so the first item's document is the one to give up.
    snap = started(live_server, item=1)
    documents = pages_of(snap)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        with closing(live_server.session("thuky")) as http:
            policy(http, meeting_id, confidential=True)
            tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                                 810, 1080, 2, True)
            tablet.wait_for_function(IMAGE_LOADED)
            status = tablet.get_by_test_id("offline-status")
            expect(status).to_have_attribute("data-kind", "confidential")
            expect(status).to_contain_text("Cuộc họp có nội dung mật: tài liệu không được lưu")
            shot(tablet, artifacts, "offline-confidential-810x1080")
            assert tablet.evaluate(KEPT, meeting_id) is None
            tablet.context.close()

            policy(http, meeting_id, confidential=False)
        # A device with room for about one document: the current and the next item stay.
        context = browser.new_context(viewport={"width": 810, "height": 1080},
                                      device_scale_factor=2, has_touch=True, is_mobile=True)
        with httpx.Client(base_url=live_server.url, timeout=30) as login:
            r = login.post("/api/login", json={"username": "uyvien1", "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            context.add_cookies([{"name": c.name, "value": c.value or "", "url": live_server.url}
                                 for c in login.cookies.jar])
        tablet = walk.watch(context.new_page(), "uyvien1-short")
        cdp = context.new_cdp_session(tablet)
        cdp.send("Storage.overrideQuotaForOrigin",
                 {"origin": live_server.url, "quotaSize": 1_300_000})
        tablet.goto(f"{live_server.url}/m/{meeting_id}")
        status = tablet.get_by_test_id("offline-status")
        expect(status).to_contain_text("Máy không đủ dung lượng trống", timeout=90_000)
        expect(status).to_have_attribute("data-kind", "saved", timeout=90_000)
        shot(tablet, artifacts, "offline-short-810x1080")
        kept = tablet.evaluate(KEPT, meeting_id) or []
        two_items = {snap["items"][1]["id"], snap["items"][2]["id"]}
        allowed = {doc for item, doc, _sha, _n in documents if item in two_items}
        assert kept, "nothing kept"
        assert {int(re.search(r"/documents/(\d+)/", u).group(1)) for u in kept} == allowed  # type: ignore[union-attr]
        assert not walk.errors, walk.errors


def policy(http: httpx.Client, meeting_id: int, *, confidential: bool) -> None:
    r = http.put(f"/api/meetings/{meeting_id}/document-policy",
                 json={"confidential": confidential, "downloads": not confidential})
    assert r.status_code == 200, r.text


@pytest.mark.browser
@pytest.mark.server
def test_a_new_version_replaces_its_pages_only_and_sealing_deletes_the_meeting(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    documents = pages_of(started(live_server))
    total = sum(count for *_, count in documents)
    (_, first, _, _), (_, second, second_sha, _) = documents[:2]
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             1280, 800, 1.5, True)
        saved_status(tablet, total)
        before = tablet.evaluate(KEPT, meeting_id)
        assert len(before) == 2 * total  # pages and thumbnails

        def of(urls: list[str], document: int) -> set[str]:
            return {u for u in urls if f"/documents/{document}/" in u}

        # The secretary replaces the second document with a two-page version.
        with closing(live_server.session("thuky")) as http:
            r = http.post(f"/api/documents/{second}/versions",
                          files={"file": ("du-thao-v2.pdf", versions.pdf([
                              versions.paragraphs(2, seed=1), versions.paragraphs(2, seed=2)]),
                              "application/pdf")},
                          headers={"Prefer": "wait=60"})
            assert r.status_code == 201, r.text
            new_sha = http.get(f"/api/meetings/{meeting_id}").json()["items"][1]["documents"][0][
                "sha256"]
        assert new_sha != second_sha
        until(tablet, """async ([id, doc, rev]) => {
          const cache = await caches.open(`phonghop-meeting-${id}`);
          const urls = (await cache.keys()).map((r) => r.url)
            .filter((u) => u.includes(`/documents/${doc}/`));
          return urls.length === 4 && urls.every((u) => u.endsWith(`&r=${rev}`));
        }""", [meeting_id, second, new_sha[:16]], seconds=60)
        after = tablet.evaluate(KEPT, meeting_id)
        assert of(after, first) == of(before, first)  # the other document's pages untouched
        assert not any(second_sha[:16] in u for u in after)

        # The minutes are signed: the meeting leaves the tablet.
        with closing(live_server.session("thuky")) as http:
            assert http.post(f"/api/meetings/{meeting_id}/end").status_code == 200
            r = http.post(f"/api/meetings/{meeting_id}/minutes/seal")
            assert r.status_code == 200, r.text
        expect(tablet.get_by_test_id("offline-status")).to_have_attribute("data-kind", "sealed")
        expect(tablet.get_by_test_id("offline-status")).to_contain_text(
            "Biên bản đã ký số: tài liệu lưu trên máy đã được xóa.")
        until(tablet, f"""async () =>
          !(await caches.keys()).includes('phonghop-meeting-{meeting_id}')""")
        assert tablet.evaluate(RECORD, meeting_id) is None
        shot(tablet, artifacts, "offline-sealed-1280x800")
        assert not walk.errors, walk.errors


@pytest.mark.browser
@pytest.mark.server
def test_chromium_clears_the_site_on_the_logout_answer_alone(
        live_server: LiveServer, artifacts: Path | None) -> None:
    """Clear-Site-Data does the wiping even without the app's own (a page of another version,
    a tab that closed): Chromium honours it on a secure origin (https, or 127.0.0.1 here)."""
    require_tool(CHROMIUM)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = device_page(browser, live_server, walk, "uyvien1", "/meetings", 810, 1080, 2, True)
        page.get_by_test_id("logout").wait_for()
        page.evaluate(PLANT, [904, "2999-01-01T00:00:00+00:00"])
        assert "phonghop-meeting-904" in page.evaluate("async () => caches.keys()")
        # Away from the app (no script of it runs to wipe anything), and log out from there.
        page.goto(f"{live_server.url}/static/manifest.webmanifest")
        assert "phonghop-meeting-904" in page.evaluate("async () => caches.keys()")
        status = page.evaluate("""async () => (await fetch('/api/logout', {method: 'POST',
          headers: {'Content-Type': 'application/json'}, body: '{}'})).status""")
        assert status == 200
        until(page, "async () => (await caches.keys()).length === 0")
        until(page, "async () => (await indexedDB.databases()).length === 0")


@pytest.mark.browser
@pytest.mark.server
def test_a_session_ended_elsewhere_wipes_the_tablet(live_server: LiveServer,
                                                     artifacts: Path | None) -> None:
    """The login is revoked while the tablet reads (logged out from another device; an
    administrator's deactivation revokes the same way): its socket closes with 4100 and the
    app deletes what it kept before it shows the login page."""
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    total = sum(count for *_, count in pages_of(started(live_server)))
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             810, 1080, 2, True)
        saved_status(tablet, total)
        cookies = {c["name"]: c["value"] for c in tablet.context.cookies()}
        with httpx.Client(base_url=live_server.url, cookies=cookies, timeout=30) as same_login:
            assert same_login.post("/api/logout").status_code == 200
        tablet.wait_for_url(re.compile(r"/login"))
        until(tablet, "async () => (await caches.keys()).length === 0")
        assert tablet.evaluate(DATABASES) == []


@pytest.mark.browser
@pytest.mark.server
def test_the_secretary_wipes_a_members_tablet_even_one_that_is_offline(
        live_server: LiveServer, artifacts: Path | None) -> None:
    """A tablet lost or handed on: the secretary wipes its owner's devices from the
    preparation page while the tablet is away from the Wi-Fi; it keeps its pages meanwhile,
    and deletes them, and its outboxes, as soon as it reaches the server again."""
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    total = sum(count for *_, count in pages_of(started(live_server)))
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        tablet = device_page(browser, live_server, walk, "uyvien1", f"/m/{meeting_id}",
                             810, 1080, 2, True)
        saved_status(tablet, total)
        tablet.context.set_offline(True)
        secretary = device_page(browser, live_server, walk, "thuky",
                                f"/m/{meeting_id}/prepare", 1280, 800, 1, False)
        secretary.get_by_test_id("wipe-uyvien1").click()
        dialog = secretary.get_by_test_id("confirm-dialog")
        expect(dialog).to_contain_text("Hoàng Minh Tuấn")
        expect(dialog).to_contain_text("tự xóa khi kết nối lại")
        shot(secretary, artifacts, "offline-wipe-confirm")
        secretary.get_by_test_id("confirm-ok").click()
        expect(secretary.get_by_test_id("wiped")).to_contain_text(
            "Đã yêu cầu xóa dữ liệu trên thiết bị của Hoàng Minh Tuấn")
        # away from the network it cannot know yet: the pages are still there
        time.sleep(1)
        assert tablet.evaluate("async () => (await caches.keys()).length") > 0
        tablet.context.set_offline(False)
        tablet.wait_for_url(re.compile(r"/login"), timeout=60_000)
        until(tablet, "async () => (await caches.keys()).length === 0", seconds=30)
        assert tablet.evaluate(DATABASES) == []
        shot(tablet, artifacts, "offline-wiped-tablet")
        with closing(live_server.session("admin")) as admin:
            entry = admin.get("/api/admin/audit",
                              params={"action": "user.devices_wiped"}).json()["entries"][0]
        assert entry["target"] == "uyvien1" and entry["actor"]["username"] == "thuky"
