"""Members answer the invitation in the app (attending, absent with a reason, remote), may
change the answer until the meeting starts, the secretary sees the answers, and the start
turns them into recorded attendance."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from meetings.demo.seed import Demo
from tests.helpers import error_of, snapshot, start


def answer(client: TestClient, meeting_id: int, reply: str, reason: str = "") -> dict[str, str]:
    r = client.put(f"/api/meetings/{meeting_id}/reply", json={"reply": reply, "reason": reason})
    assert r.status_code == 200, r.text
    data: dict[str, str] = r.json()
    return data


def test_answers_are_seen_by_the_secretary_and_prefill_attendance(
        login: Callable[[str], TestClient], demo: Demo) -> None:
    mid = demo.meeting_id
    sec = login("thuky")
    away, remote, coming, changed = (login("uyvien2"), login("uyvien1"), login("uyvien3"),
                                     login("phochutich1"))

    r = away.get(f"/api/meetings/{mid}/reply")
    assert r.json() == {"meeting_id": mid, "reply": "", "reason": "", "replied_at": None,
                        "can_reply": True}
    error_of(away.put(f"/api/meetings/{mid}/reply", json={"reply": "absent"}), 422,
             "reason_required")
    error_of(away.put(f"/api/meetings/{mid}/reply", json={"reply": "maybe"}), 422, "bad_reply")
    assert answer(away, mid, "absent", "  Đi công tác tại huyện  ")["reason"] == \
        "Đi công tác tại huyện"
    answer(remote, mid, "remote")
    answer(coming, mid, "attending")
    # An answer may change until the start; the last one counts.
    answer(changed, mid, "absent", "Ốm")
    answer(changed, mid, "attending")
    assert changed.get(f"/api/meetings/{mid}/reply").json()["reason"] == ""

    view = sec.get(f"/api/meetings/{mid}/invitations").json()
    people = {p["username"]: p for p in view["people"]}
    assert (people["uyvien2"]["reply"], people["uyvien2"]["reply_reason"]) == \
        ("absent", "Đi công tác tại huyện")
    assert people["uyvien1"]["reply"] == "remote"
    assert people["uyvien3"]["reply"] == "attending"
    assert people["phochutich1"]["reply"] == "attending"
    assert people["phochutich2"]["reply"] == ""
    assert view["replies"] == {"attending": 2, "absent": 1, "remote": 1, "": 4}
    # Someone who is not in the meeting cannot answer for it.
    error_of(login("luutru").put(f"/api/meetings/{mid}/reply", json={"reply": "attending"}),
             404, "not_found")

    quorum_before = snapshot(sec, mid)["quorum"]["members_present"]
    start(sec, mid)
    after = {p["username"]: p for p in snapshot(sec, mid)["participants"]}
    assert (after["uyvien2"]["attendance"], after["uyvien2"]["absence_reason"]) == \
        ("excused", "Đi công tác tại huyện")
    assert after["uyvien1"]["attendance"] == "remote"
    # Saying "I will come" is not being there: recorded when they check in.
    assert after["uyvien3"]["attendance"] == ""
    assert after["phochutich1"]["attendance"] == ""
    assert snapshot(sec, mid)["quorum"]["members_present"] == quorum_before + 1
    # The member's own tablet says the same.
    mine = snapshot(away, mid)["participants"]
    assert [(p["attendance"], p["absence_reason"]) for p in mine] == \
        [("excused", "Đi công tác tại huyện")]

    # After the start, attendance is recorded by checking in, not by answering.
    error_of(coming.put(f"/api/meetings/{mid}/reply", json={"reply": "remote"}), 409,
             "meeting_started")
    assert coming.get(f"/api/meetings/{mid}/reply").json()["can_reply"] is False


def test_a_member_who_answered_absent_and_comes_after_all_checks_in(
        login: Callable[[str], TestClient], demo: Demo) -> None:
    mid = demo.meeting_id
    sec, member = login("thuky"), login("uyvien2")
    answer(member, mid, "absent", "Đi công tác")
    start(sec, mid)
    after = {p["username"]: p for p in snapshot(sec, mid)["participants"]}
    assert after["uyvien2"]["attendance"] == "excused"
    # The member arrives after all: checking in records them present.
    r = member.post(f"/api/meetings/{mid}/check-in", json={})
    assert r.status_code == 200, r.text
    after = {p["username"]: p for p in snapshot(sec, mid)["participants"]}
    assert (after["uyvien2"]["attendance"], after["uyvien2"]["absence_reason"]) == \
        ("present", "")
