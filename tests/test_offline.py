"""The installable app and the documents kept on the tablet, on the server's side (issue 13
§1, §4): the service worker at /sw.js stamped with this build and its shell, the manifests
and their icons, the snapshot's `offline` (allowed, until when; never for a confidential or a
sealed meeting), and a logout that tells the browser to clear the site's data. The browser's
side is in tests/test_browser_offline.py."""

from __future__ import annotations

import json
import re
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from meetings.db import Database
from meetings.models import Meeting
from phonghop.app import STATIC_DIR, create_app
from phonghop.service_worker import ServiceWorker
from phonghop.settings import Settings


def _stamped(body: str) -> tuple[str, list[str]]:
    build = re.search(r"const BUILD = \"([^\"]+)\";", body)
    shell = re.search(r"const SHELL = (\[.*?\]);", body)
    assert build and shell, body[:400]
    return build.group(1), json.loads(shell.group(1))


def test_the_service_worker_is_served_for_the_whole_site_with_this_build(login) -> None:  # type: ignore[no-untyped-def]
    anonymous = login(None)
    r = anonymous.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["service-worker-allowed"] == "/"
    build, shell = _stamped(r.text)
    assert re.fullmatch(r"[\w.]+-[0-9a-f]{12}", build)
    # The shell is what the app needs to start: the page, its modules, styles and icons.
    for needed in ("/static/index.html", "/static/js/app.js", "/static/js/offline/prefetch.js",
                   "/static/vendor/htm-preact-standalone-3.1.1.mjs", "/static/app.css",
                   "/static/manifest.webmanifest", "/static/icons/icon-192.png"):
        assert needed in shell
    assert "/static/sw.js" not in shell and not any(s.endswith(".md") for s in shell)
    for path in shell:  # every file it will fetch at install is there
        assert anonymous.get(path).status_code == 200, path


def test_a_changed_static_file_makes_a_new_build(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "sw.js").write_text((STATIC_DIR / "sw.js").read_text())
    (static / "js" / "app.js").write_text("// one")
    first = ServiceWorker(static)
    (static / "js" / "app.js").write_text("// two")
    second = ServiceWorker(static)
    assert first.build != second.build
    assert _stamped(second.body)[1] == ["/static/js/app.js"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifests_name_the_app_in_both_languages_with_its_icons(login) -> None:  # type: ignore[no-untyped-def]
    anonymous = login(None)
    shell = anonymous.get("/meetings").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in shell
    names = {}
    for path in ("/static/manifest.webmanifest", "/static/manifest.en.webmanifest"):
        r = anonymous.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/manifest+json")
        manifest = r.json()
        names[manifest["lang"]] = manifest["name"]
        assert manifest["start_url"] == "/meetings" and manifest["scope"] == "/"
        assert manifest["display"] == "standalone"
        purposes = set()
        for icon in manifest["icons"]:
            image = anonymous.get(icon["src"])
            assert image.status_code == 200
            assert f"{_png_size(image.content)[0]}x{_png_size(image.content)[1]}" == icon["sizes"]
            purposes.add((icon["sizes"], icon["purpose"]))
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    assert "Phòng họp" in names["vi"] and "meeting room" in names["en"]


def test_logging_out_tells_the_browser_to_clear_the_sites_data(login) -> None:  # type: ignore[no-untyped-def]
    member = login("uyvien1")
    r = member.post("/api/logout")
    assert r.status_code == 200
    assert r.headers["clear-site-data"] == '"cache", "storage"'
    assert member.get("/api/me").status_code == 401


def _offline(client, meeting_id: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = client.get(f"/api/meetings/{meeting_id}")
    assert r.status_code == 200, r.text
    return r.json()["offline"]  # type: ignore[no-any-return]


def _set(settings: Settings, meeting_id: int, **values: object) -> None:
    db = Database(settings.db_url)
    try:
        with db.write() as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            for key, value in values.items():
                setattr(meeting, key, value)
            session.add(meeting)
    finally:
        db.dispose()


def test_the_snapshot_says_until_when_the_tablet_keeps_the_pages(login, settings, demo) -> None:  # type: ignore[no-untyped-def]
    member = login("uyvien1")
    meeting_id = demo.meeting_id
    before = datetime.now(UTC)
    offline = _offline(member, meeting_id)
    assert offline["allowed"] is True and offline["confidential"] is False
    # Not over yet: a day after its start, or after now if it has begun.
    expires = datetime.fromisoformat(offline["expires_at"])
    assert expires >= before + timedelta(hours=24) - timedelta(seconds=1)
    assert expires <= max(before, _start(settings, meeting_id)) + timedelta(hours=24, seconds=5)
    # Over: a day after its end, whenever the tablet asks.
    ended = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    _set(settings, meeting_id, status="ended", ended_at=ended)
    assert datetime.fromisoformat(_offline(member, meeting_id)["expires_at"]) \
        == ended + timedelta(hours=24)
    # Sealed: the minutes are signed, the pages go.
    _set(settings, meeting_id, status="sealed")
    assert _offline(member, meeting_id)["allowed"] is False


def _start(settings: Settings, meeting_id: int) -> datetime:
    db = Database(settings.db_url)
    try:
        with db.read() as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            start = meeting.starts_at
    finally:
        db.dispose()
    return start.replace(tzinfo=UTC) if start.tzinfo is None else start


def test_a_confidential_meeting_is_never_kept_on_the_tablet(login, demo) -> None:  # type: ignore[no-untyped-def]
    secretary, member = login("thuky"), login("uyvien1")
    r = secretary.put(f"/api/meetings/{demo.meeting_id}/document-policy",
                      json={"confidential": True, "downloads": False})
    assert r.status_code == 200, r.text
    offline = _offline(member, demo.meeting_id)
    assert offline == offline | {"allowed": False, "confidential": True}


def test_how_long_the_pages_are_kept_is_a_setting(settings: Settings, demo) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    from meetings.demo.seed import DEMO_PASSWORD

    app = create_app(replace(settings, offline_cache_hours=2.0))
    with TestClient(app) as client:
        assert client.post("/api/login", json={"username": "uyvien1",
                                               "password": DEMO_PASSWORD}).status_code == 200
        _set(settings, demo.meeting_id, status="ended",
             ended_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
        assert _offline(client, demo.meeting_id)["expires_at"] == "2026-11-30T11:30:00+00:00"
