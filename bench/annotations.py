"""Annotations benchmark: members drawing while the secretary turns pages.

One real server (bench/support.py) and N tablets on real WebSockets (bench/tablets.py, in their
own processes) following the room. In a process of its own (this file with `--drawers`),
D members each hold two devices: on the first they draw ink at 60 points a second (a stroke
of 30 points every 500 ms by default, `--stroke-ms`, each sent as an `annotation.change`
when the pen lifts, as the tablet does), and the second shows it. The secretary, also there,
draws on the presented page (`presenter.ink` at 30 a second, two new points each, the whole
stroke so far) and a second
connection of the secretary stands for the room screen. Measured in the same run:

- page changes (`present` over the console's socket) until the last of the N tablets has
  them: `quiet` (no one draws), `members` (the D members draw), `presenter` (the secretary
  draws on the presented page: every tablet gets the ink), each drawing phase between quiet
  ones; the baseline pools the quiet phases so the machine's drift is in both figures;
- ink: from a stroke leaving the owner's first device to its `annotation.saved` on their
  second device (same process, same clock), p50/p99;
- presenter: from a `presenter.ink` leaving the console to its arrival at the room screen;
- server CPU: seconds of CPU (user + system, /proc) per second of each phase.

One JSON object per line; the last is the summary. Targets (issue 11): page changes no more
than 1.10x slower while members draw (p50 and p99); presenter ink on the room screen within
50 ms p99.

    .venv/bin/python bench/annotations.py
    .venv/bin/python bench/annotations.py --tablets 1000 --drawers 50 --changes 40
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import Console, Workers, summary  # noqa: E402
from support import emit, free_port, percentile, seed_room, start_phonghop, stop  # noqa: E402

THIS = Path(__file__).resolve()
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


# --- the drawing process ---------------------------------------------------------------------


class Device:
    """One WebSocket of one person, with commands and a handler for publications."""

    def __init__(self, url: str, cookie: str, meeting: int, name: str) -> None:
        self.url, self.cookie, self.meeting, self.name = url, cookie, meeting, name
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.next_id = 0
        self.on_publication: Any = None

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, compression=None, max_size=2**22,
                                           ping_interval=None, open_timeout=120,
                                           additional_headers={"Cookie": self.cookie})
        self.reader = asyncio.create_task(self._read())
        await self.command("connect", {"meeting_id": self.meeting, "device": self.name})

    async def _read(self) -> None:
        import websockets

        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.ws.send('{"type":"pong"}')
                    continue
                future = self.replies.pop(message.get("id", -1), None)
                if future is not None:
                    future.set_result(message)
                elif "channel" in message and self.on_publication is not None:
                    self.on_publication(message)
        except websockets.ConnectionClosed:
            pass

    async def command(self, ctype: str, data: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        await self.ws.send(json.dumps({"id": self.next_id, "type": ctype, "data": data}))
        answer = await asyncio.wait_for(future, 60)
        if answer["type"] != "reply":
            raise RuntimeError(answer)
        return dict(answer["data"])

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


def stroke_points(n: int, offset: float) -> list[list[float]]:
    return [[round(0.1 + 0.5 * i / n, 4), round(0.2 + offset + 0.05 * (i % 7) / 7, 4),
             round(0.3 + 0.4 * (i % 5) / 5, 3)] for i in range(n)]


async def drawers_main(args: argparse.Namespace) -> None:
    config = json.loads(Path(args.config).read_text())  # noqa: ASYNC240  (once, at start)
    url, meeting, document = config["url"], config["meeting"], config["document"]
    members = config["members"]
    stroke_s = config["stroke_ms"] / 1000
    ink_sent: dict[str, float] = {}
    ink_latency: list[float] = []
    pen_sent: dict[str, float] = {}
    pen_latency: list[float] = []
    errors = 0
    firsts, seconds = [], []
    for n, cookie in enumerate(members):
        first = Device(url, cookie, meeting, f"bench-a-{n}")
        second = Device(url, cookie, meeting, f"bench-b-{n}")
        await first.open()
        await second.open()

        def saw(message: dict[str, Any]) -> None:
            if message["type"] == "annotation.saved":
                sent = ink_sent.pop(message["data"]["annotation"]["id"], None)
                if sent is not None:
                    ink_latency.append(time.monotonic() - sent)

        second.on_publication = saw
        firsts.append(first)
        seconds.append(second)
    console = Device(url, config["secretary"], meeting, "bench-presenter")
    screen = Device(url, config["secretary"], meeting, "bench-screen")
    await console.open()
    await screen.open()

    def screen_saw(message: dict[str, Any]) -> None:
        if message["type"] == "presenter.ink":
            data = message["data"]
            sent = pen_sent.pop(f"{data['stroke']}:{len(data['points'])}", None)
            if sent is not None:
                pen_latency.append(time.monotonic() - sent)

    screen.on_publication = screen_saw
    print("ready", flush=True)

    async def member(n: int, device: Device, stop_at: float) -> None:
        nonlocal errors
        k = 0
        while time.monotonic() < stop_at:
            began = time.monotonic()
            k += 1
            ident = f"b{n}x{k}x{secrets.token_hex(4)}"
            annotation = {"id": ident, "document_id": document, "version": 1, "page": 1 + k % 5,
                          "kind": "ink", "color": "#1565c0",
                          "data": {"points": stroke_points(round(60 * stroke_s),
                                                           (n % 10) / 20), "width": 0.004,
                                   "tool": "pen"}}
            ink_sent[ident] = time.monotonic()
            result = (await device.command("annotation.change", {
                "device": device.name, "key": ident, "op": "put",
                "annotation": annotation}))["result"]
            if result["status"] != "applied":
                errors += 1
            await asyncio.sleep(max(0.0, stroke_s - (time.monotonic() - began)))

    async def presenter(stop_at: float) -> None:
        nonlocal errors
        k = 0
        while time.monotonic() < stop_at:
            k += 1
            stroke, points = f"p{k}", []
            for i in range(30):  # a one-second stroke, 60 points, sent 30 times
                began = time.monotonic()
                points += stroke_points(2, i / 100)
                pen_sent[f"{stroke}:{len(points)}"] = time.monotonic()
                try:
                    await console.command("presenter.ink", {
                        "document_id": document, "page": config["page"], "stroke": stroke,
                        "points": points, "width": 0.005, "color": "#d32f2f",
                        "done": i == 29, "keep": False})
                except RuntimeError:
                    errors += 1
                await asyncio.sleep(max(0.0, 1 / 30 - (time.monotonic() - began)))

    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = (await reader.readline()).decode().split()
        if not line or line[0] == "quit":
            break
        if line[0] == "draw":
            stop_at = time.monotonic() + float(line[1])
            ink_latency.clear()
            pen_latency.clear()
            if line[2] == "presenter":
                await presenter(stop_at)
            else:
                await asyncio.gather(*(member(n, d, stop_at) for n, d in enumerate(firsts)))
            await asyncio.sleep(0.5)  # the last ones arrive
            print("drawn " + json.dumps({"ink": ink_latency, "pen": pen_latency,
                                         "errors": errors, "lost_ink": len(ink_sent),
                                         "lost_pen": len(pen_sent)}), flush=True)
            ink_sent.clear()
            pen_sent.clear()
    for device in [*firsts, *seconds, console, screen]:
        await device.close()
    print("bye 0", flush=True)


# --- the run ---------------------------------------------------------------------------------


async def measure(workers: Workers, first: int, count: int, send: Any) -> list[float]:
    latencies = []
    for i in range(first, first + count):
        t0 = time.monotonic()
        await send(i)
        reports = await workers.expect("got", len(workers.procs))
        latencies.append(max(float(r[2]) for r in reports) - t0)
        await asyncio.sleep(0.05)
    return latencies


def ms(values: list[float], q: float) -> float:
    return round(percentile(values, q) * 1000, 2) if values else float("nan")


async def run(tablets: int, drawers: int, changes: int, processes: int, stroke_ms: int) -> None:
    with tempfile.TemporaryDirectory(prefix="phonghop-bench-annotations-") as tmp:
        workdir = Path(tmp)
        room = await asyncio.to_thread(seed_room, workdir / "room", max(tablets, drawers))
        port = free_port()
        server = await asyncio.to_thread(start_phonghop, room, port, workdir / "server.log")
        drawing_proc = None
        try:
            http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                     headers={"Cookie": room.secretary_cookie})
            r = await http.post(f"/api/meetings/{room.meeting_id}/start")
            assert r.status_code == 200, r.text
            await http.post(f"/api/meetings/{room.meeting_id}/present", json={"page": 1})
            snapshot = (await http.get(f"/api/meetings/{room.meeting_id}")).json()
            document = snapshot["presentation"]["document_id"]
            assert document, snapshot["presentation"]
            ws_url = f"ws://127.0.0.1:{port}/ws"
            workers = Workers()
            await workers.start([ws_url], tablets, processes, meeting=room.meeting_id,
                                cookies=room.member_cookies[:tablets], workdir=workdir)
            config = workdir / "drawers.json"
            config.write_text(json.dumps({
                "url": ws_url, "meeting": room.meeting_id, "document": document, "page": 2,
                "members": room.member_cookies[:drawers], "secretary": room.secretary_cookie,
                "stroke_ms": stroke_ms}))
            drawing_proc = await asyncio.create_subprocess_exec(
                sys.executable, str(THIS), "--drawers-config", str(config),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
            assert drawing_proc.stdout is not None and drawing_proc.stdin is not None
            line = await asyncio.wait_for(drawing_proc.stdout.readline(), 300)
            assert line.decode().strip() == "ready", line
            console = Console(ws_url, room.secretary_cookie, room.meeting_id)
            await console.open()

            async def send(i: int) -> None:
                await console.command("present", {"page": i % 19 + 2})

            done = 0
            phases = ("quiet", "members", "quiet", "presenter", "quiet", "members", "quiet")
            results: dict[str, list[float]] = {p: [] for p in phases}
            cpu: dict[str, list[float]] = {p: [] for p in phases}
            drawn: dict[str, Any] = {"ink": [], "pen": []}
            for phase in phases:
                began, cpu0 = time.monotonic(), cpu_seconds(server.pid)
                if phase != "quiet":
                    seconds = max(5.0, changes * 0.12)
                    drawing_proc.stdin.write(f"draw {seconds} {phase}\n".encode())
                    await drawing_proc.stdin.drain()
                    await asyncio.sleep(1.0)  # drawing under way
                latencies = await measure(workers, done + 1, changes, send)
                done += changes
                if phase != "quiet":
                    line = await asyncio.wait_for(drawing_proc.stdout.readline(), 300)
                    word, payload = line.decode().split(" ", 1)
                    assert word == "drawn", line
                    got = json.loads(payload)
                    for key in ("ink", "pen"):
                        drawn[key].extend(got[key])
                    for key in ("errors", "lost_ink", "lost_pen"):
                        drawn[key] = drawn.get(key, 0) + got[key]
                cpu[phase].append((cpu_seconds(server.pid) - cpu0)
                                  / (time.monotonic() - began))
                results[phase].extend(latencies)
                emit(summary("annotations", tablets, latencies, phase=phase,
                             drawers=drawers if phase == "members" else 0,
                             server_cpu=round(cpu[phase][-1], 3)))
            await console.close()
            drawing_proc.stdin.write(b"quit\n")
            await drawing_proc.stdin.drain()
            await drawing_proc.wait()
            gaps = await workers.stop()
            await http.aclose()
            quiet = results["quiet"]

            def page_change(values: list[float]) -> dict[str, float]:
                return {"p50_ms": ms(values, 0.5), "p99_ms": ms(values, 0.99),
                        "ratio_p50_vs_quiet": round(percentile(values, 0.5)
                                                    / percentile(quiet, 0.5), 2),
                        "ratio_p99_vs_quiet": round(percentile(values, 0.99)
                                                    / percentile(quiet, 0.99), 2)}

            emit({"summary": True, "tablets": tablets, "drawers": drawers,
                  "stroke_ms": stroke_ms, "changes_per_phase": changes,
                  "page_change": {"quiet": {"p50_ms": ms(quiet, 0.5),
                                            "p99_ms": ms(quiet, 0.99)},
                                  "members_drawing": page_change(results["members"]),
                                  "presenter_drawing": page_change(results["presenter"])},
                  "ink_to_second_device": {"n": len(drawn["ink"]),
                                           "p50_ms": ms(drawn["ink"], 0.5),
                                           "p99_ms": ms(drawn["ink"], 0.99)},
                  "presenter_ink_to_screen": {"n": len(drawn["pen"]),
                                              "p50_ms": ms(drawn["pen"], 0.5),
                                              "p99_ms": ms(drawn["pen"], 0.99)},
                  "server_cpu": {k: round(sum(v) / len(v), 3) for k, v in cpu.items()},
                  "errors": drawn.get("errors", 0), "lost_ink": drawn.get("lost_ink", 0),
                  "lost_presenter_ink": drawn.get("lost_pen", 0),
                  "gaps_or_duplicates": gaps,
                  "targets": {"page_change_ratio_members_drawing": 1.1,
                              "presenter_p99_ms": 50}})
        finally:
            if drawing_proc is not None and drawing_proc.returncode is None:
                drawing_proc.kill()
            await asyncio.to_thread(stop, server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tablets", type=int, default=1000)
    parser.add_argument("--drawers", type=int, default=50)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--processes", type=int, default=2, help="tablet processes")
    parser.add_argument("--stroke-ms", type=int, default=500,
                        help="a member's stroke lasts this long (60 points a second)")
    parser.add_argument("--drawers-config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drawers_config:
        args.config = args.drawers_config
        asyncio.run(drawers_main(args))
        return
    asyncio.run(run(args.tablets, args.drawers, args.changes, args.processes, args.stroke_ms))


if __name__ == "__main__":
    main()
