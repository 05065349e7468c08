"""THE privacy test of annotations (issue 11 §2): a private annotation reaches no one but its
owner — not another member, not the secretary, the chair, an administrator or an archivist —
through any route of the app, any WebSocket message, the connect snapshot, a recovery, an
export, the archive package or the server's log. Shared ones reach exactly the people they are
shared with, and taking one back removes it from them live (`annotation.deleted`).

How: the owner (`uyvien1`) plants unique marker strings in the ids and texts of a private ink
stroke, sticky note, text box and highlight, and in an old-style text note; two more markers
go into an annotation shared with one member (`uyvien2`) and one shared with the meeting. Then
every route of the app's route table (as tests/test_authz_matrix.py walks it) is asked as every
role, reads first, then writes, then what ends things, and every byte that comes back is
searched (PDFs and ZIP archives opened and read whole). Over real sockets, every role connects
(snapshot), listens while the owner writes, sends every command type, and reconnects (recovery
and snapshot again); every frame received is searched. Each search would find the marker
where it is allowed: the owner's own answers are searched too and must hold every marker."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pymupdf
import pytest
import websockets
from starlette.routing import Route
from starlette.testclient import TestClient

from realtime.protocol import COMMAND_TYPES
from tests.conftest import LiveServer
from tests.room import PLAUSIBLE, populate, user_id
from tests.test_seal_and_archive import run_meeting_to_sealed
from tests.wsclient import cookie_for

OWNER = "uyvien1"
FRIEND = "uyvien2"  # a private share goes to this member alone
# Every relation to the meeting: the owner, another member, the staff, a guest, a secretary
# demoted to guest while the meeting runs, global roles who are not in it, outsiders.
ROLES: dict[str, str | None] = {
    "owner": OWNER,
    "other_member": FRIEND,
    "secretary": "thuky",
    "chair": "chutich",
    "guest": "khachmoi",
    "demoted": "phochutich1",
    "admin": "admin",
    "archivist": "luutru",
    "other_meeting": "khac",
    "outsider": "ngoai",
    "anonymous": None,
}
PARTICIPANTS = {"owner", "other_member", "secretary", "chair", "guest", "demoted"}
ENDING = re.compile(r"/(end|cancel|close|seal)$")


@dataclass
class Planted:
    """The markers, what carries them, and who may see each."""

    private: list[str] = field(default_factory=list)
    to_friend: list[str] = field(default_factory=list)
    to_meeting: list[str] = field(default_factory=list)
    private_ids: list[str] = field(default_factory=list)
    # The old-style note's annotation id ("note-<n>"): the notes routes name it by its number,
    # so even the owner need not receive it; no one else may.
    legacy: list[str] = field(default_factory=list)
    document_id: int = 0

    def forbidden(self, role: str) -> list[str]:
        """The markers `role` must never receive."""
        if role == "owner":
            return []
        out = self.private + self.legacy
        if role != "other_member":
            out += self.to_friend
        if role not in PARTICIPANTS:
            out += self.to_meeting
        return out

    def allowed(self, role: str) -> list[str]:
        if role == "owner":
            return self.private + self.to_friend + self.to_meeting
        return ([*self.to_friend] if role == "other_member" else []) + (
            self.to_meeting if role in PARTICIPANTS else [])


def token(kind: str) -> str:
    return f"mk{secrets.token_hex(5)}{kind}"


def annotation(document_id: int, ident: str, kind: str, text: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ink": {"points": [[0.11, 0.22, 0.5], [0.33, 0.44, 0.6]], "width": 0.004},
        "note": {"x": 0.8, "y": 0.1, "text": text},
        "text": {"rect": [0.1, 0.6, 0.7, 0.65], "text": text, "size": 0.018},
        "highlight": {"rects": [[0.1, 0.1, 0.5, 0.12]], "target": {
            "quote": {"exact": text, "prefix": "", "suffix": ""},
            "position": {"start": 0, "end": len(text)}}},
    }[kind]
    return {"id": ident, "document_id": document_id, "version": 1, "page": 1, "kind": kind,
            "color": "#2e7d32", "data": data}


def plant(post: Callable[[str, dict[str, Any]], Any], put: Callable[[str, dict[str, Any]], Any],
          document_id: int, friend_id: int) -> Planted:
    """The owner's annotations: private ones of every kind, an old-style note, one shared
    with the friend, one with the meeting. `post`/`put` are the owner's HTTP calls (JSON)."""
    planted = Planted(document_id=document_id)
    changes = []
    for kind in ("ink", "note", "text", "highlight"):
        ident, text = token(f"id{kind}"), token(f"tx{kind}")
        planted.private += [ident] if kind == "ink" else [ident, text]  # a stroke has no text
        planted.private_ids.append(ident)
        changes.append(annotation(document_id, ident, kind, text))
    shared = {"friend": (token("idfriend"), token("txfriend")),
              "meeting": (token("idmeeting"), token("txmeeting"))}
    planted.to_friend += shared["friend"]
    planted.to_meeting += shared["meeting"]
    changes += [annotation(document_id, i, "note", t) for i, t in shared.values()]
    r = post("/api/annotations/changes", {"device": "owner-tablet", "changes": [
        {"key": f"plant-{a['id']}", "op": "put", "annotation": a} for a in changes]})
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(changes), r.text
    note_text = token("oldnote")
    r = post(f"/api/documents/{document_id}/notes", {"page": 1, "text": note_text})
    assert r.status_code == 201, r.text
    planted.private.append(note_text)
    planted.legacy.append(f"note-{r.json()['note']['id']}")
    assert put(f"/api/annotations/{shared['friend'][0]}/sharing",
               {"users": [friend_id]}).status_code == 200
    assert put(f"/api/annotations/{shared['meeting'][0]}/sharing",
               {"meeting": True}).status_code == 200
    return planted


# --- reading every byte of an answer -------------------------------------------------------


def readable(content: bytes, depth: int = 0) -> str:
    """The answer as text to search: the bytes themselves, and inside a PDF (every object
    and stream, decompressed; text; annotations) or a ZIP (every member, read the same way)."""
    parts = [content.decode("latin-1"), content.decode("utf-8", "replace")]
    if depth < 3 and content[:4] == b"%PDF":
        with contextlib.suppress(Exception), pymupdf.open(stream=content, filetype="pdf") as doc:
            for xref in range(1, doc.xref_length()):
                with contextlib.suppress(Exception):
                    parts.append(doc.xref_object(xref))
                with contextlib.suppress(Exception):
                    stream = doc.xref_stream(xref)
                    if stream:
                        parts.append(stream.decode("latin-1"))
            for page in doc:
                parts.append(page.get_text())
                parts += [json.dumps(a.info, ensure_ascii=False) for a in page.annots()]
    if depth < 3 and content[:2] == b"PK":
        with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(content)) as z:
            for name in z.namelist():
                parts.append(name)
                parts.append(readable(z.read(name), depth + 1))
    return "\n".join(parts).lower()


def leaks(text: str, markers: Iterable[str]) -> list[str]:
    return [m for m in markers if m.lower() in text]


# --- HTTP: every route, as every role -------------------------------------------------------


def http_routes(app: Any) -> list[tuple[str, str]]:
    rows = []
    for route in app.routes:
        if isinstance(route, Route):
            rows += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]

    def order(row: tuple[str, str]) -> tuple[int, str, str]:
        method, path = row
        if path == "/api/logout":
            return 3, path, method
        stage = 0 if method == "GET" else 2 if method == "DELETE" or ENDING.search(path) else 1
        return stage, path, method

    return sorted(rows, key=order)


def fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(ids[m.group(1)]), path)


def ask_everything(app: Any, client: TestClient, ids: dict[str, Any], planted: Planted,
                   *, writes: bool = True, steal: bool = True) -> list[tuple[str, str]]:
    """Every route (GETs with a query that searches for a marker), then for every private
    annotation a stranger's put, delete and share of it; each answer read whole."""
    seen = []
    if writes and steal:  # first: the route walk logs out at its end
        for n, ident in enumerate(planted.private_ids):
            stolen = annotation(planted.document_id, ident, "note", "lấy trộm")
            for op, body in (("put", stolen), ("delete", {"id": ident})):
                r = client.post("/api/annotations/changes", json={"device": "thief", "changes": [
                    {"key": f"steal-{op}-{n}", "op": op, "annotation": body}]})
                seen.append((f"{op} {ident} {r.status_code}", readable(r.content)))
            r = client.put(f"/api/annotations/{ident}/sharing", json={"meeting": True})
            seen.append((f"share {ident} {r.status_code}", readable(r.content)))
    # The search routes echo the query: it is the inside of a marker, so that a hit on an
    # annotation's text would carry the whole marker and the echo never does.
    query = {"q": planted.private[2][2:-2], "version": "1"}  # the sticky note's text
    for method, path in http_routes(app):
        if method != "GET" and not writes:
            continue
        url = fill(path, ids)
        if method in ("POST", "PUT", "PATCH"):
            r = client.request(method, url, json=PLAUSIBLE)
        else:
            r = client.request(method, url, params=query)
        seen.append((f"{method} {url} {r.status_code}", readable(r.content)))
    return seen


@pytest.fixture
def room(app, login, settings):  # type: ignore[no-untyped-def]
    """The demo meeting running (tests/room.py), the owner's markers planted, and for each
    role a client logged in (the demoted secretary before the demotion)."""
    clients: dict[str, TestClient] = {}

    def log_in() -> None:
        clients["demoted"] = login("phochutich1")

    ids: dict[str, Any] = dict(populate(login, settings, before_demotion=log_in))
    owner = login(OWNER)
    friend_id = user_id(login("admin"), FRIEND)
    planted = plant(lambda u, b: owner.post(u, json=b), lambda u, b: owner.put(u, json=b),
                    ids["document_id"], friend_id)
    ids["annotation_id"] = planted.private_ids[0]
    for role, username in ROLES.items():
        clients.setdefault(role, login(username))
    return ids, planted, clients


@pytest.mark.parametrize("role", list(ROLES))
def test_no_route_gives_a_private_annotation_to_anyone_but_its_owner(app, room, role: str
                                                                      ) -> None:
    ids, planted, clients = room
    answers = ask_everything(app, clients[role], ids, planted, steal=role != "owner")
    assert len(answers) > 100
    found = [(where, m) for where, text in answers for m in leaks(text, planted.forbidden(role))]
    assert not found, f"{role} received: {found[:10]}"
    # The search can fail: what this role may see is in its answers (each shared marker,
    # and for the owner every marker).
    everything = "\n".join(text for _, text in answers)
    missing = set(planted.allowed(role)) - set(leaks(everything, planted.allowed(role)))
    assert not missing, (role, missing)


def test_an_exclusion_hides_shared_annotations_too(room, login) -> None:
    """A participant excluded from the item (conflict of interest) does not see the
    annotations shared with the meeting on its documents: to them they do not exist."""
    ids, planted, clients = room
    friend_id = user_id(login("admin"), FRIEND)
    closed = clients["secretary"].post(f"/api/votes/{ids['vote_id']}/close")
    assert closed.status_code == 200, closed.text  # an open vote's voters are fixed
    r = clients["secretary"].put(
        f"/api/meetings/1/items/{ids['item_id']}/exclusions/{friend_id}",
        json={"reason": "Có quyền lợi liên quan"})
    assert r.status_code in (200, 201), r.text
    got = clients["other_member"].get(f"/api/documents/{ids['document_id']}/annotations")
    assert got.status_code == 404
    assert not leaks(readable(got.content), planted.to_meeting + planted.to_friend)
    # and they are still the others'
    chair = clients["chair"].get(f"/api/documents/{ids['document_id']}/annotations")
    assert leaks(readable(chair.content), planted.to_meeting) == planted.to_meeting


@pytest.mark.parametrize("role", ["secretary", "admin", "archivist", "other_member", "owner"])
def test_a_sealed_meetings_archive_and_exports_hold_no_private_annotation(app, login, role: str
                                                                          ) -> None:
    """The meeting sealed after the owner annotated: its minutes, the record, the archive and
    its package, read as the archivist, the admin and the staff, carry none of it."""
    owner = login(OWNER)
    document_id = owner.get("/api/meetings/1").json()["items"][0]["documents"][0]["id"]
    planted = plant(lambda u, b: owner.post(u, json=b), lambda u, b: owner.put(u, json=b),
                    document_id, user_id(login("admin"), FRIEND))
    run_meeting_to_sealed(login)
    client = login(ROLES[role])
    ids: dict[str, Any] = {"meeting_id": 1, "document_id": document_id, "page": 1,
                           "item_id": 1, "vote_id": 1, "request_id": 1, "note_id": 1,
                           "opinion_id": 1, "upload_id": 1, "user_id": 1, "body_id": 1,
                           "annotation_id": planted.private_ids[0]}
    answers = ask_everything(app, client, ids, planted, writes=False)
    package = client.get("/api/archive/1/package.zip")
    answers.append(("package", readable(package.content)))
    found = [(where, m) for where, text in answers for m in leaks(text, planted.forbidden(role))]
    assert not found, f"{role} received: {found[:10]}"
    if role == "owner":  # still theirs to read
        everything = "\n".join(text for _, text in answers)
        assert set(leaks(everything, planted.private)) == set(planted.private)
    if role == "archivist":
        assert package.status_code == 200 and len(package.content) > 10_000


# --- WebSocket: every message, as every role ------------------------------------------------


class Socket:
    """A raw socket that keeps every frame it receives as text."""

    def __init__(self, server: LiveServer, cookie: str | None) -> None:
        self.server, self.cookie = server, cookie
        self.frames: list[str] = []
        self.positions: dict[str, Any] = {}
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.next_id = 0
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}

    async def open(self, data: dict[str, Any]) -> dict[str, Any] | None:
        headers = {"Origin": self.server.url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await websockets.connect(self.server.ws_url, additional_headers=headers,
                                           compression=None)
        self.reader = asyncio.create_task(self._read())
        reply = await self.ask("connect", data)
        if reply is not None and reply.get("type") == "reply":
            self.positions = reply["data"]["positions"]
        return reply

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                self.frames.append(raw)
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                future = self.replies.pop(message.get("id"), None) \
                    if message.get("id") is not None else None
                if future is not None and not future.done():
                    future.set_result(message)

    async def ask(self, type: str, data: dict[str, Any]) -> dict[str, Any] | None:
        self.next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        try:
            await self.ws.send(json.dumps({"id": self.next_id, "type": type, "data": data}))
            return await asyncio.wait_for(future, 10)
        except (websockets.ConnectionClosed, TimeoutError):
            return None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader

    def text(self) -> str:
        return "\n".join(self.frames).lower()


def command_data(planted: Planted, vote_id: int) -> dict[str, dict[str, Any]]:
    ident = planted.private_ids[1]
    return {
        "connect": {"meeting_id": 1},
        "presence": {"mode": "browse", "document_id": planted.document_id, "page": 1},
        "vote.cast": {"vote_id": vote_id, "choice": "yes"},
        "present": {"page": 1},
        "annotation.change": {"device": "thief", "key": "ws-steal", "op": "put",
                              "annotation": annotation(planted.document_id, ident, "note",
                                                       "lấy trộm")},
        "pointer": {"document_id": planted.document_id, "page": 1, "x": 0.5, "y": 0.5},
        "presenter.ink": {"document_id": planted.document_id, "page": 1, "stroke": "s1",
                          "points": [[0.1, 0.1, 0.5]], "width": 0.004, "color": "#000000",
                          "done": True, "keep": False},
    }


async def test_no_message_gives_a_private_annotation_to_anyone_but_its_owner(
        live_server: LiveServer) -> None:
    url = live_server.url
    clients: list[httpx.Client] = []

    def login(username: str | None) -> httpx.Client:
        client = live_server.session(username) if username else httpx.Client(base_url=url)
        client.headers["Origin"] = url
        clients.append(client)
        return client

    ids = populate(login, live_server.settings)  # type: ignore[arg-type]
    cookies = {role: await cookie_for(url, u) if u else None for role, u in ROLES.items()}
    meeting = {role: Socket(live_server, c) for role, c in cookies.items()}
    inbox = {role: Socket(live_server, c) for role, c in cookies.items()}
    owner_second = Socket(live_server, cookies["owner"])
    try:
        for role in ROLES:
            await meeting[role].open({"meeting_id": 1, "device": role})
            await inbox[role].open({"inbox": True})
        await owner_second.open({"meeting_id": 1, "device": "second"})
        first_positions = {role: dict(s.positions) for role, s in meeting.items()}

        # The owner writes while everyone listens: every kind, an old note, shares.
        owner = login(OWNER)
        friend_id = user_id(login("admin"), FRIEND)
        planted = plant(lambda u, b: owner.post(u, json=b), lambda u, b: owner.put(u, json=b),
                        ids["document_id"], friend_id)
        # over the socket too: an edit and a delete of private ones
        ink = annotation(ids["document_id"], planted.private_ids[0], "ink", "")
        edited = await meeting["owner"].ask("annotation.change", {
            "device": "owner", "key": "ws-edit", "op": "put", "annotation": ink | {"page": 2}})
        assert edited is not None and edited["data"]["result"]["status"] == "applied"
        gone = await meeting["owner"].ask("annotation.change", {
            "device": "owner", "key": "ws-del", "op": "delete",
            "annotation": {"id": planted.private_ids[2]}})
        assert gone is not None and gone["data"]["result"]["status"] == "applied"
        # every role sends every command type
        data = command_data(planted, ids["vote_id"])
        for socket in meeting.values():
            for command in COMMAND_TYPES:
                if command not in ("pong", "connect"):
                    await socket.ask(command, data[command])
        # the friend's share is taken back: they are told at once
        friend_share = planted.to_friend[0]
        assert owner.put(f"/api/annotations/{friend_share}/sharing", json={}).status_code == 200
        await asyncio.sleep(1.0)
        deleted = [json.loads(f) for f in meeting["other_member"].frames
                   if '"annotation.deleted"' in f]
        assert [d["data"]["id"] for d in deleted] == [friend_share]
        after = owner.get(f"/api/documents/{ids['document_id']}/annotations")
        assert friend_share in after.text
        # Everyone comes back twice: with the positions held before the owner wrote (what
        # was missed, replayed), and with none (a snapshot).
        again: dict[str, list[Socket]] = {}
        for role in ROLES:
            again[role] = [Socket(live_server, cookies[role]), Socket(live_server, cookies[role])]
            await again[role][0].open({"meeting_id": 1, "positions": first_positions[role]})
            await again[role][1].open({"meeting_id": 1})
        await asyncio.sleep(0.5)

        log = live_server.log.read_text(errors="replace").lower()
        for role in ROLES:
            received = "\n".join([meeting[role].text(), inbox[role].text(),
                                  *[s.text() for s in again[role]]])
            found = leaks(received, planted.forbidden(role))
            assert not found, f"{role} received {found}"
            missing = set(planted.allowed(role)) - set(leaks(received, planted.allowed(role)))
            assert not missing, (role, missing)
        # the owner's other device heard every private change as it came
        assert set(leaks(owner_second.text(), planted.private)) == set(planted.private)
        recovered = again["owner"][0].frames[0]
        assert '"recovered":true' in recovered.replace(" ", "")
        assert leaks(log, planted.private + planted.legacy + planted.to_friend
                     + planted.to_meeting) == []
        assert "put /api/annotations/…/sharing" in log  # the access log is read, ids left out
        for sockets in again.values():
            for s in sockets:
                await s.close()
    finally:
        for s in [*meeting.values(), *inbox.values(), owner_second]:
            await s.close()
        for c in clients:
            c.close()
