"""The authorisation matrix: every HTTP route (method x path, from the app's route table) and
every WebSocket command type, for every relation to a running meeting (tests/room.py: ROLES),
with the expected outcome in one table, tests/authz_matrix.csv.

Outcomes: `ok` (done), `401`, `403`, `404` (for someone within reach it may be the state's: no
signed minutes before the seal, an opinion form's document that is not one), or another refusal
that comes from the request or the state, not from who asks (`409`, `422`, `503`...; each
request carries a body that passes every route's field checks, tests/room.py: PLAUSIBLE); over
the WebSocket `ok`, `error:<code>` or `close:<code>`, and `-` for a command never reached (the
connection was refused before it). A route or message type without a row fails the test, and
so does a row naming a route that is gone: a new route is added to the table on purpose, cell
by cell.

Each role gets a fresh database and meeting, and asks in a fixed order: reads, then writes,
then what ends something (deleting, ending, closing, sealing), so each cell sees the same
state every run. PHONGHOP_WRITE_AUTHZ_MATRIX=1 writes the observed cells into the table
instead of comparing (then read the diff before committing it)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from meetings.demo.seed import DEMO_PASSWORD
from realtime.protocol import COMMAND_TYPES
from tests.conftest import LiveServer
from tests.room import ANNOTATION_ID, PLAUSIBLE, ROLES, populate, room_annotation

MATRIX = Path(__file__).with_name("authz_matrix.csv")
WRITE = os.environ.get("PHONGHOP_WRITE_AUTHZ_MATRIX") == "1"
COLUMNS = ["kind", "method", "path", *ROLES]
# Answered by no one (`pong` is a heartbeat: no id, no answer).
WS_COMMANDS = tuple(c for c in COMMAND_TYPES if c != "pong")
ENDING = re.compile(r"/(end|cancel|close|seal)$")

Key = tuple[str, str, str]


def http_rows(app: Any) -> list[Key]:
    rows = []
    for route in app.routes:
        if isinstance(route, Route):
            rows += [("http", m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return rows


def ws_rows() -> list[Key]:
    """The command types of realtime.protocol (the socket is served beside the route table,
    by phonghop.ws_uvicorn)."""
    return [("ws", "-", command) for command in WS_COMMANDS]


def order(key: Key) -> tuple[int, str, str]:
    _, method, path = key
    if path == "/api/logout":
        return 3, path, method  # last: everything before it is asked logged in
    stage = 0 if method == "GET" else 2 if method == "DELETE" or ENDING.search(path) else 1
    return stage, path, method


def read_matrix() -> dict[Key, dict[str, str]]:
    if not MATRIX.exists():
        return {}
    with MATRIX.open(newline="") as f:
        return {(r["kind"], r["method"], r["path"]): r for r in csv.DictReader(f)}


def write_matrix(column: dict[Key, str], role: str, keys: list[Key]) -> None:
    table = read_matrix()
    for key in keys:
        row = table.setdefault(key, {"kind": key[0], "method": key[1], "path": key[2]})
        if key in column:
            row[role] = column[key]
    for key in [k for k in table if k not in keys]:
        del table[key]
    with MATRIX.open("w", newline="") as f:
        out = csv.DictWriter(f, COLUMNS, restval="?", lineterminator="\n")
        out.writeheader()
        for key in sorted(table, key=lambda k: (k[0], k[2], k[1])):
            out.writerow(table[key])


def outcome(status: int) -> str:
    return "ok" if status < 400 else str(status)


def fill(path: str, ids: dict[str, int]) -> str:
    path = path.replace("{annotation_id}", ANNOTATION_ID)
    return re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)


def test_every_route_and_message_type_has_a_row(app) -> None:  # type: ignore[no-untyped-def]
    keys = set(http_rows(app)) | set(ws_rows())
    table = read_matrix()
    missing = sorted(keys - set(table))
    gone = sorted(set(table) - keys)
    assert not missing, f"routes with no row in {MATRIX.name}: {missing}"
    assert not gone, f"rows in {MATRIX.name} for routes that are gone: {gone}"
    assert len(keys) >= 90
    blank = [(k, role) for k, row in table.items() for role in ROLES
             if row.get(role) in (None, "", "?")]
    assert not blank, f"cells without an expected outcome: {blank[:10]}"


@pytest.mark.parametrize("role", list(ROLES))
def test_http_matrix(app, login, settings, role: str) -> None:  # type: ignore[no-untyped-def]
    clients: dict[str, Any] = {}

    def log_in() -> None:  # before the demotion: a login that was the secretary's
        clients[role] = login(ROLES[role])

    ids = populate(login, settings, before_demotion=log_in)
    client = clients[role]
    keys = sorted(http_rows(app), key=order)
    observed: dict[Key, str] = {}
    for key in keys:
        _, method, path = key
        url = fill(path, ids)
        if method in ("POST", "PUT", "PATCH"):
            response = client.request(method, url, json=PLAUSIBLE)
        else:  # a query that passes the search routes' check (2 letters at least)
            response = client.request(method, url, params={"q": "kinh te"})
        observed[key] = outcome(response.status_code)
    if WRITE:
        write_matrix(observed, role, http_rows(app) + ws_rows())
        return
    table = read_matrix()
    wrong = [f"{k[1]} {k[2]}: expected {table[k][role]}, got {observed[k]}"
             for k in keys if k in table and table[k][role] != observed[k]]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


class Socket:
    """One role's WebSocket to the live server, asked the command types in turn."""

    def __init__(self, server: LiveServer, role: str) -> None:
        headers = {"Origin": server.url}
        username = ROLES[role]
        if username is not None:
            with httpx.Client(base_url=server.url) as http:
                r = http.post("/api/login", json={"username": username,
                                                  "password": DEMO_PASSWORD})
                assert r.status_code == 200, r.text
                headers["Cookie"] = f"phonghop_session={r.cookies['phonghop_session']}"
        self.column: dict[Key, str] = {}
        self.closed: str | None = None
        try:
            self.ws: Any = connect(server.ws_url, additional_headers=headers).__enter__()
        except InvalidStatus as exc:
            self.closed = f"close:{exc.response.status_code}"

    def ask(self, n: int, command: str, data: dict[str, Any]) -> None:
        key = ("ws", "-", command)
        if self.closed is not None:
            self.column[key] = self.closed if not self.column else "-"
            return
        try:
            self.ws.send(json.dumps({"id": n, "type": command, "data": data}))
            while True:
                message = json.loads(self.ws.recv(timeout=20))
                if message.get("id") == n:
                    break
            self.column[key] = "ok" if message["type"] == "reply" else f"error:{message['error']}"
            result = message.get("data", {}).get("result") if message["type"] == "reply" else None
            if isinstance(result, dict) and result.get("status") == "error":
                # annotation.change answers a refused change as a result (as the batch does)
                self.column[key] = f"error:{result['error']}"
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else 1006
            self.column[key] = f"close:{code}"
            self.closed = "-"

    def close(self) -> None:
        if self.closed is None or self.closed == "-":
            with contextlib.suppress(Exception):
                self.ws.close()


def outsider_connect(server: LiveServer, meeting_id: int) -> dict[str, Any]:
    """The whole answer, and the close, a member of another body gets on connecting."""
    socket = Socket(server, "other_body")
    socket.ws.send(json.dumps({"id": 1, "type": "connect", "data": {"meeting_id": meeting_id}}))
    answer = json.loads(socket.ws.recv(timeout=20))
    with contextlib.suppress(ConnectionClosed):
        socket.ws.recv(timeout=20)
    code = socket.ws.close_code
    socket.close()
    return {"answer": answer, "close": code}


def ws_data(ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {"connect": {"meeting_id": 1}, "presence": {"mode": "follow"},
            "vote.cast": {"vote_id": ids["vote_id"], "choice": "yes"}, "present": {"page": 2},
            # the member's own annotation, put again: theirs alone to change
            "annotation.change": {"device": "matrix", "key": "matrix-1", "op": "put",
                                  "annotation": room_annotation(ids["document_id"])},
            "pointer": {"document_id": ids["document_id"], "page": 1, "x": 0.5, "y": 0.5},
            "presenter.ink": {"document_id": ids["document_id"], "page": 1, "stroke": "m1",
                              "points": [[0.1, 0.1, 0.5]], "width": 0.004,
                              "color": "#d32f2f", "done": True, "keep": False}}


def test_websocket_matrix(live_server: LiveServer) -> None:
    """Each role's socket, opened once the room is set; the demoted secretary's socket is
    opened and connected before the demotion, and asked the rest after it."""
    clients: list[httpx.Client] = []
    sockets: dict[str, Socket] = {}

    def login(username: str | None) -> httpx.Client:
        client = live_server.session(username) if username else httpx.Client(
            base_url=live_server.url)
        client.headers["Origin"] = live_server.url
        clients.append(client)
        return client

    def before_demotion() -> None:
        sockets["demoted"] = Socket(live_server, "demoted")
        sockets["demoted"].ask(1, "connect", {"meeting_id": 1})

    try:
        ids = populate(login, live_server.settings,  # type: ignore[arg-type]
                       before_demotion=before_demotion)
        data = ws_data(ids)
        for role in ROLES:
            socket = sockets.setdefault(role, Socket(live_server, role))
            for n, command in enumerate(WS_COMMANDS, 1):
                if ("ws", "-", command) not in socket.column:
                    socket.ask(n, command, data[command])
    finally:
        for c in clients:
            c.close()
        for socket in sockets.values():
            socket.close()
    observed = {role: socket.column for role, socket in sockets.items()}
    assert outsider_connect(live_server, 1) == outsider_connect(live_server, 999_999)
    keys = ws_rows()
    if WRITE:
        for role, column in observed.items():
            table_keys = list(read_matrix())
            write_matrix(column, role, table_keys)
        return
    table = read_matrix()
    wrong = [f"{role} {k[2]}: expected {table[k][role]}, got {column[k]}"
             for role, column in observed.items() for k in keys
             if k in table and table[k][role] != column.get(k)]
    assert not wrong, "\n".join(wrong)
