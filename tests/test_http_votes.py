"""Votes over HTTP: one ballot each, final ballots, the result under the body's rule,
refusals, and two devices of one member pressing at the same instant."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.helpers import error_of, record_quorum, snapshot, start

MEMBERS = ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3")


def open_vote(sec, question: str = "Thông qua báo cáo tình hình kinh tế - xã hội?") -> int:  # type: ignore[no-untyped-def]
    r = sec.post("/api/meetings/1/votes", json={"question": question})
    assert r.status_code == 201, r.text
    vote = r.json()["vote"]
    assert vote["eligible"] == 6 and vote["status"] == "open"
    return int(vote["id"])


def test_vote_counts_and_result_more_than_half_of_all_members(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = open_vote(sec)
    choices = {"chutich": "yes", "phochutich1": "yes", "phochutich2": "yes", "uyvien1": "no",
               "uyvien2": "abstain"}  # uyvien3 does not vote
    for username, choice in choices.items():
        r = login(username).post(f"/api/votes/{vote_id}/ballots", json={"choice": choice})
        assert r.status_code == 201 and r.json() == {"vote_id": vote_id, "choice": choice}
    live = snapshot(sec, 1)["open_vote"]
    assert live["cast"] == 5 and live["tally"] == {"yes": 3, "no": 1, "abstain": 1}
    member_view = snapshot(login("uyvien1"), 1)["open_vote"]
    assert "tally" not in member_view and member_view["my_choice"] == "no"
    r = sec.post(f"/api/votes/{vote_id}/close")
    result = r.json()["vote"]["result"]
    # 3 of 6 is exactly half: "more than half of all members" fails
    assert result == {"yes": 3, "no": 1, "abstain": 1, "passed": False}
    assert snapshot(login("khachmoi"), 1)["votes"][0]["result"]["passed"] is False


def test_four_of_six_passes(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = open_vote(sec)
    for username in MEMBERS[:4]:
        login(username).post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
    assert sec.post(f"/api/votes/{vote_id}/close").json()["vote"]["result"]["passed"] is True


def test_ballot_refusals(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = open_vote(sec)
    member = login("uyvien1")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"choice": "maybe"}), 422,
             "bad_choice")
    assert member.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}).status_code == 201
    body = error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"choice": "no"}), 409,
                    "already_voted")
    assert "không thay đổi" in body["message_vi"]
    error_of(login("khachmoi").post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}),
             403, "forbidden")
    error_of(sec.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}), 403, "forbidden")
    error_of(login("luutru").post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}),
             404, "not_found")  # outside the archivist's reach until sealed
    error_of(member.post("/api/votes/999/ballots", json={"choice": "yes"}), 404, "not_found")
    error_of(member.post(f"/api/votes/{vote_id}/close"), 403, "forbidden")
    error_of(sec.post("/api/meetings/1/votes", json={"question": "Hai cùng lúc?"}), 409,
             "vote_already_open")
    error_of(sec.post("/api/meetings/1/votes", json={"question": "x" * 501}), 422,
             "bad_question")
    sec.post(f"/api/votes/{vote_id}/close")
    error_of(login("uyvien2").post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}),
             409, "vote_closed")
    error_of(sec.post(f"/api/votes/{vote_id}/close"), 409, "vote_closed")
    # the accepted ballot is still exactly one
    assert sec.post("/api/meetings/1/end").status_code == 200
    votes = snapshot(sec, 1)["votes"]
    assert votes[0]["result"] == {"yes": 1, "no": 0, "abstain": 0, "passed": False}


def test_no_vote_before_the_meeting_runs(login) -> None:
    error_of(login("thuky").post("/api/meetings/1/votes", json={"question": "Sớm?"}), 409,
             "meeting_not_running")


def test_two_devices_same_member_same_instant(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = open_vote(sec)
    devices = [login("uyvien1") for _ in range(6)]

    def press(client, choice):  # type: ignore[no-untyped-def]
        return client.post(f"/api/votes/{vote_id}/ballots", json={"choice": choice}).status_code

    with ThreadPoolExecutor(len(devices)) as pool:
        codes = list(pool.map(press, devices, ["yes", "no"] * 3))
    assert sorted(codes) == [201, 409, 409, 409, 409, 409]
    result = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]["result"]
    assert result["yes"] + result["no"] + result["abstain"] == 1
