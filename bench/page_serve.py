"""Page-image serving benchmark (not part of the test suite): how many times a second one
already-rendered page goes out to logged-in tablets, 100 connections at once (issue 13 §2).

In the same run, with the same load generator (`wrk`, 100 connections, 2 threads, keep-alive,
each request with a member's login cookie), the page already rendered:

- `healthz`: the app's own `/healthz` (its floor: routing, middleware, a tiny JSON body);
- `page_app`: `GET /api/documents/{id}/pages/1?w=1280` on the app alone (`phonghop serve`);
- `page_app_304`: the same with `If-None-Match` (a tablet that has the page already);
- `page_app_members`: the same page, each request with the next of `--members` (100) logins
  in turn (what the server remembers is per login; the login cache lasts 10 s);
- `page_nginx`: the same request through nginx with `PHONGHOP_ACCEL_REDIRECT=/_pages/`: the
  app authorises, nginx sends the file from the internal location of the shipped site;
- `static_nginx`: nginx sending a static file of the same size (nginx's floor).

The nginx server is plain HTTP (TLS would weigh on both nginx figures alike); its `/_pages/`
location and its upstream keep-alive are those of deploy/nginx-phonghop.conf. The page is a
photograph-like page whose 1280 px WebP is at least `--page-kb` (default 108 KB, the size in
the issue). Needs `wrk` (Debian: `apt-get install -y wrk`) and nginx.

The runs are interleaved, `--rounds` times (the machine may be shared: a burst of other work
then weighs on every run alike), and the median of each is reported. One JSON object per line;
the last is the summary with the ratios `page_app / healthz` (target: at least 0.5) and
`page_nginx / static_nginx`.

    .venv/bin/python bench/page_serve.py [--seconds 10] [--connections 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import (  # noqa: E402
    ROOT,
    Room,
    emit,
    free_port,
    seed_room,
    start_phonghop,
    stop,
)

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        sys.exit("bench/page_serve.py needs wrk (Debian: apt-get install -y wrk)")
    return found


def run_wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str],
            script: Path | None = None) -> dict[str, Any]:
    args = [wrk_path(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)", out)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    assert latency and p99 and transfer
    return {
        "requests_per_second": round(rate, 1),
        "latency_mean_ms": round(float(latency.group(1)) * UNITS[latency.group(2)], 2),
        "latency_p99_ms": round(float(p99.group(1)) * UNITS[p99.group(2)], 2),
        "megabytes_per_second": round(float(transfer.group(1)) * SIZES[transfer.group(2)]
                                      / 1024**2, 1),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def photo_pdf(target_kb: int) -> bytes:
    """A one-page PDF whose 1280 px WebP is at least `target_kb` KB: a noisy photograph
    scaled to the page (noise is what keeps a WebP large)."""
    import io

    import pymupdf
    from PIL import Image

    from meetings.documents.pages import encode

    best = b""
    for side in range(64, 1024, 16):  # a finer photograph, a larger WebP
        image = Image.effect_noise((side, int(side * 1.41)), 8).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        doc = pymupdf.open()
        page = doc.new_page(width=595, height=842)
        page.insert_image(page.rect, stream=buffer.getvalue())
        best = doc.tobytes()
        pix = page.get_pixmap(matrix=pymupdf.Matrix(1280 / 595, 1280 / 595), alpha=False)
        if len(encode(pix, "webp")) >= target_kb * 1024:
            break
    return best


def replace_document(room: Room, pdf: bytes) -> int:
    """The room's document, now `pdf` as its only version's content, published to the
    members: its id."""
    from sqlmodel import select

    from meetings.db import Database
    from meetings.documents.blobs import BlobStore
    from meetings.documents.ingest import read_trusted
    from meetings.models import Document, DocumentVersion, Meeting, utcnow

    ingested = read_trusted(pdf)
    blobs = BlobStore(room.data_dir / "blobs")
    db = Database(room.database_url)
    with db.write() as session:
        document = session.exec(select(Document)).first()
        assert document is not None and document.id is not None
        version = session.exec(select(DocumentVersion).where(
            DocumentVersion.document_id == document.id)).first()
        assert version is not None
        sha = blobs.put(ingested.pdf)
        version.sha256 = sha
        version.page_count = ingested.page_count
        session.add(version)
        meeting = session.get(Meeting, document.meeting_id)
        assert meeting is not None
        meeting.published_at = utcnow()
        session.add(meeting)
        document_id = document.id
    db.dispose()
    return document_id


def nginx_config(tmp: Path, *, port: int, app_port: int, cache_dir: Path,
                 static_dir: Path, keepalive: int = 0) -> Path:
    """Plain HTTP in front of the app, with the shipped site's internal page location."""
    site = (ROOT / "deploy" / "nginx-phonghop.conf").read_text()
    block = re.search(r"(?ms)^    location /_pages/ \{.*?^    \}\n", site)
    if block is None:
        sys.exit("deploy/nginx-phonghop.conf has no `location /_pages/` block")
    internal = block.group(0).replace("/var/lib/phonghop/cache/pages/", f"{cache_dir}/")
    shipped = re.search(r"keepalive (\d+);", site)
    assert shipped is not None
    keepalive = keepalive or int(shipped.group(1))
    config = tmp / "nginx.conf"
    config.write_text(f"""user root;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    upstream phonghop {{
        server 127.0.0.1:{app_port};
        keepalive {keepalive};
    }}
    server {{
        listen 127.0.0.1:{port};
{internal}
        location /baseline/ {{
            alias {static_dir}/;
        }}
        location / {{
            proxy_pass http://phonghop;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
""")
    return config


def cookie_script(path: Path, cookies: list[str]) -> Path:
    """A wrk script sending each request with the next member's login cookie in turn."""
    listed = ",\n".join(f'  "{c}"' for c in cookies)
    path.write_text(f"""local cookies = {{
{listed}
}}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, {{["Cookie"] = cookies[(n % #cookies) + 1]}})
end
""")
    return path


def start_nginx_pair(tmp: Path, room: Room, keepalive: int, *, ports: tuple[int, int],
                     image: bytes) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    """A second server on the same data with PHONGHOP_ACCEL_REDIRECT, and nginx in front of
    it, with `image` as a static file beside it (`/baseline/page.webp`)."""
    accel_port, nginx_port = ports
    accel = start_phonghop(room, accel_port, tmp / "server-accel.log",
                           PHONGHOP_ACCEL_REDIRECT="/_pages/")
    static_dir = tmp / "static"
    static_dir.mkdir()
    (static_dir / "page.webp").write_bytes(image)
    config = nginx_config(tmp, port=nginx_port, app_port=accel_port,
                          cache_dir=tmp / "data" / "cache" / "pages", static_dir=static_dir,
                          keepalive=keepalive)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proxy = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp), "-g", "daemon off;"],
                             stderr=subprocess.DEVNULL)
    wait_up(f"http://127.0.0.1:{nginx_port}/baseline/page.webp")
    return accel, proxy


def wait_up(url: str, headers: dict[str, str] | None = None) -> None:
    for _ in range(200):
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3,
                        help="each run this many times, interleaved; the median is reported")
    parser.add_argument("--page-kb", type=int, default=108)
    parser.add_argument("--members", type=int, default=100,
                        help="logins the `page_app_members` run takes in turn")
    parser.add_argument("--app-only", action="store_true",
                        help="the app alone: no nginx, no PHONGHOP_ACCEL_REDIRECT")
    parser.add_argument("--keepalive", type=int, default=0,
                        help="idle upstream connections nginx keeps (default: the shipped site's)")
    args = parser.parse_args()
    wrk_path()
    measure = {"seconds": args.seconds, "connections": args.connections}
    rounds: dict[str, list[dict[str, Any]]] = {}

    with tempfile.TemporaryDirectory(prefix="phonghop-page-serve-") as tmpname:
        tmp = Path(tmpname)
        room = seed_room(tmp / "data", members=args.members)
        document_id = replace_document(room, photo_pdf(args.page_kb))
        cookie = {"Cookie": room.member_cookies[0]}
        path = f"/api/documents/{document_id}/pages/1?w=1280"
        app_port, accel_port, nginx_port = free_port(), free_port(), free_port()
        # Two processes on the same data: the app alone, and the app behind nginx, where it
        # answers with X-Accel-Redirect. Only the one being measured is busy.
        app = start_phonghop(room, app_port, tmp / "server.log")
        accel = proxy = None
        try:
            direct = httpx.get(f"http://127.0.0.1:{app_port}{path}", headers=cookie, timeout=60)
            assert direct.status_code == 200, direct.text
            size = len(direct.content)
            members = cookie_script(tmp / "members.lua", room.member_cookies)
            runs: list[tuple[str, str, dict[str, str], Path | None]] = [
                ("healthz", f"http://127.0.0.1:{app_port}/healthz", cookie, None),
                ("page_app", f"http://127.0.0.1:{app_port}{path}", cookie, None),
                ("page_app_304", f"http://127.0.0.1:{app_port}{path}",
                 {**cookie, "If-None-Match": direct.headers["etag"]}, None),
                ("page_app_members", f"http://127.0.0.1:{app_port}{path}", {}, members),
            ]
            if not args.app_only:
                accel, proxy = start_nginx_pair(tmp, room, args.keepalive,
                                                ports=(accel_port, nginx_port),
                                                image=direct.content)
                front = f"http://127.0.0.1:{nginx_port}"
                through = httpx.get(front + path, headers=cookie, timeout=10)
                assert through.status_code == 200 and through.content == direct.content, \
                    (through.status_code, through.headers)
                runs += [("page_nginx", front + path, cookie, None),
                         ("static_nginx", f"{front}/baseline/page.webp", {}, None)]
            emit({"bench": "page_serve", "page_bytes": size, "document_id": document_id,
                  "rounds": args.rounds, **measure})
            for n in range(args.rounds):
                for name, url, headers, script in runs:
                    result = run_wrk(url, headers=headers, script=script, **measure)
                    rounds.setdefault(name, []).append(result)
                    emit({"run": name, "round": n + 1, "url": url.split("?")[0], **result})
        finally:
            if proxy is not None:
                proxy.terminate()
                proxy.wait(10)
            for process in (app, accel):
                if process is not None:
                    stop(process)

    rps = {name: statistics.median(r["requests_per_second"] for r in results)
           for name, results in rounds.items()}

    def ratio(a: str, b: str) -> float:
        return round(rps[a] / rps[b], 3)

    summary: dict[str, Any] = {
        "summary": "page_serve", "page_bytes": size, "rounds": args.rounds, **measure,
        **{f"{name}_rps_median": value for name, value in rps.items()},
        "page_app_latency_mean_ms_median": statistics.median(
            r["latency_mean_ms"] for r in rounds["page_app"]),
        "page_app_vs_healthz": ratio("page_app", "healthz"),
        "page_app_304_vs_healthz": ratio("page_app_304", "healthz"),
        "page_app_members_vs_healthz": ratio("page_app_members", "healthz"),
        "target_page_app_vs_healthz": 0.5,
    }
    if not args.app_only:
        summary |= {"page_nginx_vs_static_nginx": ratio("page_nginx", "static_nginx"),
                    "page_nginx_vs_page_app": ratio("page_nginx", "page_app")}
    emit(summary)


if __name__ == "__main__":
    main()
