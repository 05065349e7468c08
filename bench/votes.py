"""Vote benchmark: N members all vote within one second over real WebSocket connections.

For each N and each database (SQLite; PostgreSQL with --pg URL), on a real server process:
seconds from the first ballot sent to the last acknowledgement, and to the moment the
secretary's own WebSocket shows the full count (`vote.progress` with cast = N); ballots per
second; and, in the same run and the same database, the floor: plain single-row inserts, each
committed on its own, per second. Target: 1,600 ballots all acknowledged within 2 s on SQLite.

One JSON object per line; the last is the summary.

    .venv/bin/python bench/votes.py                               # N = 100 500 1600, SQLite
    .venv/bin/python bench/votes.py --sizes 100 500 --pg postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import (  # noqa: E402
    Room,
    emit,
    free_port,
    percentile,
    seed_room,
    start_phonghop,
    stop,
)

from meetings.db import make_engine  # noqa: E402


def floor_inserts(url: str, n: int) -> float:
    """Plain single-row committed inserts per second into the same database."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, "
                              "v VARCHAR(16))"))
            conn.execute(text("DELETE FROM bench_floor"))
        t0 = time.perf_counter()
        for i in range(n):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO bench_floor (id, v) VALUES (:i, 'yes')"), {"i": i})
        rate = n / (time.perf_counter() - t0)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE bench_floor"))
        return rate
    finally:
        engine.dispose()


class Voter:
    """One tablet: answers the server's pings, hands replies to whoever waits for them."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.on_event: Any = None
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.conn:
                m = json.loads(raw)
                if m.get("type") == "ping":
                    await self.conn.send('{"type": "pong"}')
                elif m.get("id") in self.replies:
                    self.replies.pop(m["id"]).set_result(m)
                elif self.on_event is not None and "channel" in m:
                    self.on_event(m)
        except websockets.ConnectionClosed:
            pass

    async def command(self, cid: int, type: str, data: dict[str, Any]) -> dict[str, Any]:
        future = asyncio.get_running_loop().create_future()
        self.replies[cid] = future
        await self.conn.send(json.dumps({"id": cid, "type": type, "data": data}))
        return await asyncio.wait_for(future, 120)

    async def close(self) -> None:
        await self.conn.close()
        self.reader.cancel()


async def connect(url: str, cookie: str, meeting: int) -> Voter:
    conn = await websockets.connect(url, additional_headers={"Cookie": cookie},
                                    compression=None, open_timeout=120, ping_interval=None,
                                    max_size=2**24)
    voter = Voter(conn)
    reply = await voter.command(1, "connect", {"meeting_id": meeting, "device": "bench"})
    if reply["type"] != "reply":
        raise RuntimeError(reply)
    return voter


async def one_size(room: Room, port: int, n: int, db: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    ws = f"ws://127.0.0.1:{port}/ws"
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 headers={"Cookie": room.secretary_cookie}) as http:
        r = await http.post(f"/api/meetings/{room.meeting_id}/start")
        assert r.status_code == 200, r.text
        secretary = await connect(ws, room.secretary_cookie, room.meeting_id)
        voters = []
        for i in range(0, n, 100):
            voters += await asyncio.gather(*(connect(ws, c, room.meeting_id)
                                             for c in room.member_cookies[i:i + 100]))
        r = await http.post(f"/api/meetings/{room.meeting_id}/votes",
                            json={"question": "Thông qua nghị quyết?"})
        assert r.status_code == 201, r.text
        vote_id = r.json()["vote"]["id"]
        acks: list[float] = []
        latencies: list[float] = []
        errors = 0
        tally_seen: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        def watch(m: dict[str, Any]) -> None:
            if (m.get("type") == "vote.progress" and m["data"]["cast"] >= n
                    and not tally_seen.done()):
                tally_seen.set_result(time.perf_counter())

        secretary.on_event = watch

        async def vote(i: int, voter: Voter, at: float) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            choice = random.choice(["yes", "no", "abstain"])
            sent = time.perf_counter()
            m = await voter.command(2, "vote.cast", {"vote_id": vote_id, "choice": choice})
            if m["type"] == "reply":
                acks.append(time.perf_counter())
                latencies.append(acks[-1] - sent)
            else:
                errors += 1

        start = time.perf_counter() + 0.3
        offsets = sorted(random.random() for _ in range(n))  # all within one second
        tasks = [asyncio.create_task(vote(i, c, start + offsets[i]))
                 for i, c in enumerate(voters)]
        first = start + offsets[0]
        await asyncio.gather(*tasks)
        last_ack = max(acks) if acks else float("nan")
        seen = await asyncio.wait_for(tally_seen, 30)
        r = await http.post(f"/api/votes/{vote_id}/close")
        counts = r.json()["vote"]["counts"]
        for conn in voters + [secretary]:
            await conn.close()
    return {
        "db": db, "n": n, "acknowledged": len(acks), "errors": errors,
        "stored": counts["cast"],
        "seconds_to_last_ack": round(last_ack - first, 3),
        "seconds_to_secretary_tally": round(seen - first, 3),
        "ballots_per_second": round(len(acks) / (last_ack - first), 1),
        "ack_latency_p50": round(percentile(latencies, 0.5), 3),
        "ack_latency_p99": round(percentile(latencies, 0.99), 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1600])
    parser.add_argument("--pg", default="", help="also on this PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    results = []
    dbs = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
    for db in dbs:
        for n in args.sizes:
            with tempfile.TemporaryDirectory(prefix="phonghop-votes-") as tmp:
                room = seed_room(Path(tmp), n, args.pg if db == "postgresql" else "")
                floor = floor_inserts(room.database_url, max(n, 500))
                port = free_port()
                process = start_phonghop(room, port, Path(tmp) / "server.log")
                try:
                    result = await one_size(room, port, n, db)
                finally:
                    stop(process)
                result["floor_inserts_per_second"] = round(floor, 1)
                result["ratio_vs_floor"] = round(result["ballots_per_second"] / floor, 3)
                emit(result)
                results.append(result)
    target = next((r for r in results if r["db"] == "sqlite" and r["n"] == 1600), None)
    emit({"summary": True, "results": [{k: r[k] for k in (
        "db", "n", "seconds_to_last_ack", "seconds_to_secretary_tally", "ballots_per_second",
        "floor_inserts_per_second")} for r in results],
        "target_1600_within_2s_sqlite": (target["seconds_to_last_ack"] <= 2.0) if target
        else None})


if __name__ == "__main__":
    asyncio.run(main())
