"""Login flood benchmark: does a flood of logins slow the room?

One real server (production Argon2id: PHONGHOP_FAST_PASSWORDS off) and 100 tablets on real
WebSockets (bench/tablets.py, in their own processes); the secretary turns pages over its
WebSocket, and a page turn's latency is the time until the last tablet has it (as in
bench/fanout.py). Measured in the same run, on the same server and tablets:

- `quiet`: no logins;
- `wrong`: 20 clients (in a process of their own) looping on wrong passwords for 20 accounts
  with production-cost hashes and for made-up names: what an attacker does; throttling answers
  most of them 429 without checking the password;
- `right`: 20 clients looping on the right password of a production-cost account: never
  throttled, every attempt a full Argon2id check (bounded by PHONGHOP_LOGIN_CONCURRENCY);
- `quiet` again before and after each flood: the baseline pools the three quiet phases, so the
  machine's drift during the run is in both figures.

One JSON object per line; the last is the summary, with each flood's p50/p99 ratio to the
pooled quiet figure (target: within 1.2x).

    .venv/bin/python bench/login_flood.py
    .venv/bin/python bench/login_flood.py --tablets 100 --changes 40 --clients 20
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import Console, Workers, summary  # noqa: E402
from support import emit, free_port, percentile, seed_room, start_phonghop, stop  # noqa: E402

from meetings.db import Database  # noqa: E402
from meetings.models import User  # noqa: E402
from meetings.passwords import Passwords  # noqa: E402

PASSWORD = "mat-khau-that-dai-2026"
THIS = Path(__file__).resolve()
ACCOUNTS = 20


def strong_accounts(database_url: str, count: int) -> list[str]:
    """Accounts whose hashes have the production cost (checking one costs a full Argon2id)."""
    strong = Passwords().hash(PASSWORD)
    names = [f"flood{n}" for n in range(count)]
    db = Database(database_url)
    with db.write() as session:
        for name in names:
            session.add(User(username=name, full_name=name, password_hash=strong))
    db.dispose()
    return names


def flood(url: str, clients: int, mode: str, names: list[str]) -> None:
    """Run in a process of its own: loop on logins until stdin closes, then print
    `done <attempts> <status>:<count> ...`."""
    stop_event = threading.Event()
    counts: dict[int, int] = {}
    lock = threading.Lock()

    def client(n: int) -> None:
        i = 0
        with httpx.Client(base_url=url, timeout=120) as http:
            while not stop_event.is_set():
                i += 1
                if mode == "right":
                    body = {"username": names[0], "password": PASSWORD}
                elif i % 4 == 0:
                    body = {"username": f"khong-co-{n}-{i}", "password": "doan-mo"}
                else:
                    body = {"username": names[(n + i) % len(names)], "password": f"sai-{i}"}
                try:
                    status = http.post("/api/login", json=body).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    print("flooding", flush=True)
    sys.stdin.read()
    stop_event.set()
    for t in threads:
        t.join(timeout=120)
    print("done", sum(counts.values()),
          " ".join(f"{k}:{v}" for k, v in sorted(counts.items())), flush=True)


async def start_flood(url: str, clients: int, mode: str, names: list[str]
                      ) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(THIS), "--flood", url, "--clients",
        str(clients), "--mode", mode, "--names", ",".join(names),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    assert (await proc.stdout.readline()).decode().strip() == "flooding"
    return proc


async def stop_flood(proc: asyncio.subprocess.Process, seconds: float) -> dict[str, Any]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    words = (await proc.stdout.readline()).decode().split()
    await proc.wait()
    attempts = int(words[1])
    statuses = dict(w.split(":") for w in words[2:])
    return {"login_attempts": attempts, "attempts_per_second": round(attempts / seconds, 1),
            "statuses": statuses}


async def measure(workers: Workers, first: int, count: int, send: Any) -> list[float]:
    """Page turns `first` .. `first + count - 1`, one after the other; each waits until every
    tablet has it (bench/fanout.py's measure_changes, numbered across phases)."""
    latencies = []
    for i in range(first, first + count):
        t0 = time.monotonic()
        await send(i)
        reports = await workers.expect("got", len(workers.procs))
        assert all(int(r[1]) == i for r in reports), reports
        latencies.append(max(float(r[2]) for r in reports) - t0)
        await asyncio.sleep(0.02)
    return latencies


async def run(tablets: int, changes: int, clients: int, processes: int,
              workdir: Path) -> list[dict[str, Any]]:
    room = await asyncio.to_thread(seed_room, workdir / "room", tablets)
    names = await asyncio.to_thread(strong_accounts, room.database_url, ACCOUNTS)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = await asyncio.to_thread(start_phonghop, room, port, workdir / "server.log",
                                     PHONGHOP_FAST_PASSWORDS="0")
    results = []
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60,
                                     headers={"Cookie": room.secretary_cookie}) as http:
            r = await http.post(f"/api/meetings/{room.meeting_id}/start")
            assert r.status_code == 200, r.text
        workers = Workers()
        await workers.start([f"ws://127.0.0.1:{port}/ws"], tablets, processes,
                            meeting=room.meeting_id, cookies=room.member_cookies,
                            workdir=workdir)
        console = Console(f"ws://127.0.0.1:{port}/ws", room.secretary_cookie, room.meeting_id)
        await console.open()

        async def send(i: int) -> None:
            await console.command("present", {"page": i % 19 + 2})

        await measure(workers, 1, 10, send)  # warm up
        turned = 10
        # Quiet phases between the floods: the baseline is measured around them, in the same
        # run, so the machine's own drift (other work on it) is in both figures.
        for phase in ("quiet", "wrong", "quiet", "right", "quiet"):
            flooder = None
            if phase in ("wrong", "right"):
                flooder = await start_flood(url, clients, phase, names)
                await asyncio.sleep(2.0)  # the flood under way (and throttling reached)
            t0 = time.monotonic()
            latencies = await measure(workers, turned + 1, changes, send)
            turned += changes
            extra: dict[str, Any] = {"phase": phase, "flood_clients": clients if flooder else 0}
            if flooder is not None:
                extra.update(await stop_flood(flooder, time.monotonic() - t0 + 2.0))
            result = summary("login_flood", tablets, latencies, **extra)
            emit(result)
            results.append({**result, "latencies": latencies})
        await console.close()
        gaps = await workers.stop()
        results.append({"gaps_or_duplicates": gaps})
    finally:
        await asyncio.to_thread(stop, server)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tablets", type=int, default=100)
    parser.add_argument("--changes", type=int, default=40, help="page turns per phase")
    parser.add_argument("--clients", type=int, default=20, help="clients flooding logins")
    parser.add_argument("--processes", type=int, default=2, help="tablet processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="phonghop-bench-") as tmp:
        results = await run(args.tablets, args.changes, args.clients, args.processes,
                            Path(tmp))
    phases: dict[str, list[float]] = {}
    for r in results:
        if "phase" in r:
            phases.setdefault(r["phase"], []).extend(r["latencies"])
    figures = {p: {"p50_ms": round(percentile(v, 0.5) * 1000, 2),
                   "p99_ms": round(percentile(v, 0.99) * 1000, 2)} for p, v in phases.items()}
    quiet = figures["quiet"]
    emit({"summary": True, "tablets": args.tablets, "changes_per_phase": args.changes,
          "flood_clients": args.clients, "by_phase": figures,
          **{f"ratio_{q}_{p}_vs_quiet": round(figures[p][f"{q}_ms"] / quiet[f"{q}_ms"], 2)
             for p in ("wrong", "right") for q in ("p50", "p99")},
          "gaps_or_duplicates": results[-1]["gaps_or_duplicates"], "target_ratio": 1.2})


if __name__ == "__main__":
    if "--flood" in sys.argv:
        flood_args = argparse.ArgumentParser()
        flood_args.add_argument("--flood", required=True)
        flood_args.add_argument("--clients", type=int, required=True)
        flood_args.add_argument("--mode", choices=("wrong", "right"), required=True)
        flood_args.add_argument("--names", required=True)
        a = flood_args.parse_args()
        flood(a.flood, a.clients, a.mode, a.names.split(","))
    else:
        asyncio.run(main())
