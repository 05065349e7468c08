"""Page-visible benchmark (issue 13 §2; run on demand, not part of the test suite): how long
from the secretary's page change until the new page image is painted on real tablets.

In one run, in one meeting (bench/support.py's seeded room, with its 20-page document and a
second one, the one presented):

- `--chromium` (4) real headless Chromium tablets (Debian's /usr/bin/chromium, device
  emulation: 810×1080 CSS px, 2 device pixels per CSS pixel, touch) on the member's reader
  `/m/{id}`, following the presenter, and N (`--n`, 1000) socket tablets (bench/tablets.py, in
  `--processes` processes, as bench/fanout.py makes them). The secretary turns pages over its
  own WebSocket (the `present` command, as bench/fanout.py does), `--rounds` (30) times, in a
  second document of 3 × rounds + 2 pages, 3 pages on each time: the new page is never one the
  reader has shown or fetched ahead (it fetches the next and the previous page into the
  browser's memory), so each is a page the tablet has to draw from the offline copy or fetch.
- Visible: on each Chromium tablet, from just before the secretary's command is sent until the
  reader's page <img> for the new page has fired `load` and two animation frames have passed
  (the second requestAnimationFrame runs once the frame holding the image is painted: the
  figure is at most one frame late). The page's `performance.now()` is mapped to Python's
  monotonic clock through the round trip of `page.evaluate` (the shortest of 15). Also reported,
  where the time goes: the message on the tablet's own socket, the image's fetch (resource
  timing), its `load`, and the frames after it. Headless Chromium here draws with the CPU
  (`--disable-gpu`, as the tests run it): decoding and drawing a 1600 px page take it longer
  than a tablet's GPU.
  Two phases, each with fresh browser contexts:
  `cached`: the meeting saved on the tablet (the service worker in control, the reader's
  offline copy complete: `data-kind="saved"`, and every page at the reader's width found in
  `phonghop-meeting-{id}`): the page is drawn from Cache Storage;
  `uncached`: the same tablet without Cache Storage and without the service worker, as a
  tablet reaching the server over plain http (not a secure context) has: the reader's own code
  then saves nothing (offline/store.js `canKeep()`), and every page comes from the server. The
  browser's HTTP cache is disabled too (DevTools `Network.setCacheDisabled`), so that a page
  shown in an earlier round is fetched again, as a page never seen is. (Blocking the prefetch's
  requests with Playwright's routing would put every page request through the driver, and a
  confidential meeting would measure the watermarking instead: neither is the plain case.)
- Baseline, same rounds: the time until the page-change message has reached the last of the N
  socket tablets (as bench/fanout.py reports it), p50/p99 over the rounds.
- Bytes per tablet per meeting: every page image of the meeting's documents at the Chromium
  tablet's width (and the thumbnails the offline copy also keeps), against the page-change
  messages alone (the publication frame, as the socket sends it uncompressed, once per page).
- Burst (`--burst-rounds`, 3, interleaved): N concurrent HTTP clients (aiohttp, each with its
  own connection and a member's login cookie) ask at once for a page already rendered on the
  server, at the tablet's width: the app alone (`phonghop serve`), the app behind nginx with
  `PHONGHOP_ACCEL_REDIRECT=/_pages/` (the shipped site's internal location, as
  bench/page_serve.py starts it), and nginx sending a static file of the same size (its floor).
  Fresh connections each time: uvicorn closes a connection idle for 5 s, so tablets listening
  to a speaker come back on new ones. The socket tablets have left by then.

One JSON object per line; the last is the summary, each figure beside its same-run baseline.

    .venv/bin/python bench/page_visible.py                    # N = 1000, 4 Chromium, 30 rounds
    .venv/bin/python bench/page_visible.py --quick            # N = 100, 2 Chromium, 10 rounds
    .venv/bin/python bench/page_visible.py --n 500 --chromium 2 --rounds 20 --burst-rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import Console, Workers  # noqa: E402
from bench.page_serve import nginx_config, wait_up  # noqa: E402
from bench.support import (  # noqa: E402
    Room,
    emit,
    free_port,
    percentile,
    seed_room,
    start_phonghop,
    stop,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/test_browser.py launches it
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
DEVICE = {"viewport": {"width": 810, "height": 1080}, "device_scale_factor": 2,
          "has_touch": True, "is_mobile": True}

# In every tablet page, before the app's own scripts: each `load` of the reader's page image
# (data-testid=viewer-img), then two animation frames, is logged with the page's clock and the
# image's resource timing entry; `__pv.wait(page, since, ms)` answers the first such entry for
# `page` loaded after `since` (or null after `ms`).
HOOK = """(() => {
  performance.setResourceTimingBufferSize(100000);
  const log = [];
  const messages = [];
  const waiters = [];
  // When each page change reaches this page's own socket.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' || !event.data.includes('"presentation"')) return;
        const at = performance.now();
        try {
          const m = JSON.parse(event.data);
          if (m.type === 'presentation' && m.data) messages.push({ page: m.data.page, at });
        } catch { /* not ours */ }
      });
    }
  };
  window.__pv = {
    log,
    wait(page, since, ms) {
      const hit = () => log.find((e) => e.page === page && e.loaded >= since) || null;
      return new Promise((resolve) => {
        const found = hit();
        if (found) { resolve(found); return; }
        const timer = setTimeout(() => resolve(null), ms);
        waiters.push(() => {
          const f = hit();
          if (f) { clearTimeout(timer); resolve(f); }
          return Boolean(f);
        });
      });
    },
  };
  document.addEventListener('load', (event) => {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || img.dataset.testid !== 'viewer-img') return;
    const loaded = performance.now();
    const page = Number(img.dataset.page);
    const src = img.currentSrc || img.src;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const painted = performance.now();
      // The image's own fetch, if it made one (none: the browser's memory held it).
      const entries = performance.getEntriesByName(src);
      const rt = entries.length ? entries[entries.length - 1] : null;
      const message = messages.filter((m) => m.page === page && m.at <= loaded).pop();
      log.push({ page, src, loaded, painted, message: message ? message.at : null,
        fetch_start: rt ? rt.startTime : null, response_end: rt ? rt.responseEnd : null,
        worker: rt ? rt.workerStart > 0 : false, transfer: rt ? rt.transferSize : null });
      for (let i = waiters.length - 1; i >= 0; i -= 1) if (waiters[i]()) waiters.splice(i, 1);
    }));
  }, true);
})();"""

# A tablet without Cache Storage (as over plain http): the reader's canKeep() is false.
NO_CACHE_STORAGE = "delete window.caches;"

IMAGE_LOADED = """() => { const i = document.querySelector('[data-testid=viewer-img]');
  return i && i.complete && i.naturalWidth > 0; }"""
CONTROLLED = "() => navigator.serviceWorker.controller !== null"
# How many of the document's pages, at the width of the reader's image, the meeting's cache holds.
KEPT = """async ([meeting, count]) => {
  const src = document.querySelector('[data-testid=viewer-img]').src;
  const cache = await caches.open(`phonghop-meeting-${meeting}`);
  let kept = 0;
  for (let n = 1; n <= count; n += 1) {
    if (await cache.match(src.replace(/\\/pages\\/\\d+\\?/, `/pages/${n}?`))) kept += 1;
  }
  return kept;
}"""


class Secretary(Console):
    """bench/fanout.py's secretary socket, which also keeps the size of each page-change
    publication it receives (the same frame every tablet in the meeting gets)."""

    frames: list[int]

    async def _read(self) -> None:
        self.frames = []
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
            if message.get("type") == "presentation" and "channel" in message:
                self.frames.append(len(raw.encode() if isinstance(raw, str) else raw))
            future = self.replies.pop(message.get("id", -1), None)
            if future is not None:
                future.set_result(message)


@dataclass
class Tablet:
    context: Any
    page: Any
    name: str
    offset: float = 0.0  # Python monotonic seconds = browser ms / 1000 + offset
    rtt_ms: float = 0.0
    errors: list[str] = field(default_factory=list)


async def open_tablet(browser: Any, base: str, cookie: str, meeting_id: int, name: str, *,
                      cached: bool) -> Tablet:
    context = await browser.new_context(**DEVICE,
                                        service_workers="allow" if cached else "block")
    key, _, value = cookie.partition("=")
    await context.add_cookies([{"name": key, "value": value, "url": base}])
    if not cached:
        await context.add_init_script(NO_CACHE_STORAGE)
    await context.add_init_script(HOOK)
    page = await context.new_page()
    tablet = Tablet(context, page, name)
    page.on("pageerror", lambda e: tablet.errors.append(str(e)))
    if not cached:
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await page.goto(f"{base}/m/{meeting_id}")
    await page.wait_for_function(IMAGE_LOADED, timeout=120_000)
    return tablet


async def calibrate(tablet: Tablet, samples: int = 15) -> None:
    """The browser's performance.now() against time.monotonic(): the offset seen by the
    quickest of `samples` round trips, taken at its middle."""
    best = (math.inf, 0.0)
    for _ in range(samples):
        a = time.monotonic()
        now_ms = float(await tablet.page.evaluate("performance.now()"))
        b = time.monotonic()
        if b - a < best[0]:
            best = (b - a, (a + b) / 2 - now_ms / 1000)
    tablet.rtt_ms, tablet.offset = round(best[0] * 1000, 3), best[1]


def stats(values: list[float], prefix: str = "") -> dict[str, float]:
    """p50/p95/p99/max in ms of values in seconds."""
    return {f"{prefix}{name}_ms": round(percentile(values, q) * 1000, 2) if q else
            round(max(values) * 1000, 2)
            for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 0.0))}


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


async def run_phase(phase: str, tablets: list[Tablet], workers: Workers, console: Secretary,
                    *, targets: list[int], changes_before: int) -> dict[str, Any]:
    """A page change to each of `targets`; each waits for the socket tablets and the Chromium
    ones."""
    rounds = len(targets)
    for tablet in tablets:
        await calibrate(tablet)
    visible: list[float] = []  # every Chromium tablet, every round
    visible_last: list[float] = []  # the last Chromium tablet of each round
    loaded: list[float] = []
    messages: list[float] = []
    # Where a Chromium tablet's time goes: its own socket's message, the image's fetch (from
    # the request to the last byte), its `load` after that, and the two frames after `load`.
    parts: dict[str, list[float]] = {"message_in_browser": [], "message_to_fetch": [],
                                     "fetch": [], "fetch_to_load": [], "load_to_painted": []}
    sources: dict[str, int] = {}
    missed = 0
    for n, page in enumerate(targets, 1):
        t0 = time.monotonic()
        await console.command("present", {"page": page})
        reports = await workers.expect("got", len(workers.procs))
        assert all(int(r[1]) == changes_before + n for r in reports), reports
        messages.append(max(float(r[2]) for r in reports) - t0)
        seen = await asyncio.gather(*(
            t.page.evaluate("([p, since, ms]) => window.__pv.wait(p, since, ms)",
                            [page, (t0 - t.offset) * 1000 - 50, 30_000]) for t in tablets))
        last = 0.0
        for tablet, event in zip(tablets, seen, strict=True):
            if event is None:
                missed += 1
                continue
            painted = event["painted"] / 1000 + tablet.offset - t0
            visible.append(painted)
            loaded.append(event["loaded"] / 1000 + tablet.offset - t0)
            last = max(last, painted)
            fresh = (event["fetch_start"] is not None
                     and event["fetch_start"] / 1000 + tablet.offset >= t0 - 0.05)
            parts["load_to_painted"].append((event["painted"] - event["loaded"]) / 1000)
            if event["message"] is not None:
                parts["message_in_browser"].append(event["message"] / 1000 + tablet.offset - t0)
            if fresh:
                parts["fetch"].append((event["response_end"] - event["fetch_start"]) / 1000)
                parts["fetch_to_load"].append((event["loaded"] - event["response_end"]) / 1000)
                if event["message"] is not None:
                    parts["message_to_fetch"].append(
                        (event["fetch_start"] - event["message"]) / 1000)
            source = ("memory" if not fresh else "service_worker" if event["worker"]
                      else "network" if event["transfer"] else "http_cache")
            sources[source] = sources.get(source, 0) + 1
        visible_last.append(last)
        await asyncio.sleep(0.25)
    result: dict[str, Any] = {
        "phase": phase, "chromium_tablets": len(tablets), "rounds": rounds,
        **stats(visible, "visible_"), **stats(loaded, "load_event_"),
        **stats(visible_last, "visible_last_tablet_"),
        **stats(messages, "message_last_socket_"),
        "ratio_visible_p50_vs_message_p50": ratio(percentile(visible, 0.5),
                                                  percentile(messages, 0.5)),
        "ratio_visible_p99_vs_message_p99": ratio(percentile(visible, 0.99),
                                                  percentile(messages, 0.99)),
        "image_from": sources, "not_painted_within_30s": missed,
        "breakdown_p50_ms": {k: round(percentile(v, 0.5) * 1000, 2) for k, v in parts.items()
                             if v},
        "breakdown_p99_ms": {k: round(percentile(v, 0.99) * 1000, 2) for k, v in parts.items()
                             if v},
        "clock_rtt_ms": max(t.rtt_ms for t in tablets),
        "page_errors": sum(len(t.errors) for t in tablets),
    }
    return result


async def ready_cached(tablet: Tablet, meeting_id: int, pages: int) -> None:
    """The service worker in control and the whole document saved at the reader's width."""
    await tablet.page.wait_for_function(CONTROLLED, timeout=60_000)
    await tablet.page.wait_for_selector(
        '[data-testid=offline-status][data-kind="saved"]', state="attached", timeout=300_000)
    kept = await tablet.page.evaluate(KEPT, [meeting_id, pages])
    assert kept == pages, f"{tablet.name}: {kept}/{pages} pages in the meeting's cache"


async def ready_uncached(tablet: Tablet) -> None:
    assert await tablet.page.evaluate("() => !('caches' in window)")
    assert await tablet.page.evaluate("() => navigator.serviceWorker.controller === null")
    assert await tablet.page.locator(
        '[data-testid=offline-status][data-kind="saved"]').count() == 0


async def close_all(tablets: list[Tablet]) -> None:
    for tablet in tablets:
        await tablet.context.close()


def reader_width(src: str) -> int:
    found = re.search(r"[?&]w=(\d+)", src)
    assert found is not None, src
    return int(found.group(1))


async def measure_bytes(http: httpx.AsyncClient, documents: list[dict[str, Any]], width: int,
                        frame: int, tablets: int) -> dict[str, Any]:
    """The meeting's pages as a tablet gets them, against the page-change messages."""
    count = sum(int(d["page_count"]) for d in documents)

    async def total(w: int) -> int:
        size = 0
        for d in documents:
            for n in range(1, int(d["page_count"]) + 1):
                r = await http.get(f"/api/documents/{d['id']}/pages/{n}?w={w}"
                                   f"&r={d['sha256'][:16]}")
                assert r.status_code == 200, r.text
                size += len(r.content)
        return size

    images = await total(width)
    thumbs = await total(160)
    messages = frame * count
    return {"bytes": "per_tablet_per_meeting", "documents": len(documents), "pages": count,
            "page_width": width,
            "page_image_bytes": images, "mean_page_image_bytes": round(images / count),
            "thumbnail_bytes": thumbs, "message_bytes_per_change": frame,
            "message_bytes": messages,
            "ratio_page_images_vs_messages": ratio(images, messages),
            "ratio_with_thumbnails_vs_messages": ratio(images + thumbs, messages),
            "room_page_image_megabytes": round(images * tablets / 1024**2, 1),
            "room_message_kilobytes": round(messages * tablets / 1024, 1)}


async def burst(url: str, cookies: list[str], n: int, size: int) -> tuple[list[float], int]:
    """N clients at once, each on its own new connection: when each holds the whole image."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=600)) as session:
        t0 = time.monotonic()

        async def one(i: int) -> float | None:
            try:
                async with session.get(url, headers={"Cookie": cookies[i % len(cookies)]}) as r:
                    body = await r.read()
                    if r.status != 200 or len(body) != size:
                        return None
            except aiohttp.ClientError:
                return None
            return time.monotonic() - t0

        done = await asyncio.gather(*(one(i) for i in range(n)))
    return [d for d in done if d is not None], sum(d is None for d in done)


def start_nginx(tmp: Path, room: Room, *, port: int, accel_port: int) -> subprocess.Popen[bytes]:
    """bench/page_serve.py's nginx (the shipped site's /_pages/ location, plain HTTP), with
    room for N clients at once: more connections per worker, and a listen backlog as long as
    uvicorn's (nginx's default, 511, would drop the SYNs of a 1000-client burst)."""
    static_dir = tmp / "static"
    static_dir.mkdir(exist_ok=True)
    config = nginx_config(tmp, port=port, app_port=accel_port,
                          cache_dir=room.data_dir / "cache" / "pages", static_dir=static_dir)
    text = config.read_text()
    text = text.replace("worker_connections 1024;", "worker_connections 8192;")
    text = text.replace("worker_processes 2;", "worker_processes 2;\nworker_rlimit_nofile 20000;")
    text = text.replace(f"listen 127.0.0.1:{port};", f"listen 127.0.0.1:{port} backlog=2048;")
    config.write_text(text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp), "-g", "daemon off;"],
                               stderr=subprocess.DEVNULL)
    (static_dir / "probe").write_bytes(b"ok")
    wait_up(f"http://127.0.0.1:{port}/baseline/probe")
    return process


async def run_bursts(tmp: Path, room: Room, app_port: int, document: dict[str, Any],
                     width: int, n: int, rounds: int) -> dict[str, Any]:
    accel_port, nginx_port = free_port(), free_port()
    accel = await asyncio.to_thread(start_phonghop, room, accel_port, tmp / "server-accel.log",
                                    PHONGHOP_ACCEL_REDIRECT="/_pages/")
    proxy = await asyncio.to_thread(start_nginx, tmp, room, port=nginx_port,
                                    accel_port=accel_port)
    cookies = room.member_cookies[:n]
    times: dict[str, list[float]] = {}
    alls: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    sizes: list[int] = []
    rev = document["sha256"][:16]
    try:
        async with httpx.AsyncClient(timeout=60, headers={"Cookie": cookies[0]}) as http:
            for r in range(rounds):
                page = r % int(document["page_count"]) + 1
                path = f"/api/documents/{document['id']}/pages/{page}?w={width}&r={rev}"
                # Rendered already (the server renders a meeting's pages ahead), and asked for
                # once through each path: what follows is serving alone.
                direct = await http.get(f"http://127.0.0.1:{app_port}{path}")
                assert direct.status_code == 200, direct.text
                image = direct.content
                through = await http.get(f"http://127.0.0.1:{nginx_port}{path}")
                assert through.status_code == 200 and through.content == image, \
                    (through.status_code, through.headers)
                static = tmp / "static" / f"page-{page}.webp"
                static.write_bytes(image)
                sizes.append(len(image))
                targets = {
                    "app": f"http://127.0.0.1:{app_port}{path}",
                    "nginx_accel": f"http://127.0.0.1:{nginx_port}{path}",
                    "nginx_static": f"http://127.0.0.1:{nginx_port}/baseline/{static.name}",
                }
                for name, url in targets.items():
                    got, bad = await burst(url, cookies, n, len(image))
                    times.setdefault(name, []).extend(got)
                    alls.setdefault(name, []).append(max(got) if got else math.nan)
                    failed[name] = failed.get(name, 0) + bad
                    emit({"burst": name, "round": r + 1, "clients": n, "page": page,
                          "image_bytes": len(image), "failed": bad,
                          "all_hold_it_s": round(max(got), 3) if got else None,
                          **(stats(got) if got else {})})
                    await asyncio.sleep(1.0)
    finally:
        proxy.terminate()
        await asyncio.to_thread(proxy.wait, 10)
        await asyncio.to_thread(stop, accel)
    out: dict[str, Any] = {"clients": n, "rounds": rounds, "image_bytes": sizes}
    for name in times:
        out[name] = {"all_hold_it_s_median": round(statistics.median(alls[name]), 3),
                     **stats(times[name]), "failed": failed[name]}
    floor = out["nginx_static"]
    for name in ("app", "nginx_accel"):
        out[f"ratio_{name}_vs_nginx_static_all"] = ratio(out[name]["all_hold_it_s_median"],
                                                         floor["all_hold_it_s_median"])
        out[f"ratio_{name}_vs_nginx_static_p99"] = ratio(out[name]["p99_ms"], floor["p99_ms"])
    return out


def add_document(room: Room, pages: int) -> None:
    """A second document of `pages` pages on the room's first item, as its secretary adds one."""
    from sqlmodel import select

    from meetings.accounts import actor_of
    from meetings.db import Database
    from meetings.demo.documents import long_pdf
    from meetings.documents.blobs import BlobStore
    from meetings.documents.ingest import read_trusted
    from meetings.models import AgendaItem, BodyMember, Meeting, User
    from meetings.preparation import accept_document

    db = Database(room.database_url)
    with db.write() as session:
        meeting = session.get(Meeting, room.meeting_id)
        assert meeting is not None
        item = session.exec(select(AgendaItem).where(
            AgendaItem.meeting_id == room.meeting_id)).first()
        preparer = session.exec(select(BodyMember).where(
            BodyMember.body_id == meeting.body_id, BodyMember.can_prepare)).first()
        assert item is not None and item.id is not None and preparer is not None
        secretary = session.get(User, preparer.user_id)
        assert secretary is not None
        accept_document(session, BlobStore(room.data_dir / "blobs"), actor_of(secretary),
                        room.meeting_id, item.id, filename="tai-lieu-dai.pdf",
                        ingested=read_trusted(long_pdf(pages)))
    db.dispose()


async def run(args: argparse.Namespace, tmp: Path) -> None:
    from playwright.async_api import async_playwright

    k = args.chromium
    room = await asyncio.to_thread(seed_room, tmp / "data", args.n + 2 * k + 1)
    await asyncio.to_thread(add_document, room, 3 * args.rounds + 2)
    socket_cookies = room.member_cookies[:args.n]
    cached_cookies = room.member_cookies[args.n:args.n + k]
    uncached_cookies = room.member_cookies[args.n + k:args.n + 2 * k]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = await asyncio.to_thread(start_phonghop, room, port, tmp / "server.log")
    http = httpx.AsyncClient(base_url=base, timeout=60, headers={"Cookie": room.secretary_cookie})
    member = httpx.AsyncClient(base_url=base, timeout=120,
                               headers={"Cookie": room.member_cookies[-1]})
    try:
        r = await http.post(f"/api/meetings/{room.meeting_id}/start")
        assert r.status_code == 200, r.text
        snap = (await http.get(f"/api/meetings/{room.meeting_id}")).json()
        item = snap["items"][0]
        documents = [d for i in snap["items"] for d in i["documents"]]
        document = max(item["documents"], key=lambda d: int(d["page_count"]))
        pages = int(document["page_count"])
        assert pages == 3 * args.rounds + 2, documents
        # Cached: 4, 7, ... from page 1; uncached (fresh tablets, opened on the last of those):
        # back down by 3 to page 1. Never a page shown before, or beside one, on that tablet.
        sequences = {"cached": [1 + 3 * i for i in range(1, args.rounds + 1)],
                     "uncached": [1 + 3 * (args.rounds - i) for i in range(1, args.rounds + 1)]}
        r = await http.post(f"/api/meetings/{room.meeting_id}/present",
                            json={"item_id": item["id"], "document_id": document["id"],
                                  "page": 1})
        assert r.status_code == 200, r.text
        emit({"bench": "page_visible", "n": args.n, "chromium_tablets": k,
              "rounds": args.rounds, "burst_rounds": args.burst_rounds,
              "presented_document_pages": pages,
              "meeting_pages": sum(int(d["page_count"]) for d in documents),
              "device": "810x1080 dpr 2 touch", "present": "ws"})

        workers = Workers()
        await workers.start([f"ws://127.0.0.1:{port}/ws"], args.n, args.processes,
                            meeting=room.meeting_id, cookies=socket_cookies, workdir=tmp)
        console = Secretary(f"ws://127.0.0.1:{port}/ws", room.secretary_cookie,
                            room.meeting_id)
        await console.open()
        results: dict[str, dict[str, Any]] = {}
        changes = 0
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
            for phase, cookies in (("cached", cached_cookies), ("uncached", uncached_cookies)):
                cached = phase == "cached"
                tablets = [await open_tablet(browser, base, c, room.meeting_id,
                                             f"{phase}-{i}", cached=cached)
                           for i, c in enumerate(cookies)]
                for tablet in tablets:
                    if cached:
                        await ready_cached(tablet, room.meeting_id, pages)
                    else:
                        await ready_uncached(tablet)
                src = await tablets[0].page.get_attribute("[data-testid=viewer-img]", "src")
                width = reader_width(src or "")
                await asyncio.sleep(1.0)  # the saving's last writes settle
                result = await run_phase(phase, tablets, workers, console,
                                         targets=sequences[phase], changes_before=changes)
                changes += args.rounds
                result |= {"n": args.n, "page_width": width}
                emit(result)
                results[phase] = result
                await close_all(tablets)
            await browser.close()
        frame = console.frames[-1]
        await console.close()
        gaps = await workers.stop()
        sent = await measure_bytes(member, documents, width, frame, args.n + k)
        emit(sent)
        bursts = await run_bursts(tmp, room, port, document, width, args.n, args.burst_rounds)
        emit({"burst": "summary", **bursts})
    finally:
        await http.aclose()
        await member.aclose()
        await asyncio.to_thread(stop, server)

    cached_r, uncached_r = results["cached"], results["uncached"]
    emit({
        "summary": "page_visible", "n": args.n, "chromium_tablets": k, "rounds": args.rounds,
        "page_width": width, "socket_gaps_or_duplicates": gaps,
        "cached": {key: cached_r[key] for key in (
            "visible_p50_ms", "visible_p95_ms", "visible_p99_ms", "visible_max_ms",
            "message_last_socket_p50_ms", "message_last_socket_p99_ms",
            "ratio_visible_p50_vs_message_p50", "ratio_visible_p99_vs_message_p99",
            "image_from", "not_painted_within_30s")},
        "uncached": {key: uncached_r[key] for key in (
            "visible_p50_ms", "visible_p95_ms", "visible_p99_ms", "visible_max_ms",
            "message_last_socket_p50_ms", "message_last_socket_p99_ms",
            "ratio_visible_p50_vs_message_p50", "ratio_visible_p99_vs_message_p99",
            "image_from", "not_painted_within_30s")},
        "target_cached_visible_p99_ms": 100,
        "cached_visible_p99_within_target": cached_r["visible_p99_ms"] <= 100,
        "bytes_per_tablet_per_meeting": {
            "page_images": sent["page_image_bytes"], "thumbnails": sent["thumbnail_bytes"],
            "messages": sent["message_bytes"],
            "ratio_page_images_vs_messages": sent["ratio_page_images_vs_messages"]},
        "burst": {
            "clients": bursts["clients"],
            **{f"{name}_all_hold_it_s": bursts[name]["all_hold_it_s_median"]
               for name in ("app", "nginx_accel", "nginx_static")},
            **{f"{name}_p99_ms": bursts[name]["p99_ms"]
               for name in ("app", "nginx_accel", "nginx_static")},
            "ratio_app_vs_nginx_static_all": bursts["ratio_app_vs_nginx_static_all"],
            "ratio_nginx_accel_vs_nginx_static_all":
                bursts["ratio_nginx_accel_vs_nginx_static_all"],
            "failed": {name: bursts[name]["failed"]
                       for name in ("app", "nginx_accel", "nginx_static")}},
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="socket tablets (and burst clients)")
    parser.add_argument("--chromium", type=int, default=4, help="Chromium tablets per phase")
    parser.add_argument("--rounds", type=int, default=30, help="page changes per phase")
    parser.add_argument("--burst-rounds", type=int, default=3,
                        help="bursts per server, interleaved")
    parser.add_argument("--processes", type=int, default=4, help="socket tablet processes")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: N = 100, 2 Chromium tablets, 10 rounds, 2 bursts")
    args = parser.parse_args()
    if args.quick:
        args.n, args.chromium, args.rounds, args.burst_rounds = 100, 2, 10, 2
    if not Path(CHROMIUM).exists():
        sys.exit(f"bench/page_visible.py needs Debian's Chromium at {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="phonghop-page-visible-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
