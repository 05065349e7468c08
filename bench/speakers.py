"""Speakers' list benchmark: with N tablets connected over real WebSockets, how long until the
last tablet has the floor given (`speaker.started`, the timer), against the floor of the same
run: a page change (`presentation`) to the same tablets. Also: N members asking for the floor
at the same moment (seconds until every request is acknowledged, requests per second) against
N check-ins at the same moment, and the messages a tablet receives while a turn runs (the
countdown is local: there should be none).

One JSON object per line; the last is the summary.

    .venv/bin/python bench/speakers.py                     # N = 100 500
    .venv/bin/python bench/speakers.py --sizes 100 --turns 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import emit, free_port, percentile, seed_room, start_phonghop, stop  # noqa: E402


class Tablet:
    """A bench tablet: connects, answers pings, notes when each publication arrives."""

    def __init__(self, url: str, cookie: str, meeting_id: int) -> None:
        self.url, self.cookie, self.meeting_id = url, cookie, meeting_id
        self.seen: dict[tuple[str, Any], float] = {}
        self.frames = 0
        self.ready = asyncio.Event()

    async def run(self) -> None:
        async with websockets.connect(self.url, additional_headers={"Cookie": self.cookie},
                                      compression=None, open_timeout=60) as ws:
            await ws.send(json.dumps({"id": 1, "type": "connect",
                                      "data": {"meeting_id": self.meeting_id,
                                               "device": "bench"}}))
            async for raw in ws:
                now = time.perf_counter()
                msg = json.loads(raw)
                if msg.get("type") == "ping":
                    await ws.send('{"type":"pong"}')
                elif msg.get("id") == 1:
                    self.ready.set()
                elif "channel" in msg:
                    self.frames += 1
                    data = msg["data"]
                    key = data.get("id") if msg["type"] == "speaker.started" else data.get("page")
                    self.seen.setdefault((msg["type"], key), now)


async def all_have(tablets: list[Tablet], key: tuple[str, Any], within: float = 60) -> float:
    deadline = time.perf_counter() + within
    while True:
        if all(key in t.seen for t in tablets):
            return max(t.seen[key] for t in tablets)
        if time.perf_counter() > deadline:
            missing = sum(key not in t.seen for t in tablets)
            raise TimeoutError(f"{missing} tablets never got {key}")
        await asyncio.sleep(0.002)


async def burst(base: str, cookies: list[str], path: str, body: dict[str, Any]) -> float:
    """Every member sends the same request at the same moment; seconds until all answered."""
    gate = asyncio.Semaphore(50)  # as many at once as a room's access points let through
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        async def one(cookie: str) -> httpx.Response:
            async with gate:
                return await http.post(path, json=body, headers={"Cookie": cookie})

        start = time.perf_counter()
        replies = await asyncio.gather(*(one(c) for c in cookies))
        took = time.perf_counter() - start
    bad = [r.status_code for r in replies if r.status_code >= 300]
    assert not bad, (path, bad[:5], replies[0].text)
    return took


async def measure(n: int, turns: int, workdir: Path) -> dict[str, Any]:
    room = seed_room(workdir / f"room{n}", n)
    port = free_port()
    server = start_phonghop(room, port, workdir / f"server{n}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        tablets = [Tablet(f"ws://127.0.0.1:{port}/ws", c, room.meeting_id)
                   for c in room.member_cookies]
        tasks = [asyncio.create_task(t.run()) for t in tablets]
        await asyncio.wait_for(asyncio.gather(*(t.ready.wait() for t in tablets)), 120)
        sec = {"Cookie": room.secretary_cookie}
        async with httpx.AsyncClient(base_url=base, timeout=60, headers=sec) as http:
            assert (await http.post(f"/api/meetings/{room.meeting_id}/start")).status_code == 200
            request_s = await burst(base, room.member_cookies,
                                    f"/api/meetings/{room.meeting_id}/speakers",
                                    {"kind": "speech"})
            checkin_s = await burst(base, room.member_cookies,
                                    f"/api/meetings/{room.meeting_id}/check-in", {})
            queue = (await http.get(f"/api/meetings/{room.meeting_id}/speakers")).json()["queue"]
            assert len(queue) == n
            floor_ms: list[float] = []
            page_ms: list[float] = []
            for turn in range(turns):
                rid = queue[turn]["id"]
                start = time.perf_counter()
                r = await http.post(f"/api/speakers/{rid}/floor")
                assert r.status_code == 200, r.text
                floor_ms.append((await all_have(tablets, ("speaker.started", rid)) - start) * 1e3)
                page = 2 + turn % 18
                start = time.perf_counter()
                r = await http.post(f"/api/meetings/{room.meeting_id}/present",
                                    json={"page": page})
                assert r.status_code == 200, r.text
                page_ms.append((await all_have(tablets, ("presentation", page)) - start) * 1e3)
                for t in tablets:  # the next page change may reuse this page number
                    t.seen.pop(("presentation", page), None)
            before = sum(t.frames for t in tablets)
            await asyncio.sleep(3)
            during_turn = sum(t.frames for t in tablets) - before
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        stop(server)
    return {
        "n": n, "turns": turns,
        "floor_to_last_tablet_ms_p50": round(percentile(floor_ms, 0.5), 1),
        "floor_to_last_tablet_ms_p99": round(percentile(floor_ms, 0.99), 1),
        "baseline_page_change_ms_p50": round(percentile(page_ms, 0.5), 1),
        "baseline_page_change_ms_p99": round(percentile(page_ms, 0.99), 1),
        "ratio_floor_vs_page_p50": round(percentile(floor_ms, 0.5) / percentile(page_ms, 0.5), 2),
        "requests_all_acknowledged_s": round(request_s, 3),
        "requests_per_s": round(n / request_s, 1),
        "baseline_checkins_all_acknowledged_s": round(checkin_s, 3),
        "baseline_checkins_per_s": round(n / checkin_s, 1),
        "frames_per_tablet_during_3s_of_a_turn": during_turn / n,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="phonghop-bench-speakers-") as tmp:
        for n in args.sizes:
            result = await measure(n, args.turns, Path(tmp))
            emit(result)
            results.append(result)
    emit({"summary": True, "database": "sqlite",
          "ratio_floor_vs_page_p50": {r["n"]: r["ratio_floor_vs_page_p50"] for r in results},
          "requests_per_s": {r["n"]: r["requests_per_s"] for r in results},
          "baseline_checkins_per_s": {r["n"]: r["baseline_checkins_per_s"] for r in results},
          "frames_per_tablet_during_turn": {r["n"]: r["frames_per_tablet_during_3s_of_a_turn"]
                                            for r in results}})


if __name__ == "__main__":
    asyncio.run(main())
