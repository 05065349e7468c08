"""Cross-site writes are refused: a page of another origin (another port of the same host, a
sibling site on the LAN) cannot make a logged-in member's browser cast a ballot, even though
SameSite=Lax sends the cookie to a same-site page; and the JSON check reads the media type
exactly, so `text/plain; a=application/json` (which browsers send without a preflight) is not
JSON."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from starlette.testclient import TestClient

from meetings.demo import DEMO_PASSWORD
from phonghop.app import create_app
from tests.conftest import LiveServer, require_tool
from tests.helpers import error_of, record_quorum, snapshot, start
from tests.test_browser import CHROMIUM, Walk, chromium

ELSEWHERE = "http://127.0.0.1:9"  # another port of the same host: same site, other origin


def open_vote(login) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    opened = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"})
    vote_id = opened.json()["vote"]["id"]
    return vote_id, sec


def test_a_write_from_another_origin_is_refused(login) -> None:  # type: ignore[no-untyped-def]
    vote_id, _ = open_vote(login)
    member = login("uyvien1")
    url = f"/api/votes/{vote_id}/ballots"
    body = error_of(member.post(url, json={"choice": "yes"}, headers={"Origin": ELSEWHERE}),
                    403, "cross_site")
    assert "trang khác" in body["message_vi"]
    # a browser that sends only Sec-Fetch-Site
    error_of(member.post(url, json={"choice": "yes"}, headers={"Sec-Fetch-Site": "same-site"}),
             403, "cross_site")
    error_of(member.post(url, json={"choice": "yes"}, headers={"Sec-Fetch-Site": "cross-site"}),
             403, "cross_site")
    # the login too: no other page logs a tablet into another account
    error_of(login(None).post("/api/login", json={"username": "uyvien2",
                                                  "password": DEMO_PASSWORD},
                              headers={"Origin": ELSEWHERE}), 403, "cross_site")
    assert snapshot(member, 1)["open_vote"]["voted"] is False
    # the app's own pages may
    ok = member.post(url, json={"choice": "yes"},
                     headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 201, ok.text


def test_a_listed_origin_may_write(settings, demo) -> None:  # type: ignore[no-untyped-def]
    app = create_app(replace(settings, allowed_origins=("https://hop.example.vn",)))
    with TestClient(app) as client:
        r = client.post("/api/login", json={"username": "uyvien1", "password": DEMO_PASSWORD},
                        headers={"Origin": "https://hop.example.vn"})
        assert r.status_code == 200
        error_of(client.post("/api/login", json={"username": "uyvien1",
                                                 "password": DEMO_PASSWORD},
                             headers={"Origin": "https://evil.example.vn"}), 403, "cross_site")


@pytest.mark.parametrize("content_type", ["text/plain; a=application/json",
                                          "text/plain;charset=application/json",
                                          "application/jsonp", "multipart/form-data"])
def test_only_json_is_json(login, content_type: str) -> None:  # type: ignore[no-untyped-def]
    vote_id, _ = open_vote(login)
    member = login("uyvien1")
    r = member.post(f"/api/votes/{vote_id}/ballots", content=b'{"choice": "yes"}',
                    headers={"Content-Type": content_type})
    error_of(r, 422, "json_required")
    assert member.post(f"/api/votes/{vote_id}/ballots", content=b'{"choice": "yes"}',
                       headers={"Content-Type": "Application/JSON; charset=utf-8"}
                       ).status_code == 201


ATTACK = """<!doctype html><meta charset="utf-8"><title>Khuyến mãi</title>
<form id="f" method="POST" action="{target}/api/votes/{vote}/ballots" enctype="text/plain">
<input name='{{"choice": "no", "x": "' value='"}}'></form>
<script>
fetch("{target}/api/votes/{vote}/ballots", {{method: "POST", mode: "no-cors",
  credentials: "include", headers: {{"Content-Type": "text/plain; a=application/json"}},
  body: JSON.stringify({{choice: "no"}})}})
  .finally(() => {{ document.title = "fetched"; document.getElementById("f").submit(); }});
</script>"""


@pytest.mark.browser
@pytest.mark.server
def test_a_page_on_another_port_cannot_vote_for_a_logged_in_member(
        live_server: LiveServer) -> None:
    require_tool(CHROMIUM)
    sec = live_server.session("thuky")
    assert sec.post("/api/meetings/1/start").status_code == 200
    record_quorum(sec, 1)
    opened = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"})
    vote_id = opened.json()["vote"]["id"]

    page_html = ATTACK.format(target=live_server.url, vote=vote_id).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args: object) -> None:
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            walk = Walk(browser, live_server, None)
            tablet = walk.log_in("uyvien1", "/m/1")
            attack = tablet.context.new_page()
            attack.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
            # the script's fetch ran, then the form posted: the page is now the answer to it
            attack.wait_for_url(f"{live_server.url}/api/votes/{vote_id}/ballots")
            status, snap = tablet.evaluate(
                "fetch('/api/meetings/1').then(async (r) => [r.status, await r.json()])")
            assert status == 200, snap
            assert snap["open_vote"]["voted"] is False, \
                "a page of another origin cast the member's ballot"
            assert "cross_site" in attack.content()  # what the form's POST was answered
            # the member's own tablet still votes (the same browser, the app's own page)
            cast = tablet.evaluate(
                f"fetch('/api/votes/{vote_id}/ballots', {{method: 'POST', headers: "
                "{'Content-Type': 'application/json'}, body: JSON.stringify({choice: 'yes'})})"
                ".then((r) => r.status)")
            assert cast == 201
        counts = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]["counts"]
        assert (counts["yes"], counts["no"]) == (1, 0)
    finally:
        evil.shutdown()
        evil.server_close()
        sec.close()
