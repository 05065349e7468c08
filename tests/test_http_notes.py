"""Private notes: stored on the server, readable by their owner alone, on any device."""

from __future__ import annotations

from tests.helpers import error_of, first_document


def test_note_is_private_and_survives_a_second_device(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    r = member.post(f"/api/documents/{doc['id']}/notes",
                    json={"page": 2, "text": "Hỏi lại số liệu thu ngân sách (đạt 112%?)"})
    assert r.status_code == 201
    note = r.json()["note"]
    second_device = login("uyvien1")
    notes = second_device.get(f"/api/documents/{doc['id']}/notes").json()["notes"]
    assert [(n["page"], n["text"]) for n in notes] == [
        (2, "Hỏi lại số liệu thu ngân sách (đạt 112%?)")]
    # nobody else sees it: not another member, not the secretary, not the chair
    for username in ("uyvien2", "thuky", "chutich", "khachmoi"):
        assert login(username).get(f"/api/documents/{doc['id']}/notes").json()["notes"] == []
        other = login(username)
        error_of(other.put(f"/api/notes/{note['id']}", json={
            "document_id": doc["id"], "page": 2, "text": "sửa trộm"}), 404, "not_found")
        error_of(other.delete(f"/api/notes/{note['id']}"), 404, "not_found")
    # an outsider cannot even list
    error_of(login("luutru").get(f"/api/documents/{doc['id']}/notes"), 404, "not_found")
    error_of(login("phochutich1").get("/api/documents/999/notes"), 404, "not_found")
    error_of(login("phochutich1").get("/api/documents/999/notes"), 404)
    r = second_device.put(f"/api/notes/{note['id']}", json={
        "document_id": doc["id"], "page": 3, "text": "Đã hỏi, số liệu đúng."})
    assert r.status_code == 200 and r.json()["note"]["page"] == 3
    assert member.delete(f"/api/notes/{note['id']}").status_code == 200
    assert member.get(f"/api/documents/{doc['id']}/notes").json()["notes"] == []


def test_note_refusals(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    url = f"/api/documents/{doc['id']}/notes"
    error_of(member.post(url, json={"page": 0, "text": "x"}), 422, "bad_page")
    error_of(member.post(url, json={"page": 99, "text": "x"}), 422, "bad_page")
    error_of(member.post(url, json={"page": 1, "text": "   "}), 422, "bad_note")
    error_of(member.post(url, json={"page": 1, "text": "x" * 20_001}), 422, "bad_note")
    error_of(member.post(url, json={"page": 1}), 422, "bad_field")
    error_of(member.post("/api/documents/999/notes", json={"page": 1, "text": "x"}), 404)
    # guests may keep notes too
    assert login("khachmoi").post(url, json={"page": 1, "text": "Ghi chú khách"}).status_code == 201


def test_a_note_sent_twice_with_its_key_is_added_once(login) -> None:
    """The tablet's outbox sends a note again when it never heard back: the same key from the
    same person names one note; another person's same key is theirs alone."""
    member = login("uyvien1")
    doc = first_document(member, 1)
    url = f"/api/documents/{doc['id']}/notes"
    body = {"page": 2, "text": "Ghi khi mất mạng", "key": "n-offline0001"}
    first = member.post(url, json=body)
    assert first.status_code == 201, first.text
    again = login("uyvien1").post(url, json={**body, "text": "gửi lại"})  # another device too
    assert again.status_code == 200, again.text
    assert again.json()["note"] == first.json()["note"]
    assert [(n["id"], n["text"]) for n in member.get(url).json()["notes"]] == [
        (first.json()["note"]["id"], "Ghi khi mất mạng")]
    # The same key from someone else is another note, and says nothing of the first.
    other = login("uyvien2")
    theirs = other.post(url, json={**body, "text": "Của người khác"})
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["note"]["id"] != first.json()["note"]["id"]
    assert [n["text"] for n in other.get(url).json()["notes"]] == ["Của người khác"]
    assert [n["text"] for n in member.get(url).json()["notes"]] == ["Ghi khi mất mạng"]
    # An edit is kept when the add is sent again; once deleted, the key adds nothing again.
    note_id = first.json()["note"]["id"]
    assert member.put(f"/api/notes/{note_id}", json={
        "document_id": doc["id"], "page": 2, "text": "Đã sửa"}).status_code == 200
    assert member.post(url, json=body).json()["note"]["text"] == "Đã sửa"
    assert member.delete(f"/api/notes/{note_id}").status_code == 200
    error_of(member.post(url, json=body), 404, "not_found")
    assert member.get(url).json()["notes"] == []
    error_of(member.post(url, json={**body, "key": ""}), 422, "bad_key")
    error_of(member.post(url, json={**body, "key": "k" * 65}), 422, "bad_key")
