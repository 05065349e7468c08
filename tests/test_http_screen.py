"""The room screen's vote result over HTTP: how long it stays up is the secretary's or the
chair's choice, they (and no one else) may take it down, and the snapshot a reloaded screen
gets says what is up now, for how long, and nothing once the time is over or the meeting ended.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlmodel import select

from meetings.db import Database
from meetings.models import RecordEntry, RoomScreen
from tests.helpers import error_of, record_quorum, snapshot, start

SETTINGS = "/api/meetings/1/screen/settings"
DISMISS = "/api/meetings/1/screen/dismiss"


def closed_vote(sec, question: str = "Thông qua báo cáo?") -> int:  # type: ignore[no-untyped-def]
    r = sec.post("/api/meetings/1/votes", json={"question": question})
    assert r.status_code == 201, r.text
    vote_id = int(r.json()["vote"]["id"])
    assert sec.post(f"/api/votes/{vote_id}/close").status_code == 200
    return vote_id


def seconds_between(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def dismissals(settings) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    db = Database(settings.db_url)
    try:
        with db.read() as s:
            rows = s.exec(select(RecordEntry).where(
                RecordEntry.meeting_id == 1, RecordEntry.kind == "screen.result_dismissed")).all()
            return [json.loads(r.data) | {"actor": r.actor_id} for r in rows]
    finally:
        db.dispose()


def test_the_time_a_result_stays_up_is_the_staffs_choice(login) -> None:
    sec, chair = login("thuky"), login("chutich")
    # Before anyone chooses: 30 seconds, and nothing up.
    screen = snapshot(login("uyvien1"), 1)["screen"]
    assert screen["result_seconds"] == 30 and screen["result"] is None
    r = chair.put(SETTINGS, json={"result_seconds": None})
    assert r.status_code == 200 and r.json()["screen"]["result_seconds"] is None
    assert snapshot(sec, 1)["screen"]["result_seconds"] is None
    r = sec.put(SETTINGS, json={"result_seconds": 60})
    assert r.status_code == 200, r.text
    assert r.json()["screen"]["result_seconds"] == 60
    assert snapshot(login("khachmoi"), 1)["screen"]["result_seconds"] == 60
    r = chair.put(SETTINGS, json={"result_seconds": None})
    assert r.status_code == 200 and r.json()["screen"]["result_seconds"] is None
    assert snapshot(sec, 1)["screen"]["result_seconds"] is None

    # Members and guests may not; the choice stays.
    for who in ("uyvien1", "khachmoi"):
        body = error_of(login(who).put(SETTINGS, json={"result_seconds": 15}), 403, "forbidden")
        assert "thư ký hoặc chủ tọa" in body["message_vi"]
    assert snapshot(sec, 1)["screen"]["result_seconds"] is None
    # Nor may an archivist, who is not in the meeting.
    error_of(login("luutru").put(SETTINGS, json={"result_seconds": 15}), 404, "not_found")

    for bad in (2, 3601, "30", True, 1.5):
        error_of(sec.put(SETTINGS, json={"result_seconds": bad}), 422)
    error_of(sec.put(SETTINGS, json={}), 422, "bad_field")
    assert snapshot(sec, 1)["screen"]["result_seconds"] is None


def test_a_closed_votes_result_stays_up_for_the_chosen_time(login, settings) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    assert sec.put(SETTINGS, json={"result_seconds": 15}).status_code == 200
    vote_id = closed_vote(sec)
    # Any screen that loads now (a reload, a reconnect) shows the same result, until the same
    # moment, with the server's clock to count down by.
    screen = snapshot(login("uyvien2"), 1)["screen"]
    result = screen["result"]
    assert result["vote_id"] == vote_id
    assert seconds_between(result["shown_at"], result["until"]) == 15
    closed_at = next(v for v in snapshot(sec, 1)["votes"] if v["id"] == vote_id)["closed_at"]
    assert result["shown_at"] == closed_at
    assert datetime.fromisoformat(screen["server_time"]) < datetime.fromisoformat(result["until"])

    # A longer choice while it is up: same start, later end.
    r = sec.put(SETTINGS, json={"result_seconds": 60})
    assert seconds_between(r.json()["screen"]["result"]["shown_at"],
                           r.json()["screen"]["result"]["until"]) == 60
    # "Until dismissed": no end at all.
    r = sec.put(SETTINGS, json={"result_seconds": None})
    assert r.json()["screen"]["result"]["until"] is None

    # Back to 15 s, and the 15 s have passed (the result went up 16 s ago): a screen that
    # loads now shows no result.
    sec.put(SETTINGS, json={"result_seconds": 15})
    db = Database(settings.db_url)
    try:
        with db.write() as s:
            row = s.get(RoomScreen, 1)
            assert row is not None and row.result_shown_at is not None
            row.result_shown_at = row.result_shown_at - timedelta(seconds=16)
            s.add(row)
    finally:
        db.dispose()
    assert snapshot(sec, 1)["screen"]["result"] is None
    # Nothing up: dismissing changes nothing and is not recorded.
    r = sec.post(DISMISS)
    assert r.status_code == 200 and r.json()["screen"]["result"] is None
    assert dismissals(settings) == []


def test_only_the_secretary_and_the_chair_take_a_result_down(login, settings) -> None:
    sec, chair = login("thuky"), login("chutich")
    start(sec, 1)
    record_quorum(sec, 1)
    sec.put(SETTINGS, json={"result_seconds": None})
    first = closed_vote(sec)
    for who in ("uyvien1", "khachmoi"):
        error_of(login(who).post(DISMISS), 403, "forbidden")
    assert snapshot(sec, 1)["screen"]["result"]["vote_id"] == first

    r = sec.post(DISMISS)
    assert r.status_code == 200 and r.json()["screen"]["result"] is None
    assert snapshot(login("uyvien1"), 1)["screen"]["result"] is None
    second = closed_vote(sec, "Thông qua kế hoạch?")
    assert snapshot(sec, 1)["screen"]["result"]["vote_id"] == second
    assert chair.post(DISMISS).json()["screen"]["result"] is None
    # The record says who took which result down; a second click adds nothing.
    assert sec.post(DISMISS).status_code == 200
    recorded = dismissals(settings)
    assert [d["vote_id"] for d in recorded] == [first, second]
    assert [d["actor"] for d in recorded] == [c.get("/api/me").json()["user"]["id"]
                                              for c in (sec, chair)]


def test_the_page_a_new_vote_or_the_end_take_the_result_down(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    sec.put(SETTINGS, json={"result_seconds": None})
    closed_vote(sec)
    # The secretary turns the page: the page takes the screen back.
    r = sec.post("/api/meetings/1/present", json={"page": 2})
    assert r.status_code == 200 and r.json()["presentation"]["page"] == 2
    assert snapshot(sec, 1)["screen"]["result"] is None

    closed_vote(sec, "Thông qua kế hoạch?")
    r = sec.post("/api/meetings/1/votes", json={"question": "Thông qua dự toán?"})
    assert r.status_code == 201
    assert snapshot(sec, 1)["screen"]["result"] is None
    assert sec.post(f"/api/votes/{r.json()['vote']['id']}/close").status_code == 200
    assert snapshot(sec, 1)["screen"]["result"] is not None

    # Ended, with "until dismissed": no result on any screen, and nothing to dismiss.
    assert sec.post("/api/meetings/1/end").status_code == 200
    assert snapshot(sec, 1)["screen"]["result"] is None
    assert sec.post(DISMISS).json()["screen"]["result"] is None
