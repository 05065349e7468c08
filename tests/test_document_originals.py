"""Who gets a document's original, the file as uploaded with its active content (a launch
action, scripts, an embedded executable): the meeting's document policy says (`originals`:
staff by default, participants, nobody), on every path that serves it; everyone who may read
the document gets the cleaned copy."""

from __future__ import annotations

import pytest

from tests import hostile_files as h
from tests.helpers import error_of

ROLES = ["thuky", "chutich", "uyvien1", "khachmoi", "admin"]  # secretary, chair, member, guest
# Who downloads the original under each setting; the others are refused.
GETS_ORIGINAL = {
    "staff": {"thuky", "chutich", "admin"},
    "participants": {"thuky", "chutich", "uyvien1", "khachmoi", "admin"},
    "nobody": set(),
}


ACTIVE = h.active_content()  # made once: PyMuPDF writes a new file id each time


def active_document(login) -> int:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    r = sec.post("/api/meetings/1/items/1/documents",
                 files={"file": ("macro.pdf", ACTIVE, "application/pdf")})
    assert r.status_code == 201, r.text
    return int(r.json()["document"]["id"])


def test_by_default_only_the_secretary_and_the_chair_get_the_original(login) -> None:  # type: ignore[no-untyped-def]
    document_id = active_document(login)
    policy = login("uyvien1").get("/api/meetings/1/document-policy").json()
    assert policy == {"confidential": False, "downloads": True, "originals": "staff"}
    member = login("uyvien1")
    body = error_of(member.get(f"/api/documents/{document_id}/file"), 403, "original_withheld")
    assert "thư ký và chủ tọa" in body["message_vi"] and "cleaned PDF" in body["message_en"]
    # not even a piece of it
    error_of(member.get(f"/api/documents/{document_id}/file?v=1",
                        headers={"range": "bytes=0-99"}), 403, "original_withheld")
    clean = member.get(f"/api/documents/{document_id}/pdf")
    assert clean.status_code == 200 and h.EXE[:40] not in clean.content
    assert b"/JavaScript" not in clean.content
    assert login("thuky").get(f"/api/documents/{document_id}/file").content == ACTIVE


@pytest.mark.parametrize("setting", list(GETS_ORIGINAL))
def test_the_policy_says_who_gets_the_original_per_role(login, setting: str) -> None:  # type: ignore[no-untyped-def]
    document_id = active_document(login)
    r = login("thuky").put("/api/meetings/1/document-policy",
                           json={"confidential": False, "downloads": True, "originals": setting})
    assert r.status_code == 200 and r.json()["originals"] == setting, r.text
    for username in ROLES:
        client = login(username)
        original = client.get(f"/api/documents/{document_id}/file")
        if username in GETS_ORIGINAL[setting]:
            assert original.status_code == 200, (setting, username)
            assert original.content == ACTIVE
        else:
            error_of(original, 403, "original_withheld")
        assert client.get(f"/api/documents/{document_id}/pdf").status_code == 200, username
    # outside the meeting it stays hidden, whatever the setting
    error_of(login("luutru").get(f"/api/documents/{document_id}/file"), 404, "not_found")


def test_the_setting_is_the_secretarys_and_recorded(login) -> None:  # type: ignore[no-untyped-def]
    member, sec = login("uyvien1"), login("thuky")
    error_of(member.put("/api/meetings/1/document-policy", json={"originals": "participants"}),
             403, "forbidden")
    error_of(sec.put("/api/meetings/1/document-policy", json={"originals": "everyone"}), 422,
             "bad_field")
    assert sec.put("/api/meetings/1/document-policy",
                   json={"originals": "nobody"}).json()["originals"] == "nobody"
    assert member.get("/api/meetings/1/document-policy").json()["originals"] == "nobody"
    # confidential meetings allow no download at all, whoever asks
    sec.put("/api/meetings/1/document-policy",
            json={"confidential": True, "originals": "participants"})
    document_id = active_document(login)
    error_of(sec.get(f"/api/documents/{document_id}/file"), 403, "downloads_off")
