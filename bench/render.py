"""Document rendering benchmark (not part of the test suite).

A generated PDF of N pages (default 300) with text, vector drawings and photos is uploaded to
a real server (`python -m phonghop.cli serve`, 2 render workers). Reported, each beside a
baseline measured in the same run:

- seconds from the upload request to the first page visible on a tablet (WebSocket event
  received, then page 1 fetched), beside the upload's own ingest (child-process checks);
- full pre-render rate in the server (WebP, 1280 px) and PyMuPDF PNG at 1280 px in 2
  processes, against `pdftoppm -png -scale-to-x 1280` in 2 processes on the same file;
- peak memory of the server and its render workers;
- cached page images per second with 50 concurrent clients, against `/healthz` (the
  server's floor) with the same clients;
- bytes per page and encode time for WebP, PNG and JPEG on the same pixmaps.

Run: python bench/render.py [--pages 300] [--clients 50] [--requests 3000]
One JSON object per line; the last is the summary.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
import pymupdf
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import emit, free_port, seed_room, start_phonghop, stop  # noqa: E402
from meetings.documents.pages import encode  # noqa: E402
from meetings.minutes.fonts import SerifStyle, font_dir  # noqa: E402

WIDTH = 1280


def photo(seed: int) -> bytes:
    """A photo-like JPEG: smooth gradients with noise (compresses like a photograph)."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    small = Image.new("RGB", (16, 12))
    small.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                   for _ in range(16 * 12)])
    image = small.resize((800, 600), Image.BICUBIC)
    noise = Image.effect_noise((800, 600), 40).convert("RGB")
    image = Image.blend(image, noise, 0.25).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def mixed_pdf(pages: int) -> bytes:
    font = str(font_dir() / SerifStyle.REGULAR.value)
    photos = [photo(n) for n in range(8)]
    text = ("Báo cáo tình hình kinh tế - xã hội; thu ngân sách đạt 104% dự toán; đầu tư công "
            "giải ngân 92%; chuyển đổi số cấp xã. ") * 12
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 60), f"Trang {n}/{pages} — Tài liệu hỗn hợp", fontname="F0",
                         fontfile=font, fontsize=14)
        page.insert_textbox(pymupdf.Rect(72, 80, 523, 380), text, fontname="F0",
                            fontfile=font, fontsize=10)
        if n % 3 == 0:
            page.insert_image(pymupdf.Rect(72, 400, 523, 740), stream=photos[n % len(photos)])
        else:
            shape = page.new_shape()
            for k in range(12):  # a bar chart and a grid: vector drawings
                shape.draw_rect(pymupdf.Rect(90 + k * 35, 700 - (k * 37 % 250), 115 + k * 35, 700))
            shape.finish(color=(0, 0, 0), fill=(0.2, 0.4, 0.7), width=0.5)
            for k in range(20):
                shape.draw_line((72, 420 + k * 15), (523, 420 + k * 15))
            shape.finish(color=(0.7, 0.7, 0.7), width=0.3)
            shape.commit()
    return bytes(doc.tobytes(garbage=3, deflate=True))


def _pymupdf_png(path: str, first: int, last: int) -> int:
    with pymupdf.open(path) as doc:
        for n in range(first - 1, last):
            page = doc.load_page(n)
            zoom = WIDTH / page.rect.width
            page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
    return last - first + 1


def halves(pages: int) -> list[tuple[int, int]]:
    mid = pages // 2
    return [(1, mid), (mid + 1, pages)]


def pymupdf_rate(path: Path, pages: int) -> dict[str, float]:
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_pymupdf_png, [str(path)] * 2, *zip(*halves(pages), strict=True)))
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 2), "pages_per_second": round(pages / seconds, 2)}


def pdftoppm_rate(path: Path, pages: int, out: Path) -> dict[str, float]:
    binary = shutil.which("pdftoppm")
    assert binary, "pdftoppm (poppler-utils) is needed for the baseline"
    t0 = time.perf_counter()
    procs = [subprocess.Popen([binary, "-png", "-scale-to-x", str(WIDTH), "-scale-to-y", "-1",
                               "-f", str(a), "-l", str(b), str(path), str(out / f"p{a}")])
             for a, b in halves(pages)]
    for p in procs:
        assert p.wait() == 0
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 2), "pages_per_second": round(pages / seconds, 2)}


def formats(path: Path, sample: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with pymupdf.open(path) as doc:
        pixmaps = []
        for n in range(min(sample, doc.page_count)):
            page = doc.load_page(n)
            zoom = WIDTH / page.rect.width
            pixmaps.append(page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False))
    for fmt in ("png", "jpeg", "webp"):
        t0 = time.perf_counter()
        sizes = [len(encode(pix, fmt)) for pix in pixmaps]
        seconds = time.perf_counter() - t0
        out[fmt] = {"kb_per_page": round(sum(sizes) / len(sizes) / 1024, 1),
                    "ms_per_page": round(seconds / len(sizes) * 1000, 1)}
    return out


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


async def hammer(url: str, paths: list[str], cookie: str, clients: int, total: int
                 ) -> tuple[float, int]:
    """Requests per second over `total` requests from `clients` concurrent clients, and the
    number that failed (a connection closed under load counts, and is retried)."""
    done = 0
    failed = 0
    async with httpx.AsyncClient(base_url=url, headers={"cookie": cookie}, timeout=60,
                                 limits=httpx.Limits(max_connections=clients)) as http:
        async def client(k: int) -> None:
            nonlocal done, failed
            while done < total:
                done += 1
                try:
                    r = await http.get(paths[(done + k) % len(paths)])
                    assert r.status_code == 200, r.status_code
                except httpx.TransportError:
                    failed += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(clients)))
        return total / (time.perf_counter() - t0), failed


async def run(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="phonghop-bench-render-"))
    try:
        pdf = mixed_pdf(args.pages)
        path = work / "mixed.pdf"
        path.write_bytes(pdf)
        emit({"bench": "file", "pages": args.pages, "mb": round(len(pdf) / 1e6, 2)})

        room = seed_room(work / "var", members=1)
        port = free_port()
        server = start_phonghop(room, port, work / "server.log", PHONGHOP_RENDER_WORKERS="2",
                                PHONGHOP_RENDER_WARM="1")
        url = f"http://127.0.0.1:{port}"
        try:
            await asyncio.sleep(2)  # render workers up, as before a meeting
            sec = httpx.AsyncClient(base_url=url, headers={"cookie": room.secretary_cookie},
                                    timeout=300)
            item = (await sec.get(f"/api/meetings/{room.meeting_id}")).json()["items"][0]["id"]
            ws_url = f"ws://127.0.0.1:{port}/ws"
            member = await websockets.connect(ws_url, additional_headers={
                "cookie": room.member_cookies[0], "origin": url})
            staff = await websockets.connect(ws_url, additional_headers={
                "cookie": room.secretary_cookie, "origin": url})
            for ws in (member, staff):
                await ws.send(json.dumps({"id": 1, "type": "connect",
                                          "data": {"meeting_id": room.meeting_id}}))

            queues: dict[int, asyncio.Queue[dict]] = {}  # type: ignore[type-arg]

            async def reader(ws: websockets.ClientConnection) -> None:
                # Answer the server's heartbeat at once, whatever the benchmark waits for.
                async for raw in ws:
                    msg = json.loads(raw)
                    if msg.get("type") == "ping":
                        await ws.send(json.dumps({"type": "pong"}))
                    else:
                        await queues[id(ws)].put(msg)

            readers = []
            for ws in (member, staff):
                queues[id(ws)] = asyncio.Queue()
                readers.append(asyncio.ensure_future(reader(ws)))

            async def wait(ws: websockets.ClientConnection, type_: str, test) -> dict:  # type: ignore[no-untyped-def,type-arg]
                while True:
                    msg = await queues[id(ws)].get()
                    if msg.get("type") == type_ and test(msg["data"]):
                        return msg

            t0 = time.perf_counter()
            upload = asyncio.ensure_future(sec.post(
                f"/api/meetings/{room.meeting_id}/items/{item}/documents",
                files={"file": ("hon-hop.pdf", pdf, "application/pdf")}))
            event = await wait(member, "agenda.changed", lambda d: "document" in d)
            doc_id = event["data"]["document"]["id"]
            first = await sec.get(f"/api/documents/{doc_id}/pages/1?w={WIDTH}")
            assert first.status_code == 200
            visible = time.perf_counter() - t0
            response = await upload
            assert response.status_code == 201, response.text
            emit({"bench": "first_page_visible", "seconds_from_upload": round(visible, 2),
                  "note": "upload, then the child process that checks and cleans the file "
                          "and renders page 1 of the clean copy, then announced, fetched"})
            t1 = time.perf_counter()
            await wait(staff, "document.progress",
                       lambda d: d["document_id"] == doc_id and d["ready"] == d["total"])
            prerender = time.perf_counter() - t1
            server_rate = args.pages / prerender
            emit({"bench": "server_prerender_webp", "pages_per_second": round(server_rate, 2),
                  "seconds": round(prerender, 2), "workers": 2,
                  "note": "1280 px WebP while 160 px thumbnails render beside it"})
            await member.close()
            await staff.close()
            for task in readers:
                task.cancel()

            paths = [f"/api/documents/{doc_id}/pages/{n}?w={WIDTH}"
                     for n in range(1, min(args.pages, 50) + 1)]
            for p in paths:
                await sec.get(p)
            pages_rps, pages_failed = await hammer(url, paths, room.member_cookies[0],
                                                   args.clients, args.requests)
            floor_rps, floor_failed = await hammer(url, ["/healthz"], room.member_cookies[0],
                                                   args.clients, args.requests)
            emit({"bench": "cached_pages", "clients": args.clients,
                  "requests_per_second": round(pages_rps, 1), "failed": pages_failed,
                  "baseline_healthz_rps": round(floor_rps, 1), "baseline_failed": floor_failed,
                  "ratio_to_floor": round(pages_rps / floor_rps, 2)})
            server_peak = peak_kb(server.pid) // 1024
            workers_peak = [peak_kb(c) // 1024 for c in children(server.pid)]
            emit({"bench": "memory", "server_peak_mb": server_peak,
                  "children_peak_mb": workers_peak})
            await sec.aclose()
        finally:
            stop(server)

        # The baseline on the same file's first pages (pdftoppm is slow: all 300 pages would
        # take ten minutes on a busy 2-core machine); both tools render the same pages.
        same = min(args.pages, args.baseline_pages)
        ours = pymupdf_rate(path, same)
        out = work / "ppm"
        out.mkdir()
        theirs = pdftoppm_rate(path, same, out)
        emit({"bench": "full_render_png_1280", "pages": same, "pymupdf": ours,
              "pdftoppm": theirs,
              "speedup": round(ours["pages_per_second"] / theirs["pages_per_second"], 2)})
        sizes = formats(path, args.sample)
        emit({"bench": "formats_1280", "sample_pages": args.sample, **sizes})
        emit({"summary": True, "pages": args.pages,
              "first_page_visible_s": round(visible, 2),
              "server_prerender_webp_pps": round(server_rate, 2),
              "pymupdf_png_pps": ours["pages_per_second"],
              "pdftoppm_png_pps": theirs["pages_per_second"],
              "speedup_vs_pdftoppm": round(ours["pages_per_second"] /
                                           theirs["pages_per_second"], 2),
              "cached_rps_50_clients": round(pages_rps, 1), "healthz_rps": round(floor_rps, 1),
              "server_peak_mb": server_peak, "worker_peak_mb": max(workers_peak or [0]),
              "kb_per_page": {f: v["kb_per_page"] for f, v in sizes.items()},
              "ms_per_page": {f: v["ms_per_page"] for f, v in sizes.items()}})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--sample", type=int, default=30, help="pages for the format table")
    parser.add_argument("--baseline-pages", type=int, default=60,
                        help="pages rendered by both PyMuPDF and pdftoppm (PNG, 1280 px)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
