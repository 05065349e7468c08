"""One rule for who is present (meetings.roster): the quorum, the electorate of a vote, the
minutes and the archive read the same recorded attendance, and agree for every state,
including a member who checked in and was then recorded absent."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from meetings.minutes.drafting import gather
from meetings.models import Meeting
from tests.helpers import error_of, snapshot, start

# username -> what happens to them, and whether they are then present
STATES = {
    "chutich": ([], False),  # nothing recorded
    "phochutich1": (["present"], True),
    "phochutich2": (["remote"], True),
    "uyvien1": (["absent"], False),
    "uyvien2": (["excused"], False),
    "uyvien3": (["present", "excused"], False),  # checked in, then recorded away
}


def test_every_attendance_state_means_the_same_everywhere(login, app, demo) -> None:  # type: ignore[no-untyped-def]
    # Two of six present: a body whose quorum is a third (an `other` body), so that the vote
    # opens and the states can be compared everywhere (a People's Committee needs four).
    r = login("admin").patch(f"/api/admin/bodies/{demo.body_id}",
                             json={"kind": "other", "quorum": [1, 3]})
    assert r.status_code == 200, r.text
    sec = login("thuky")
    start(sec, 1)
    who = {p["username"]: p["user_id"] for p in snapshot(sec, 1)["participants"]}
    for username, (states, _) in STATES.items():
        for state in states:
            r = sec.post("/api/meetings/1/attendance", json={
                "user_id": who[username], "state": state,
                "reason": "Đi công tác" if state in ("absent", "excused") else ""})
            assert r.status_code == 200, r.text
    expected = {u for u, (_, here) in STATES.items() if here}

    # the tablet's view and the quorum
    snap = snapshot(sec, 1)
    shown = {p["username"] for p in snap["participants"] if p["checked_in"]}
    assert shown & set(STATES) == expected
    assert snap["quorum"]["members_present"] == len(expected) == 2
    assert snap["attendance"]["present"] == len(expected)

    # the electorate fixed when a vote opens, and who may vote
    opened = sec.post("/api/meetings/1/votes", json={"question": "Thông qua kế hoạch"})
    assert opened.status_code == 201, opened.text
    vote = opened.json()["vote"]
    assert vote["present"] == len(expected)
    services = app.state.services
    with services.db.read() as s:
        rows = s.execute(text("SELECT u.username, v.present FROM vote_voters v "
                              "JOIN users u ON u.id = v.user_id WHERE v.vote_id = :v"),
                         {"v": vote["id"]}).all()
    assert {u for u, present in rows if present} == expected
    assert login("phochutich2").post(f"/api/votes/{vote['id']}/ballots",
                                     json={"choice": "yes"}).status_code == 201
    error_of(login("uyvien3").post(f"/api/votes/{vote['id']}/ballots",
                                   json={"choice": "yes"}), 403, "absent")
    assert sec.post(f"/api/votes/{vote['id']}/close").status_code == 200
    assert sec.post("/api/meetings/1/end").status_code == 200

    # the minutes
    with services.db.read() as s:
        meeting = s.get(Meeting, 1)
        data = gather(s, meeting, number=None, draft=True)
    names = {p["full_name"]: p["username"] for p in snap["participants"]}
    printed = {names[a.name] for a in data.attendees if a.present}
    assert printed & set(STATES) == expected
    reasons = {names[a.name]: a.note for a in data.attendees if not a.present}
    assert reasons["uyvien2"] == "Đi công tác" and reasons["uyvien3"] == "Đi công tác"

    # the archive, once sealed
    assert sec.post("/api/meetings/1/minutes/seal").status_code == 200
    archived = login("luutru").get("/api/archive/1").json()
    kept = {p["username"] for p in archived["participants"] if p["checked_in"]}
    assert kept & set(STATES) == expected


@pytest.mark.parametrize("state", ["absent", "excused"])
def test_recording_a_member_away_takes_them_out_of_the_quorum(login, state) -> None:  # type: ignore[no-untyped-def]
    sec, member = login("thuky"), login("uyvien1")
    start(sec, 1)
    assert member.post("/api/meetings/1/check-in", json={}).status_code == 200
    assert sec.get("/api/meetings/1/quorum").json()["members_present"] == 1
    me = member.get("/api/meetings/1").json()["participants"][0]
    r = sec.post("/api/meetings/1/attendance", json={"user_id": me["user_id"], "state": state})
    assert r.json()["quorum"]["members_present"] == 0
    # and checking in again brings them back
    assert member.post("/api/meetings/1/check-in", json={}).status_code == 200
    assert sec.get("/api/meetings/1/quorum").json()["members_present"] == 1
