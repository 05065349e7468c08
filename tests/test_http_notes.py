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
