"""A demo meeting with something of every kind in it, and people in every relation to it:
what the outsider test and the authorisation matrix ask about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

from meetings.accounts import create_user
from meetings.db import Database
from meetings.demo.seed import DEMO_PASSWORD
from meetings.models import Body, BodyMember, Upload
from meetings.passwords import Passwords
from phonghop.settings import Settings
from tests.helpers import first_document, record_quorum, start

MISSING = 999_999
# The member's annotation in the room (ids of annotations are made on the device: a string).
ANNOTATION_ID = "room-ink-0001"

# What each relation to the demo meeting (id 1) logs in as.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "guest": "khachmoi",
    "member": "uyvien1",
    "other_meeting": "khac",  # a member of the same body, in another meeting only
    "other_body": "ngoai",  # prepares meetings for another body
    "secretary": "thuky",
    "chair": "chutich",
    "archivist": "luutru",
    "admin": "admin",
    "demoted": "phochutich1",  # a second secretary of the meeting, made a guest while it runs
}


def _people(settings: Settings) -> dict[str, int]:
    """`ngoai` (another body's secretariat) and `khac` (a member of the demo's body)."""
    db = Database(settings.db_url)
    try:
        with db.write() as session:
            body = Body(name="UBND xã Bên Cạnh", code="UBND")
            session.add(body)
            session.flush()
            passwords = Passwords(fast=True)
            ngoai = create_user(session, passwords, username="ngoai", full_name="Người Ngoài",
                                password=DEMO_PASSWORD)
            session.add(BodyMember(body_id=body.id or 0, user_id=ngoai.id or 0,
                                   can_prepare=True))
            khac = create_user(session, passwords, username="khac", full_name="Người Khác",
                               password=DEMO_PASSWORD)
            session.add(BodyMember(body_id=1, user_id=khac.id or 0))
            session.flush()
            return {"ngoai": ngoai.id or 0, "khac": khac.id or 0}
    finally:
        db.dispose()


def _upload(settings: Settings) -> int:
    db = Database(settings.db_url)
    try:
        with db.write() as session:
            upload = Upload(meeting_id=1, user_id=1, filename="x.pdf", size=10, stage="refused")
            session.add(upload)
            session.flush()
            return upload.id or 0
    finally:
        db.dispose()


def user_id(admin: TestClient, username: str) -> int:
    users = admin.get("/api/users", params={"q": username}).json()["users"]
    return int(next(u["id"] for u in users if u["username"] == username))


def populate(login: Callable[[str | None], TestClient], settings: Settings,
             before_demotion: Callable[[], None] | None = None) -> dict[str, int]:
    """Meeting 1 running with a vote open, a speaker request, a member's note, an upload; a
    written opinion form of the body; meeting 2 of the same body with `khac` in it. Returns an
    existing id for every kind of path id."""
    people = _people(settings)
    sec, member, admin = login("thuky"), login("uyvien1"), login("admin")
    demoted = user_id(admin, "phochutich1")
    assert sec.post("/api/meetings/1/participants",
                    json={"user_id": demoted, "role": "secretary"}).status_code == 201
    other = sec.post("/api/meetings", json={
        "body_id": 1, "title": "Phiên họp khác",
        "starts_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()})
    assert other.status_code == 201, other.text
    other_id = other.json()["meeting"]["id"]
    assert sec.post(f"/api/meetings/{other_id}/participants",
                    json={"user_id": people["khac"], "role": "member"}).status_code == 201
    start(sec, 1)
    if before_demotion is not None:
        before_demotion()
    assert sec.post("/api/meetings/1/participants",
                    json={"user_id": demoted, "role": "guest"}).status_code == 201
    doc = first_document(sec, 1)
    record_quorum(sec, 1)
    vote = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"}).json()["vote"]
    request = member.post("/api/meetings/1/speakers", json={"kind": "speech"}).json()
    note = member.post(f"/api/documents/{doc['id']}/notes",
                       json={"page": 1, "text": "riêng tư"}).json()["note"]
    ink = member.post("/api/annotations/changes", json={"device": "room", "changes": [{
        "key": "room-1", "op": "put", "annotation": room_annotation(doc["id"])}]})
    assert ink.json()["results"][0]["status"] == "applied", ink.text
    opinion = sec.post("/api/bodies/1/opinions", json={
        "question": "Ý kiến?", "deadline": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }).json()["opinion"]
    return {"meeting_id": 1, "item_id": doc["item_id"], "document_id": doc["id"], "page": 1,
            "vote_id": vote["id"], "request_id": request["id"], "note_id": note["id"],
            "opinion_id": opinion["id"], "upload_id": _upload(settings),
            "user_id": user_id(admin, "uyvien2"), "body_id": 1}


def room_annotation(document_id: int) -> dict[str, Any]:
    return {"id": ANNOTATION_ID, "document_id": document_id, "version": 1, "page": 1,
            "kind": "ink", "color": "#d32f2f",
            "data": {"points": [[0.1, 0.1, 0.5], [0.2, 0.2, 0.5]], "width": 0.004}}


# A body that gets past every route's field checks (each reads the fields it needs and
# ignores the rest), so that the answer is the authorisation's, not a 422.
PLAUSIBLE: dict[str, Any] = {
    "question": "Thông qua?", "choice": "yes", "page": 2, "text": "x", "title": "Tiêu đề",
    "kind": "speech", "reason": "lý do", "user_id": 5, "role": "member", "answer": "yes",
    "details": "", "attendance": "present", "seconds": 60, "order": [], "items": [],
    "confidential": False, "downloads": True, "originals": "staff", "email": "a@b.vn",
    "deadline": (datetime.now(UTC) + timedelta(hours=2)).isoformat(), "content": "x",
    "document_id": 1, "item_id": 1, "place": "x", "starts_at": "2026-12-01T08:00:00+07:00",
    "state": "present", "reply": "yes", "result_seconds": 10, "default_seconds": 120,
    "limit_seconds": 120, "body_id": 1, "user_ids": [], "documents": [], "statement": "x",
}
