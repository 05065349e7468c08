"""Written opinions (phiếu lấy ý kiến) over HTTP: drafting with PDF documents, sending to the
body's voting members, one final answer each (also from two devices at once), late answers
refused, the result under the body's rule, and the refusals."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from meetings.db import Database
from meetings.demo import documents as demo_documents
from meetings.models import Opinion, OpinionAnswer
from tests.helpers import error_of

VOTERS = ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3")


def later(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def draft(sec, deadline: str | None = None) -> int:  # type: ignore[no-untyped-def]
    r = sec.post("/api/bodies/1/opinions", json={
        "question": "Thông qua phương án sửa chữa trường mầm non Tường Tiến?",
        "details": "Kinh phí dự kiến 850 triệu đồng từ ngân sách xã.",
        "deadline": deadline or later(3600),
    })
    assert r.status_code == 201, r.text
    assert r.json()["opinion"]["status"] == "draft"
    return int(r.json()["opinion"]["id"])


def send(sec, opinion_id: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = sec.post(f"/api/opinions/{opinion_id}/send")
    assert r.status_code == 200, r.text
    return r.json()["opinion"]  # type: ignore[no-any-return]


def move_deadline_to_the_past(settings, opinion_id: int) -> None:  # type: ignore[no-untyped-def]
    """Time passes: the deadline is now behind us."""
    db = Database(settings.db_url)
    with db.write() as s:
        opinion = s.get(Opinion, opinion_id)
        assert opinion is not None
        opinion.deadline = datetime.now(UTC) - timedelta(seconds=1)
        s.add(opinion)
    db.dispose()


def test_send_answer_close_and_result(login) -> None:
    sec = login("thuky")
    opinion_id = draft(sec)
    pdf = demo_documents.report_pdf()
    r = sec.post(f"/api/opinions/{opinion_id}/documents",
                 files={"file": ("phuong-an.pdf", pdf, "application/pdf")},
                 data={"title": "Phương án sửa chữa"})
    assert r.status_code == 201, r.text
    document_id = r.json()["document"]["id"]
    # a member does not see a draft
    error_of(login("uyvien1").get(f"/api/opinions/{opinion_id}"), 404, "not_found")
    sent = send(sec, opinion_id)
    assert sent["status"] == "open" and sent["eligible"] == 6
    assert sent["rule"] == "quá nửa tổng số thành viên"
    assert [v["full_name"] for v in sent["voters"]][0] == "Trần Văn Đức"
    member = login("uyvien1")
    listed = member.get("/api/opinions").json()["opinions"]
    assert [o["id"] for o in listed] == [opinion_id] and listed[0]["may_answer"] is True
    seen = member.get(f"/api/opinions/{opinion_id}").json()["opinion"]
    assert seen["documents"][0]["title"] == "Phương án sửa chữa" and "voters" not in seen
    got = member.get(f"/api/opinions/{opinion_id}/documents/{document_id}")
    assert got.status_code == 200
    # members get the cleaned copy (as for meeting documents): same pages, same text
    import pymupdf

    with pymupdf.open(stream=pdf) as sent_pdf, pymupdf.open(stream=got.content) as served:
        assert served.page_count == sent_pdf.page_count
        assert served[0].get_text() == sent_pdf[0].get_text()
    choices = {"chutich": "yes", "phochutich1": "yes", "phochutich2": "yes", "uyvien1": "yes",
               "uyvien2": "no"}
    for username, choice in choices.items():
        r = login(username).post(f"/api/opinions/{opinion_id}/answers",
                                 json={"choice": choice, "comment": f"Ý kiến của {username}"})
        assert r.status_code == 201, r.text
    mine = member.get(f"/api/opinions/{opinion_id}").json()["opinion"]
    assert mine["my_answer"]["choice"] == "yes" and mine["may_answer"] is False
    assert mine["answered"] == 5
    # not everyone has answered and the deadline is ahead: too early to close
    body = error_of(sec.post(f"/api/opinions/{opinion_id}/close"), 409, "opinion_not_due")
    assert "5/6" in body["message_vi"]
    login("uyvien3").post(f"/api/opinions/{opinion_id}/answers", json={"choice": "abstain"})
    closed = sec.post(f"/api/opinions/{opinion_id}/close").json()["opinion"]
    # 4 yes of 6 members: more than half of all members
    assert closed["result"] == {"yes": 4, "no": 1, "abstain": 1, "passed": True}
    assert closed["tally"] == {"yes": 4, "no": 1, "abstain": 1}
    assert {v["full_name"]: v["choice"] for v in closed["voters"]}["Vũ Thị Lan"] == "no"
    error_of(sec.post(f"/api/opinions/{opinion_id}/close"), 409, "opinion_closed")
    assert member.get(f"/api/opinions/{opinion_id}").json()["opinion"]["result"]["passed"]


def test_deadline_closes_the_form_and_late_answers_are_refused(login, settings) -> None:
    sec = login("thuky")
    opinion_id = draft(sec, later(2))
    send(sec, opinion_id)
    assert login("chutich").post(f"/api/opinions/{opinion_id}/answers",
                                 json={"choice": "yes"}).status_code == 201
    time.sleep(2.2)
    body = error_of(login("uyvien1").post(f"/api/opinions/{opinion_id}/answers",
                                          json={"choice": "yes"}), 409, "opinion_closed")
    assert "hạn" in body["message_vi"] and "deadline" in body["message_en"]
    # whoever looks next sees it settled at its deadline: 1 yes of 6 fails
    seen = login("uyvien1").get(f"/api/opinions/{opinion_id}").json()["opinion"]
    assert seen["status"] == "closed"
    assert seen["result"] == {"yes": 1, "no": 0, "abstain": 0, "passed": False}
    db = Database(settings.db_url)
    with db.read() as s:
        opinion = s.get(Opinion, opinion_id)
        assert opinion is not None and opinion.closed_at == opinion.deadline
        assert len(s.exec(select(OpinionAnswer)).all()) == 1
    db.dispose()


def test_one_answer_per_member_even_from_two_devices_at_once(login) -> None:
    sec = login("thuky")
    opinion_id = draft(sec)
    send(sec, opinion_id)
    devices = [login("uyvien2") for _ in range(6)]

    def press(client, choice: str) -> int:  # type: ignore[no-untyped-def]
        return int(client.post(f"/api/opinions/{opinion_id}/answers",
                               json={"choice": choice}).status_code)

    with ThreadPoolExecutor(len(devices)) as pool:
        codes = list(pool.map(press, devices, ["yes", "no"] * 3))
    assert sorted(codes) == [201, 409, 409, 409, 409, 409]
    body = error_of(devices[0].post(f"/api/opinions/{opinion_id}/answers",
                                    json={"choice": "yes"}), 409, "already_answered")
    assert "không thể thay đổi" in body["message_vi"]
    assert sec.get(f"/api/opinions/{opinion_id}").json()["opinion"]["answered"] == 1


def test_refusals(login, settings) -> None:
    sec = login("thuky")
    member = login("uyvien1")
    # only the secretariat drafts
    error_of(member.post("/api/bodies/1/opinions",
                         json={"question": "?", "deadline": later(60)}), 403, "forbidden")
    error_of(sec.post("/api/bodies/99/opinions",
                      json={"question": "?", "deadline": later(60)}), 404, "not_found")
    error_of(sec.post("/api/bodies/1/opinions", json={"question": "", "deadline": later(60)}),
             422, "missing_field")
    error_of(sec.post("/api/bodies/1/opinions",
                      json={"question": "?", "deadline": "2026-12-01T17:00"}), 422,
             "naive_time")
    opinion_id = draft(sec)
    error_of(sec.post(f"/api/opinions/{opinion_id}/documents",
                      files={"file": ("x.pdf", b"not a pdf at all", "application/pdf")}),
             422, "not_pdf")
    # a draft is not shown to members (GET is 404): sending it says the same (issue 12 §5)
    error_of(member.post(f"/api/opinions/{opinion_id}/send"), 404, "not_found")
    error_of(member.post(f"/api/opinions/{opinion_id}/answers", json={"choice": "yes"}), 404,
             "not_found")
    error_of(sec.post(f"/api/opinions/{opinion_id}/close"), 409, "opinion_not_sent")
    past = draft(sec, later(-60))
    error_of(sec.post(f"/api/opinions/{past}/send"), 422, "deadline_past")
    send(sec, opinion_id)
    error_of(sec.post(f"/api/opinions/{opinion_id}/send"), 409, "opinion_sent")
    error_of(sec.post(f"/api/opinions/{opinion_id}/documents",
                      files={"file": ("a.pdf", demo_documents.report_pdf(), "application/pdf")}),
             409, "opinion_sent")
    error_of(member.post(f"/api/opinions/{opinion_id}/answers", json={"choice": "maybe"}), 422,
             "bad_choice")
    # the secretary is not a voting member; the guest and the archivist are not asked
    error_of(sec.post(f"/api/opinions/{opinion_id}/answers", json={"choice": "yes"}), 403,
             "not_a_voter")
    error_of(login("khachmoi").post(f"/api/opinions/{opinion_id}/answers",
                                    json={"choice": "yes"}), 404, "not_found")
    error_of(login("luutru").get(f"/api/opinions/{opinion_id}"), 404, "not_found")
    error_of(login("khachmoi").get(f"/api/opinions/{opinion_id}/documents/1"), 404, "not_found")
    error_of(member.post(f"/api/opinions/{opinion_id}/close"), 403, "forbidden")
    assert login("khachmoi").get("/api/opinions").json()["opinions"] == []
    # after the deadline the secretary may close without every answer
    move_deadline_to_the_past(settings, opinion_id)
    error_of(member.post(f"/api/opinions/{opinion_id}/answers", json={"choice": "yes"}), 409,
             "opinion_closed")
    r = sec.post(f"/api/opinions/{opinion_id}/close")
    assert r.status_code == 200 and r.json()["opinion"]["result"]["passed"] is False
