"""Page images sent from what a server process remembers (phonghop.page_access): whom it gave
a document's pages is dropped at once by every change that takes them away (an exclusion, a
removal from the meeting, a log-out, a deactivation, a new version, the meeting made
confidential), on this process and on another one sharing PostgreSQL and Redis; writes that
change nothing of it (a check-in, a page turn, a login) keep it; confidential pages stay drawn
for each viewer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from meetings.db import Database
from meetings.demo import documents as demo_documents
from meetings.demo.seed import DEMO_PASSWORD, seed
from meetings.documents import access_changes
from meetings.documents.blobs import BlobStore
from meetings.models import Meeting, Participant
from meetings.passwords import Passwords
from phonghop.auth import COOKIE
from phonghop.page_access import Grant, PageBytes, PageGrants
from phonghop.settings import Settings
from tests.conftest import free_port, start_server, stop_server
from tests.helpers import error_of, first_document, record_quorum, snapshot, start

REASON = "Có người thân là chủ đầu tư dự án"


def people(client: Any, meeting_id: int) -> dict[str, int]:
    return {p["username"]: p["user_id"] for p in snapshot(client, meeting_id)["participants"]}


def grants(app: Any) -> int:
    return len(app.state.services.page_grants)


def test_an_exclusion_stops_the_pages_at_once_and_readmission_gives_them_back(
        login: Any, app: Any) -> None:
    sec, member = login("thuky"), login("uyvien1")
    doc = first_document(member, 1)
    url = f"/api/documents/{doc['id']}/pages/1?w=640"
    assert member.get(url).status_code == 200
    assert grants(app) == 1  # remembered: the next page costs no database read
    assert member.get(f"/api/documents/{doc['id']}/pages/2?w=640").status_code == 200
    assert grants(app) == 1
    exclusion = f"/api/meetings/1/items/{doc['item_id']}/exclusions/{people(sec, 1)['uyvien1']}"
    assert sec.put(exclusion, json={"reason": REASON}).status_code == 200
    error_of(member.get(url), 404, "not_found")
    assert sec.delete(exclusion).status_code == 200
    assert member.get(url).status_code == 200


def test_check_ins_page_turns_and_logins_keep_what_is_remembered(login: Any, app: Any) -> None:
    sec, member = login("thuky"), login("uyvien1")
    start(sec, 1)  # the meeting's status changes: what was remembered goes
    doc = first_document(member, 1)
    assert member.get(f"/api/documents/{doc['id']}/pages/1?w=640").status_code == 200
    before = app.state.services.page_grants.generation
    record_quorum(sec, 1)
    r = sec.post("/api/meetings/1/present",
                 json={"item_id": doc["item_id"], "document_id": doc["id"], "page": 2})
    assert r.status_code == 200, r.text
    login("uyvien2")  # a login takes nothing away from anyone
    assert app.state.services.page_grants.generation == before and grants(app) == 1


def test_a_removed_participant_gets_no_page(login: Any) -> None:
    sec, guest = login("thuky"), login("khachmoi")
    doc = first_document(guest, 1)
    url = f"/api/documents/{doc['id']}/pages/1?w=640"
    assert guest.get(url).status_code == 200
    r = sec.delete(f"/api/meetings/1/participants/{people(sec, 1)['khachmoi']}")
    assert r.status_code == 200, r.text
    assert guest.get(url).status_code in (403, 404)


def test_a_logged_out_or_deactivated_login_gets_no_page(login: Any) -> None:
    member, other, admin = login("uyvien1"), login("uyvien2"), login("admin")
    doc = first_document(member, 1)
    url = f"/api/documents/{doc['id']}/pages/1?w=640"
    cookie = member.cookies[COOKIE]
    assert member.get(url).status_code == 200
    assert member.post("/api/logout").status_code == 200
    # the same cookie, kept by whoever copied it, is refused at once
    error_of(member.get(url, headers={"cookie": f"{COOKIE}={cookie}"}), 401)
    assert other.get(url).status_code == 200
    r = admin.post(f"/api/admin/users/{people(admin, 1)['uyvien2']}/deactivate")
    assert r.status_code == 200, r.text
    error_of(other.get(url), 401)


def test_a_new_version_and_a_confidential_meeting_change_the_page_at_once(login: Any) -> None:
    sec, member = login("thuky"), login("uyvien1")
    doc = first_document(member, 1)
    url = f"/api/documents/{doc['id']}/pages/1?w=640"
    first = member.get(url)
    assert first.status_code == 200 and "immutable" in first.headers["cache-control"]
    r = sec.post(f"/api/documents/{doc['id']}/versions",
                 files={"file": ("v2.pdf", demo_documents.long_pdf(3), "application/pdf")})
    assert r.status_code == 201, r.text
    second = member.get(url)
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    error_of(member.get(f"/api/documents/{doc['id']}/pages/5?w=640"), 422, "bad_page")
    r = sec.put("/api/meetings/1/document-policy", json={"confidential": True,
                                                        "downloads": False})
    assert r.status_code == 200, r.text
    marked = member.get(url)
    assert marked.status_code == 200 and marked.headers["cache-control"] == "private, no-store"
    assert "etag" not in marked.headers and marked.content != second.content
    # drawn for each viewer: the chair's copy carries the chair's name, not the member's
    assert login("chutich").get(url).content != marked.content


def test_what_a_write_marks(settings: Settings, demo: Any) -> None:
    """Only rows that change who sees pages mark a write (the hook `Services.write` reads)."""
    database = Database(settings.db_url)
    try:
        with database.write() as s:
            meeting = s.get(Meeting, 1)
            assert meeting is not None
            meeting.current_page = 3  # a page turn
            row = s.exec(Participant.__table__.select().limit(1)).first()  # type: ignore[attr-defined]
            participant = s.get(Participant, row.id)
            assert participant is not None
            participant.attendance = "present"  # a check-in
        assert not access_changes.changed(s)
        with database.write() as s:
            participant = s.get(Participant, row.id)
            assert participant is not None
            participant.role = "guest"
        assert access_changes.changed(s)
        with database.write() as s:
            meeting = s.get(Meeting, 1)
            assert meeting is not None
            meeting.status = "ended"
        assert access_changes.changed(s)
    finally:
        database.dispose()


@pytest.mark.server
def test_another_process_stops_the_pages_at_once(postgres_settings: Settings,
                                                 tmp_path: Any) -> None:
    """Two processes sharing PostgreSQL and Redis: the member's pages come from B, which
    remembers them; the secretary excludes the member through A; B refuses the next page."""
    database = Database(postgres_settings.db_url)
    seed(database, BlobStore(postgres_settings.data_dir / "blobs"),
         postgres_settings.data_dir / "keys", Passwords(fast=True))
    database.dispose()
    ports = [free_port(), free_port()]
    processes = [start_server(postgres_settings, port, tmp_path / f"s{n}.log")
                 for n, port in enumerate(ports)]
    try:
        a = httpx.Client(base_url=f"http://127.0.0.1:{ports[0]}", timeout=30)
        b = httpx.Client(base_url=f"http://127.0.0.1:{ports[1]}", timeout=30)
        for client, username in ((a, "thuky"), (b, "uyvien1")):
            r = client.post("/api/login", json={"username": username,
                                                "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
        doc = first_document(b, 1)  # type: ignore[arg-type]
        url = f"/api/documents/{doc['id']}/pages/1?w=640"
        for _ in range(3):
            assert b.get(url).status_code == 200
        user_id = people(a, 1)["uyvien1"]
        r = a.put(f"/api/meetings/1/items/{doc['item_id']}/exclusions/{user_id}",
                  json={"reason": REASON})
        assert r.status_code == 200, r.text
        error_of(b.get(url), 404, "not_found")
        a.close()
        b.close()
    finally:
        for process in processes:
            stop_server(process)


def test_a_read_begun_before_a_forget_is_not_remembered() -> None:
    grants = PageGrants()
    grant = Grant(user_id=7, sha256="a" * 64, page_count=3, confidential=False)
    begun = grants.generation
    grants.on_control({"op": "forget_pages"})  # a write committed while the read ran
    grants.put(("login", 1, None), grant, begun)
    assert grants.get(("login", 1, None)) is None
    grants.put(("login", 1, None), grant, grants.generation)
    grants.put(("other", 1, None), replace(grant, user_id=8), grants.generation)
    assert grants.get(("login", 1, None)) == grant
    grants.on_control({"op": "forget_session", "token": "login"})
    assert grants.get(("login", 1, None)) is None and grants.get(("other", 1, None))
    grants.on_control({"op": "forget_user", "user_id": 8})
    assert len(grants) == 0
    grants.put(("login", 1, None), grant, grants.generation)
    grants.on_control({"op": "resync"})  # back from a broker outage: forgets may be lost
    assert len(grants) == 0


def test_the_images_kept_in_memory_stay_within_their_budget() -> None:
    images = PageBytes(budget=1000)
    for n in range(5):
        images.put(f"/cache/{n}.webp", bytes([n]) * 240)
    assert images.size <= 1000 and images.get("/cache/0.webp") is None
    assert images.get("/cache/4.webp") == bytes([4]) * 240
    images.put("/cache/big.webp", b"x" * 600)  # more than a quarter: never kept
    assert images.get("/cache/big.webp") is None
    assert PageBytes(budget=0).get("/cache/4.webp") is None
