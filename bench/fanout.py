"""Fan-out benchmark: how long until the last of N tablets has the secretary's page change.

For each N, in the same run and with the same client code (bench/tablets.py, in separate
processes from the server), it measures phonghop and the floor: a bare `websockets`
broadcast server (bench/floor_server.py). Reported per N: p50/p99 latency over the changes,
server RSS per idle tablet (after warming the server's thread and database pools with 64
concurrent reads, so that the figure is what each tablet adds), and the reconnect storm
(every tablet dropped at once, then back: seconds until all hold the room's current state,
missed or duplicated events; for the floor, seconds until all are connected again, what the
handshakes alone cost). With
--cluster, also 3 phonghop processes sharing PostgreSQL and Redis.

One JSON object per line; the last is the summary with ratio_p99_vs_floor per N.

    .venv/bin/python bench/fanout.py                       # N = 200 500 1000 1600
    .venv/bin/python bench/fanout.py --sizes 200 --changes 50 --cluster
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import (  # noqa: E402
    ROOT,
    Room,
    emit,
    free_port,
    percentile,
    rss_kb,
    seed_room,
    start_phonghop,
    stop,
)


class Console:
    """The secretary's own WebSocket: page turns go as `present` commands over it, as the
    floor's control socket sends its frames (`--present http` uses the HTTP route instead)."""

    def __init__(self, url: str, cookie: str, meeting: int) -> None:
        self.url, self.cookie, self.meeting = url, cookie, meeting
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.next_id = 0

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, compression=None, max_size=None,
                                           additional_headers={"Cookie": self.cookie})
        self.reader = asyncio.create_task(self._read())
        await self.command("connect", {"meeting_id": self.meeting, "device": "bench console"})

    async def _read(self) -> None:
        import json

        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
            future = self.replies.pop(message.get("id", -1), None)
            if future is not None:
                future.set_result(message)

    async def command(self, ctype: str, data: dict[str, Any]) -> dict[str, Any]:
        import json

        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        await self.ws.send(json.dumps({"id": self.next_id, "type": ctype, "data": data}))
        answer = await asyncio.wait_for(future, 60)
        assert answer["type"] == "reply", answer
        return dict(answer["data"])

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


FRAME = ('{{"channel":"meeting:1","offset":{i},"epoch":"0a1b2c3d","type":"presentation",'
         '"data":{{"item_id":1,"document_id":1,"page":{page}}}}}')


class Workers:
    """The tablet processes and their report lines."""

    def __init__(self) -> None:
        self.procs: list[asyncio.subprocess.Process] = []
        self.lines: asyncio.Queue[tuple[int, list[str]]] = asyncio.Queue()

    async def start(self, urls: list[str], count: int, processes: int, *, meeting: int = 0,
                    cookies: list[str] | None = None, compression: str | None = None,
                    workdir: Path) -> None:
        per = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
        offset = 0
        for n, size in enumerate(per):
            args = [sys.executable, str(ROOT / "bench" / "tablets.py"), "--urls", ",".join(urls),
                    "--count", str(size), "--meeting", str(meeting)]
            if cookies is not None:
                path = workdir / f"cookies-{n}.txt"
                path.write_text("\n".join(cookies[offset:offset + size]))
                args += ["--cookies", str(path)]
            if compression:
                args += ["--compression", compression]
            offset += size
            proc = await asyncio.create_subprocess_exec(
                *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
            self.procs.append(proc)
            asyncio.create_task(self._pump(n, proc))
        await self.expect("ready", len(self.procs), within=300)

    async def _pump(self, n: int, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            await self.lines.put((n, line.decode().split()))

    async def expect(self, word: str, count: int, within: float = 120) -> list[list[str]]:
        got: list[list[str]] = []
        while len(got) < count:
            _n, parts = await asyncio.wait_for(self.lines.get(), within)
            if parts and parts[0] == word:
                got.append(parts)
        return got

    async def tell(self, line: str) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write((line + "\n").encode())
            await proc.stdin.drain()

    async def stop(self) -> int:
        await self.tell("quit")
        byes = await self.expect("bye", len(self.procs), within=120)
        for proc in self.procs:
            await proc.wait()
        return sum(int(b[1]) for b in byes)


async def measure_changes(workers: Workers, changes: int, send: Any) -> list[float]:
    """Send `changes` changes one after the other; each waits until all tablets have it."""
    latencies = []
    for i in range(1, changes + 1):
        t0 = time.monotonic()
        await send(i)
        reports = await workers.expect("got", len(workers.procs))
        assert all(int(r[1]) == i for r in reports), reports
        latencies.append(max(float(r[2]) for r in reports) - t0)
        await asyncio.sleep(0.02)
    return latencies


def summary(kind: str, n: int, latencies: list[float], **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "n": n, "changes": len(latencies),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
            "max_ms": round(max(latencies) * 1000, 2), **extra}


async def run_floor(n: int, changes: int, processes: int, workdir: Path,
                    compression: str | None) -> dict[str, Any]:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "floor_server.py"), str(port),
        *([compression] if compression else []), stdout=asyncio.subprocess.PIPE)
    assert server.stdout is not None
    await server.stdout.readline()
    import websockets

    control = await websockets.connect(f"ws://127.0.0.1:{port}/control", compression=None)
    await control.send(FRAME.format(i=0, page=1))  # warm up
    gc.collect()
    rss_before = rss_kb(server.pid)
    workers = Workers()
    await workers.start([f"ws://127.0.0.1:{port}/"], n, processes, workdir=workdir,
                        compression=compression)
    await asyncio.sleep(1.0)
    rss_after = rss_kb(server.pid)

    async def send(i: int) -> None:
        await control.send(FRAME.format(i=i, page=i % 19 + 2))

    latencies = await measure_changes(workers, changes, send)
    # The same storm as phonghop's, where "current" is only "connected again": what the
    # handshakes of N tablets alone cost on this machine.
    await workers.tell("storm")
    await workers.expect("dropped", len(workers.procs))
    t0 = time.monotonic()
    await workers.tell("reconnect -1")
    reports = await workers.expect("restored", len(workers.procs), within=300)
    storm = round(max(float(r[1]) for r in reports) - t0, 3)
    await workers.stop()
    await control.close()
    server.terminate()
    await server.wait()
    return summary("floor", n, latencies, compression=compression,
                   rss_kb_per_tablet=round((rss_after - rss_before) / n, 2),
                   storm={"seconds_until_all_reconnected": storm})


async def run_phonghop(n: int, changes: int, processes: int, workdir: Path, *,
                       cluster: bool = False, compression: str | None = None,
                       storm: bool = True, present: str = "ws") -> dict[str, Any]:
    database_url, extra = "", {}
    if cluster:
        database_url = await asyncio.to_thread(create_pg_database)
        extra = {"PHONGHOP_REDIS_URL": os.environ.get("PHONGHOP_BENCH_REDIS_URL",
                                                      "redis://127.0.0.1:6379/0"),
                 "PHONGHOP_REDIS_PREFIX": f"phonghop-bench-{os.getpid()}-{n}"}
    if compression:
        extra["PHONGHOP_WS_DEFLATE"] = "1"
    room: Room = await asyncio.to_thread(seed_room, workdir / f"room-{n}-{cluster}", n,
                                         database_url)
    servers = []
    ports = [free_port() for _ in range(3 if cluster else 1)]
    try:
        for port in ports:
            servers.append(await asyncio.to_thread(
                start_phonghop, room, port, workdir / f"server-{port}.log", **extra))
        http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=60,
                                 headers={"Cookie": room.secretary_cookie})
        r = await http.post(f"/api/meetings/{room.meeting_id}/start")
        assert r.status_code == 200, r.text
        # Warm the server's pools (worker threads, database connections) as any server that
        # has run for a minute has them: what is then measured is what each tablet adds.
        for port in ports:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                         headers={"Cookie": room.secretary_cookie}) as warm:
                answers = await asyncio.gather(*(warm.get("/api/meetings")
                                                 for _ in range(64)))
                assert all(a.status_code == 200 for a in answers)
        gc.collect()
        await asyncio.sleep(0.5)
        rss_before = sum(rss_kb(s.pid) for s in servers)
        workers = Workers()
        await workers.start([f"ws://127.0.0.1:{p}/ws" for p in ports], n, processes,
                            meeting=room.meeting_id, cookies=room.member_cookies,
                            compression=compression, workdir=workdir)
        await asyncio.sleep(1.0)
        rss_after = sum(rss_kb(s.pid) for s in servers)

        console = Console(f"ws://127.0.0.1:{ports[0]}/ws", room.secretary_cookie,
                          room.meeting_id)
        await console.open()

        async def send(i: int) -> None:
            if present == "ws":
                await console.command("present", {"page": i % 19 + 2})
                return
            r = await http.post(f"/api/meetings/{room.meeting_id}/present",
                                json={"page": i % 19 + 2})
            assert r.status_code == 200, r.text

        latencies = await measure_changes(workers, changes, send)
        await console.close()
        result = summary("phonghop-cluster" if cluster else "phonghop", n, latencies,
                         compression=compression, present=present,
                         rss_kb_per_tablet=round((rss_after - rss_before) / n, 2),
                         processes=len(ports))
        if storm:
            result["storm"] = await reconnect_storm(workers, http, room, n)
        result["gaps_or_duplicates"] = await workers.stop()
        await http.aclose()
        return result
    finally:
        for server in servers:
            await asyncio.to_thread(stop, server)
        if cluster:
            await asyncio.to_thread(drop_pg_database, database_url)


async def reconnect_storm(workers: Workers, http: httpx.AsyncClient, room: Room,
                          n: int) -> dict[str, Any]:
    """Every tablet dropped at once; the room moves on meanwhile; all come back at once."""
    await workers.tell("storm")
    await workers.expect("dropped", len(workers.procs))
    for page in (3, 4, 5):
        r = await http.post(f"/api/meetings/{room.meeting_id}/present", json={"page": page})
        assert r.status_code == 200
    t0 = time.monotonic()
    await workers.tell("reconnect 5")
    reports = await workers.expect("restored", len(workers.procs), within=300)
    return {"seconds_until_all_current": round(max(float(r[1]) for r in reports) - t0, 3),
            "gaps_or_duplicates": sum(int(r[2]) for r in reports),
            "snapshots_instead_of_recovery": sum(int(r[3]) for r in reports) - n}


def create_pg_database() -> str:
    from sqlalchemy import create_engine, text

    admin_url = os.environ.get("PHONGHOP_BENCH_POSTGRES_URL",
                               "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"phonghop_bench_{os.getpid()}_{int(time.time())}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    base, name = url.rsplit("/", 1)
    engine = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000, 1600])
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--processes", type=int, default=4, help="tablet processes")
    parser.add_argument("--cluster", action="store_true", help="also 3 processes + Redis")
    parser.add_argument("--present", choices=("ws", "http"), default="ws",
                        help="how the secretary turns pages: its WebSocket or the HTTP route")
    parser.add_argument("--deflate", action="store_true",
                        help="also measure with permessage-deflate (as browsers ask)")
    args = parser.parse_args()
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="phonghop-bench-") as tmp:
        workdir = Path(tmp)
        for n in args.sizes:
            floor = await run_floor(n, args.changes, args.processes, workdir, None)
            emit(floor)
            ours = await run_phonghop(n, args.changes, args.processes, workdir,
                                      present=args.present)
            emit(ours)
            entry: dict[str, Any] = {
                "floor_p99_ms": floor["p99_ms"], "phonghop_p99_ms": ours["p99_ms"],
                "ratio_p99_vs_floor": round(ours["p99_ms"] / floor["p99_ms"], 2),
                "ratio_p50_vs_floor": round(ours["p50_ms"] / floor["p50_ms"], 2),
                "rss_kb_per_tablet": ours["rss_kb_per_tablet"],
                "floor_rss_kb_per_tablet": floor["rss_kb_per_tablet"],
                "storm_seconds": ours["storm"]["seconds_until_all_current"],
                "storm_gaps_or_duplicates": ours["storm"]["gaps_or_duplicates"],
                "floor_storm_seconds": floor["storm"]["seconds_until_all_reconnected"],
            }
            if args.deflate:
                floor_z = await run_floor(n, args.changes, args.processes, workdir, "deflate")
                emit(floor_z)
                ours_z = await run_phonghop(n, args.changes, args.processes, workdir,
                                            compression="deflate", storm=False)
                emit(ours_z)
                entry["deflate_p99_ms"] = ours_z["p99_ms"]
                entry["deflate_floor_p99_ms"] = floor_z["p99_ms"]
            if args.cluster:
                clustered = await run_phonghop(n, args.changes, args.processes, workdir,
                                               cluster=True, present=args.present)
                emit(clustered)
                entry["cluster_p99_ms"] = clustered["p99_ms"]
                entry["cluster_ratio_p99_vs_floor"] = round(
                    clustered["p99_ms"] / floor["p99_ms"], 2)
            results[n] = entry
    emit({"summary": True, "changes_per_size": args.changes,
          "ratio_p99_vs_floor": {str(n): r["ratio_p99_vs_floor"] for n, r in results.items()},
          "by_n": {str(n): r for n, r in results.items()}})


if __name__ == "__main__":
    asyncio.run(main())
