"""The files in deploy/ work with Debian's own nginx: both sites pass `nginx -t`; the
several-process site, run for real over TLS in front of two `phonghop serve` processes sharing
PostgreSQL and Redis, carries logins, page changes and WebSocket upgrades to every tablet; the
one-process site carries a 200 MB upload, and answers a slow bad file well inside its
timeouts (never a 504); and, with PHONGHOP_ACCEL_REDIRECT, it sends the page images the
server allowed from its internal location, which nobody reaches from outside."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import re
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from meetings.db import Database
from meetings.demo.seed import DEMO_PASSWORD, Demo, seed
from meetings.documents.blobs import BlobStore
from meetings.passwords import Passwords
from phonghop.settings import Settings
from tests import hostile_files as h
from tests.conftest import (
    ROOT,
    LiveServer,
    free_port,
    require_tool,
    start_server,
    stop_server,
)
from tests.wsclient import Tablet

DEPLOY = ROOT / "deploy"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def nginx_config(site: str, tmp: Path, *, http_port: int, https_port: int,
                 upstreams: list[int] | None = None, page_cache: Path | None = None) -> Path:
    """The site as shipped, with only what a test must change: ports, certificate paths and,
    when given, the upstream servers and the server's page cache. Everything else (upgrade,
    timeouts, TLS, the internal page location) is as deployed."""
    cert, key = self_signed(tmp)
    text = (DEPLOY / site).read_text()
    if page_cache is not None:
        assert "alias /var/lib/phonghop/cache/pages/;" in text
        text = text.replace("/var/lib/phonghop/cache/pages/", f"{page_cache}/")
    text = text.replace("/etc/ssl/phonghop/fullchain.pem", str(cert))
    text = text.replace("/etc/ssl/phonghop/privkey.pem", str(key))
    text = re.sub(r"listen \[::\]:\d+[^;]*;\n", "", text)  # the test host may lack IPv6
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    if upstreams is not None:
        text = re.sub(r"(?m)^    server 127\.0\.0\.1:\d+.*\n", "", text)
        servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams)
        text = text.replace("    keepalive 32;", servers + "    keepalive 32;")
    (tmp / "site.conf").write_text(text)
    main = tmp / "nginx.conf"
    main.write_text(f"""user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    include {tmp}/site.conf;
}}
""")
    return main


@pytest.mark.parametrize("site", ["nginx-phonghop.conf", "nginx-phonghop-cluster.conf"])
def test_nginx_accepts_the_site(site: str, tmp_path: Path) -> None:
    nginx = require_tool("nginx")
    config = nginx_config(site, tmp_path, http_port=free_port(), https_port=free_port())
    result = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.fixture
def two_processes(postgres_settings: Settings, tmp_path: Path) -> Iterator[tuple[list[int], Demo]]:
    database = Database(postgres_settings.db_url)
    demo = seed(database, BlobStore(postgres_settings.data_dir / "blobs"),
                postgres_settings.data_dir / "keys", Passwords(fast=True))
    database.dispose()
    processes, ports = [], []
    try:
        for n in range(2):
            ports.append(free_port())
            processes.append(start_server(postgres_settings, ports[-1], tmp_path / f"s{n}.log"))
        yield ports, demo
    finally:
        for process in processes:
            stop_server(process)


@pytest.mark.server
async def test_the_cluster_site_serves_tablets_over_tls(two_processes, tmp_path: Path) -> None:
    nginx = require_tool("nginx")
    ports, demo = two_processes
    https_port = free_port()
    config = nginx_config("nginx-phonghop-cluster.conf", tmp_path, http_port=free_port(),
                          https_port=https_port, upstreams=ports)
    proxy = run_nginx(nginx, config)
    base = f"https://localhost:{https_port}"
    context = ssl.create_default_context(cafile=str(tmp_path / "fullchain.pem"))
    try:
        async with httpx.AsyncClient(base_url=base, verify=context) as sec:
            for _ in range(100):  # nginx takes a moment to listen
                try:
                    await sec.get("/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            # plain HTTP is sent to HTTPS
            async with httpx.AsyncClient() as plain:
                r = await plain.get(f"http://127.0.0.1:{_http_port(config)}/")
                assert r.status_code == 301 and r.headers["location"].startswith("https://")
            tablets = []
            for username in ("uyvien1", "uyvien2", "uyvien3", "chutich"):
                login = await sec.post("/api/login",
                                       json={"username": username, "password": DEMO_PASSWORD})
                assert login.status_code == 200, (username, login.text)
                tablet = Tablet(f"wss://localhost:{https_port}/ws",
                                f"phonghop_session={login.cookies['phonghop_session']}",
                                demo.meeting_id, ssl=context)
                await tablet.connect()  # least_conn spreads them over both processes
                tablets.append(tablet)
            r = await sec.post("/api/login", json={"username": "thuky",
                                                   "password": DEMO_PASSWORD})
            assert r.status_code == 200
            assert (await sec.post(f"/api/meetings/{demo.meeting_id}/start")).status_code == 200
            r = await sec.post(f"/api/meetings/{demo.meeting_id}/present", json={"page": 3})
            assert r.status_code == 200, r.text
            for tablet in tablets:
                await tablet.wait_for("presentation", lambda d: d["page"] == 3)
            # the page change went through one process and reached tablets held by both
            async with httpx.AsyncClient() as direct:
                held = [(await direct.get(f"http://127.0.0.1:{port}/healthz")).json()
                        ["connections"] for port in ports]
            assert sum(held) == 4 and min(held) >= 1, held
            for tablet in tablets:
                await tablet.close()
    finally:
        proxy.terminate()
        proxy.wait(10)


def run_nginx(nginx: str, config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([nginx, "-c", str(config), "-p", str(config.parent),
                             "-g", "daemon off;"], stderr=subprocess.DEVNULL)


def _http_port(config: Path) -> int:
    site = (config.parent / "site.conf").read_text()
    return int(re.findall(r"listen 127\.0\.0\.1:(\d+);", site)[0])


def large_pdf(size: int) -> bytes:
    """A one-page PDF of just under `size` bytes: the page, and a stream of random bytes that
    no page uses (so reading it costs the server little; the test is about carrying it)."""

    def pdf(padding: bytes) -> bytes:
        return h.raw_pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            h.stream(b"0 0 1 rg 72 72 200 200 re f"), h.stream(padding)])

    return pdf(os.urandom(size - len(pdf(b"")) - 32))


@pytest.fixture
def a_slow_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server below gives a file 90 s of CPU: past nginx's 60 s default read timeout."""
    monkeypatch.setenv("PHONGHOP_INGEST_CPU_SECONDS", "90")


@pytest.mark.server
def test_the_site_carries_a_200_mb_upload_and_answers_a_slow_file_in_time(
        a_slow_reader: None, live_server: LiveServer, tmp_path: Path) -> None:
    nginx = require_tool("nginx")
    https_port = free_port()
    config = nginx_config("nginx-phonghop.conf", tmp_path, http_port=free_port(),
                          https_port=https_port, upstreams=[live_server.port])
    proxy = run_nginx(nginx, config)
    context = ssl.create_default_context(cafile=str(tmp_path / "fullchain.pem"))
    documents = "/api/meetings/1/items/1/documents"
    try:
        with httpx.Client(base_url=f"https://localhost:{https_port}", verify=context,
                          timeout=httpx.Timeout(30, read=150)) as sec:
            for _ in range(100):  # nginx takes a moment to listen
                try:
                    sec.get("/healthz")
                    break
                except httpx.ConnectError:
                    asyncio.run(asyncio.sleep(0.05))
            r = sec.post("/api/login", json={"username": "thuky", "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            # a file the reader would spend 90 s on: answered (202), not a 504 at 60 s
            r = sec.post(documents, files={"file": ("bom.pdf", h.content_bomb(),
                                                    "application/pdf")})
            assert r.status_code == 202, r.text
            assert r.json()["upload"]["stage"] in ("waiting", "converting", "reading", "indexing")
            # 200 MB, the most the server takes, carried whole
            data = large_pdf(200 * 1024 * 1024)
            r = sec.post(documents, files={"file": ("ho-so.pdf", data, "application/pdf")})
            assert r.status_code in (201, 202), r.text
            upload_id = r.json()["upload"]["id"]
            for _ in range(600):
                upload = sec.get(f"/api/uploads/{upload_id}").json()["upload"]
                if upload["stage"] in ("ready", "refused", "failed"):
                    break
                asyncio.run(asyncio.sleep(0.2))
            assert upload["stage"] == "ready", upload
            original = sec.get(f"/api/documents/{upload['document_id']}/file")
            assert original.status_code == 200
            assert hashlib.sha256(original.content).digest() == hashlib.sha256(data).digest()
            # anything else is a JSON body: nginx refuses a large one before the server
            r = sec.post("/api/login", content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                         headers={"content-type": "application/json"})
            assert r.status_code == 413
    finally:
        proxy.terminate()
        proxy.wait(10)


@pytest.fixture
def pages_sent_by_nginx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHONGHOP_ACCEL_REDIRECT", "/_pages/")


@pytest.mark.server
def test_the_site_sends_the_pages_the_server_allowed_and_no_other(
        pages_sent_by_nginx: None, live_server: LiveServer, tmp_path: Path) -> None:
    nginx = require_tool("nginx")
    https_port = free_port()
    cache = live_server.settings.data_dir / "cache" / "pages"
    config = nginx_config("nginx-phonghop.conf", tmp_path, http_port=free_port(),
                          https_port=https_port, upstreams=[live_server.port], page_cache=cache)
    proxy = run_nginx(nginx, config)
    context = ssl.create_default_context(cafile=str(tmp_path / "fullchain.pem"))
    base = f"https://localhost:{https_port}"
    try:
        with httpx.Client(base_url=base, verify=context, timeout=30) as member, \
                httpx.Client(base_url=base, verify=context, timeout=30) as archivist, \
                httpx.Client(base_url=base, verify=context, timeout=30) as sec, \
                httpx.Client(base_url=base, verify=context, timeout=30) as nobody:
            for _ in range(100):  # nginx takes a moment to listen
                try:
                    nobody.get("/healthz")
                    break
                except httpx.ConnectError:
                    asyncio.run(asyncio.sleep(0.05))
            for client, username in ((member, "uyvien1"), (archivist, "luutru"),
                                     (sec, "thuky")):
                r = client.post("/api/login", json={"username": username,
                                                    "password": DEMO_PASSWORD})
                assert r.status_code == 200, r.text
            doc = member.get("/api/meetings/1").json()["items"][0]["documents"][0]
            page = f"/api/documents/{doc['id']}/pages/1?w=640"
            r = member.get(page)
            assert r.status_code == 200, r.text
            assert r.headers["content-type"] == "image/webp"
            assert "immutable" in r.headers["cache-control"]
            assert "x-accel-redirect" not in r.headers
            (image,) = cache.rglob("1-640.webp")
            assert r.content == image.read_bytes()  # the file, sent by nginx
            # the server itself only pointed at it
            direct = httpx.get(live_server.url + page, cookies=dict(member.cookies))
            internal = direct.headers["x-accel-redirect"]
            assert direct.content == b"" and internal == "/_pages/" + image.relative_to(
                cache).as_posix()
            # readable by the server's group (nginx's user), nothing more
            assert image.stat().st_mode & 0o777 == 0o640
            assert {p.stat().st_mode & 0o777 for p in (image.parent, image.parent.parent,
                                                       cache, cache.parent,
                                                       live_server.settings.data_dir)} == {0o710}
            # refused as before: not logged in, not in the meeting, the internal location
            assert nobody.get(page).status_code == 401
            refused = archivist.get(page)
            assert refused.status_code == 404 and refused.json()["error"] == "not_found"
            for client in (nobody, member):
                outside = client.get(internal)
                assert outside.status_code == 404 and outside.content != image.read_bytes()
            # a confidential meeting's page is drawn for its viewer by the server
            r = sec.put("/api/meetings/1/document-policy",
                        json={"confidential": True, "downloads": False})
            assert r.status_code == 200, r.text
            marked = member.get(page)
            assert marked.status_code == 200 and marked.headers["cache-control"] == \
                "private, no-store"
            assert marked.content[:4] == b"RIFF" and marked.content != image.read_bytes()
            assert "x-accel-redirect" not in httpx.get(
                live_server.url + page, cookies=dict(member.cookies)).headers
    finally:
        proxy.terminate()
        proxy.wait(10)
