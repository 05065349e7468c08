"""On the real server with real tablets: a document appears on tablets when its first page is
ready, the secretary sees ingest progress, a new version reaches tablets live, and a hostile
upload never stops the server from answering nor leaves a process behind."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from meetings.demo import documents as demo_documents
from tests import hostile_files as h
from tests.conftest import LiveServer
from tests.test_documents_hostile import assert_nothing_left_behind
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server


@pytest.fixture
def short_ingest_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server below reads uploads with a 4 s CPU limit (set before it starts)."""
    monkeypatch.setenv("PHONGHOP_INGEST_CPU_SECONDS", "4")


async def tablet(server: LiveServer, username: str) -> Tablet:
    t = Tablet(server.ws_url, await cookie_for(server.url, username), server.demo.meeting_id)
    await t.connect()
    return t


async def logged_in(server: LiveServer, username: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server.url, timeout=60)
    r = await http.post("/api/login", json={"username": username, "password": "phonghop2026"})
    assert r.status_code == 200
    return http


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


async def test_document_appears_with_first_page_ready_and_progress_then_a_new_version(
    short_ingest_limits: None, live_server: LiveServer,
) -> None:
    sec = await logged_in(live_server, "thuky")
    member = await logged_in(live_server, "uyvien1")
    member_tablet = await tablet(live_server, "uyvien1")
    sec_tablet = await tablet(live_server, "thuky")
    r = await sec.post("/api/meetings/1/items/2/documents",
                       files={"file": ("dai.pdf", demo_documents.long_pdf(30), "application/pdf")})
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    added = await member_tablet.wait_for(
        "agenda.changed", lambda d: d.get("document", {}).get("id") == doc["id"])
    assert added["data"]["document"]["page_count"] == 30
    # announced once page 1 is rendered: it is served (how fast: bench/render.py)
    first = await member.get(f"/api/documents/{doc['id']}/pages/1?w=1280")
    assert first.status_code == 200 and first.headers["content-type"] == "image/webp"
    # the secretary (staff channel) sees the pages become ready, up to all of them
    done = await sec_tablet.wait_for("document.progress",
                                     lambda d: d["document_id"] == doc["id"]
                                     and d["ready"] == d["total"], within=120)
    assert done["data"]["total"] == 30
    readies = [e["data"]["ready"] for e in sec_tablet.events if e["type"] == "document.progress"]
    assert readies == sorted(readies) and len(readies) > 2
    assert not [e for e in member_tablet.events if e["type"] == "document.progress"]
    # a new version reaches the tablet live
    r = await sec.post(f"/api/documents/{doc['id']}/versions",
                       files={"file": ("dai-v2.pdf", demo_documents.long_pdf(12),
                                       "application/pdf")})
    assert r.status_code == 201, r.text
    switched = await member_tablet.wait_for("document.version",
                                            lambda d: d["document_id"] == doc["id"])
    assert switched["data"]["version"] == 2 and switched["data"]["page_count"] == 12
    assert switched["data"]["previous_page_count"] == 30
    for t in (member_tablet, sec_tablet):
        await t.close()
    await sec.aclose()
    await member.aclose()


async def test_tablets_are_told_of_a_document_with_page_one_ready_before_the_rest(
    live_server: LiveServer,
) -> None:
    sec = await logged_in(live_server, "thuky")
    member = await logged_in(live_server, "uyvien1")
    member_tablet = await tablet(live_server, "uyvien1")
    sec_tablet = await tablet(live_server, "thuky")
    upload = asyncio.create_task(sec.post(
        "/api/meetings/1/items/2/documents",
        files={"file": ("tai-lieu-dai.pdf", demo_documents.long_pdf(60), "application/pdf")}))
    added = await member_tablet.wait_for(
        "agenda.changed", lambda d: d.get("document", {}).get("filename") == "tai-lieu-dai.pdf",
        within=60)
    doc_id = added["data"]["document"]["id"]
    # when tablets hear of it, page 1 is in the page cache, and that is what they are shown
    (version,) = (await member.get(f"/api/documents/{doc_id}/versions")).json()["versions"]
    sha = version["sha256"]
    cached = live_server.settings.data_dir / "cache" / "pages" / sha[:2] / sha / "1-1280.webp"
    assert cached.exists()
    first = await member.get(f"/api/documents/{doc_id}/pages/1?w=1280")
    assert first.status_code == 200 and first.content == cached.read_bytes()
    # the other pages are pre-rendered after the announcement: the secretary, who sees both
    # on one connection, gets it before any progress, then progress up to all 60 pages
    await sec_tablet.wait_for("document.progress", lambda d: d["document_id"] == doc_id
                              and d["ready"] == d["total"] == 60, within=180)
    order = [e["type"] for e in sec_tablet.events
             if e["data"].get("document_id", e["data"].get("document", {}).get("id")) == doc_id]
    assert order[0] == "agenda.changed" and order.count("agenda.changed") == 1
    assert order.count("document.progress") > 2
    assert (await upload).status_code == 201
    for t in (member_tablet, sec_tablet):
        await t.close()
    await sec.aclose()
    await member.aclose()


async def test_server_keeps_answering_while_bombs_are_read(
    short_ingest_limits: None, live_server: LiveServer,
) -> None:
    sec = await logged_in(live_server, "thuky")
    bombs = [("content.pdf", h.content_bomb()), ("image.pdf", h.decompression_bomb()),
             ("nested.pdf", h.deeply_nested()), ("bomb.docx", h.docx_zip_bomb())]

    async def send(name: str, data: bytes) -> httpx.Response:
        return await sec.post("/api/meetings/1/items/1/documents",
                              files={"file": (name, data, "application/octet-stream")})

    uploads = [asyncio.create_task(send(n, d)) for n, d in bombs]
    await asyncio.sleep(0.5)
    slowest = 0.0
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as probe:
        while not all(u.done() for u in uploads):
            t0 = time.perf_counter()
            assert (await probe.get("/healthz")).status_code == 200
            slowest = max(slowest, time.perf_counter() - t0)
            await asyncio.sleep(0.2)
    # A liveness bound, generous for a busy machine: the event loop was never held for the
    # length of a reading (the bombs take tens of seconds each).
    assert slowest < 5.0, f"the server stalled {slowest:.2f} s while reading uploads"
    codes = [(await u).json()["error"] for u in uploads]
    assert codes == ["too_complex", "image_too_large", "too_complex", "zip_bomb"]
    # the server itself never held a bomb in memory
    assert peak_rss_mb(live_server.process.pid) < 1200  # generous; the bombs unpack to GBs
    assert_nothing_left_behind()
    await sec.aclose()
