"""Vote result rules, table-driven (every basis, threshold and tie rule; zero votes, all
abstain, exact half), elections, quorum arithmetic, presets; then the same rules end to end:
the body's setting, a per-vote override, a timed vote, a cancelled vote, an election."""

from __future__ import annotations

import time

import pytest

from meetings.votes.majority import (
    PRESETS,
    Basis,
    Rule,
    Tally,
    Tie,
    decide,
    elected,
    quorum_required,
)
from tests.helpers import error_of, record_quorum, snapshot, start

HALF_STRICT = (1, 2, True)
TWO_THIRDS = (2, 3, False)
THREE_QUARTERS = (3, 4, False)
THREE_FIFTHS = (3, 5, False)  # "any fraction"

# (basis, threshold, tie rule, chair's choice, tally(yes, no, abstain, eligible, present), passes)
CASES = [
    # more than half: of all members (10), of those present (8), of votes cast
    (Basis.ALL_MEMBERS, HALF_STRICT, Tie.FAILS, None, (6, 0, 0, 10, 8), True),
    (Basis.ALL_MEMBERS, HALF_STRICT, Tie.FAILS, None, (5, 0, 0, 10, 8), False),  # exact half
    (Basis.PRESENT, HALF_STRICT, Tie.FAILS, None, (5, 0, 0, 10, 8), True),
    (Basis.PRESENT, HALF_STRICT, Tie.FAILS, None, (4, 0, 0, 10, 8), False),  # exact half
    (Basis.CAST, HALF_STRICT, Tie.FAILS, None, (3, 2, 0, 10, 8), True),
    # exact half of votes cast, abstentions included
    (Basis.CAST, HALF_STRICT, Tie.FAILS, None, (3, 2, 1, 10, 8), False),
    # at least two thirds
    (Basis.ALL_MEMBERS, TWO_THIRDS, Tie.FAILS, None, (6, 0, 0, 9, 9), True),  # exactly 2/3
    (Basis.ALL_MEMBERS, TWO_THIRDS, Tie.FAILS, None, (5, 0, 0, 9, 9), False),
    (Basis.PRESENT, TWO_THIRDS, Tie.FAILS, None, (4, 2, 0, 9, 6), True),
    (Basis.CAST, TWO_THIRDS, Tie.FAILS, None, (2, 1, 0, 9, 6), True),
    (Basis.CAST, TWO_THIRDS, Tie.FAILS, None, (3, 2, 0, 9, 6), False),
    # at least three quarters
    (Basis.ALL_MEMBERS, THREE_QUARTERS, Tie.FAILS, None, (6, 0, 0, 8, 8), True),  # exactly 3/4
    (Basis.ALL_MEMBERS, THREE_QUARTERS, Tie.FAILS, None, (5, 1, 0, 8, 8), False),
    (Basis.PRESENT, THREE_QUARTERS, Tie.FAILS, None, (3, 1, 0, 8, 4), True),
    (Basis.CAST, THREE_QUARTERS, Tie.FAILS, None, (3, 0, 1, 8, 8), True),
    # any fraction: at least 3/5
    (Basis.ALL_MEMBERS, THREE_FIFTHS, Tie.FAILS, None, (3, 0, 0, 5, 5), True),
    (Basis.ALL_MEMBERS, THREE_FIFTHS, Tie.FAILS, None, (2, 0, 0, 5, 5), False),
    (Basis.CAST, THREE_FIFTHS, Tie.FAILS, None, (3, 2, 0, 5, 5), True),
    # zero votes: nothing passes, whatever the basis or tie rule
    (Basis.ALL_MEMBERS, HALF_STRICT, Tie.FAILS, None, (0, 0, 0, 10, 8), False),
    (Basis.PRESENT, HALF_STRICT, Tie.CHAIR, None, (0, 0, 0, 10, 0), False),
    (Basis.CAST, HALF_STRICT, Tie.FAILS, None, (0, 0, 0, 10, 8), False),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "yes", (0, 0, 0, 0, 0), False),
    # all abstain
    (Basis.CAST, HALF_STRICT, Tie.FAILS, None, (0, 0, 6, 6, 6), False),
    (Basis.CAST, TWO_THIRDS, Tie.CHAIR, "abstain", (0, 0, 6, 6, 6), False),
    (Basis.PRESENT, HALF_STRICT, Tie.FAILS, None, (0, 0, 6, 6, 6), False),
    # ties: 3 yes, 3 no
    (Basis.CAST, HALF_STRICT, Tie.FAILS, "yes", (3, 3, 0, 6, 6), False),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "yes", (3, 3, 0, 6, 6), True),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "no", (3, 3, 0, 6, 6), False),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "abstain", (3, 3, 1, 7, 7), False),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, None, (3, 3, 0, 6, 6), False),  # chair did not vote
    (Basis.PRESENT, HALF_STRICT, Tie.CHAIR, "yes", (2, 2, 0, 9, 4), True),
    (Basis.ALL_MEMBERS, TWO_THIRDS, Tie.CHAIR, "yes", (4, 4, 0, 8, 8), True),
    # the chair's side does not turn a non-tie
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "no", (4, 3, 0, 7, 7), True),
    (Basis.CAST, HALF_STRICT, Tie.CHAIR, "yes", (3, 4, 0, 7, 7), False),
]


@pytest.mark.parametrize(("basis", "threshold", "tie", "chair", "tally", "expected"), CASES)
def test_decide(basis: Basis, threshold: tuple[int, int, bool], tie: Tie, chair: str | None,
                tally: tuple[int, int, int, int, int], expected: bool) -> None:
    rule = Rule(basis, *threshold)
    assert decide(rule, Tally(*tally), tie, chair) is expected


def test_every_basis_threshold_and_tie_rule_is_covered() -> None:
    covered = {(b, t, tie) for b, t, tie, *_ in CASES}
    for basis in Basis:
        assert (basis, HALF_STRICT, Tie.FAILS) in covered
    thresholds = {t for _, t, *_ in CASES}
    assert {HALF_STRICT, TWO_THIRDS, THREE_QUARTERS, THREE_FIFTHS} <= thresholds
    assert {tie for *_, tie in covered} == set(Tie)


@pytest.mark.parametrize(("members", "fraction", "required"), [
    (6, (2, 3), 4), (7, (2, 3), 5), (9, (2, 3), 6), (90, (1, 2), 45), (1600, (2, 3), 1067),
    (8, (3, 4), 6), (6, (0, 1), 0), (0, (2, 3), 0),
])
def test_quorum_is_at_least_the_fraction_of_all_members(
    members: int, fraction: tuple[int, int], required: int
) -> None:
    assert quorum_required(members, *fraction) == required


def test_election_elects_the_best_up_to_the_seats_and_leaves_a_tie_at_the_last_seat() -> None:
    half = Rule(Basis.CAST, 1, 2, True)
    # 10 ballots, 2 seats: A 8, B 6, C 6, D 2 -> A elected; B and C tie for the second seat
    assert elected(half, [8, 6, 6, 2], 2, 10, 10, 10) == [0]
    assert elected(half, [8, 7, 6, 2], 2, 10, 10, 10) == [0, 1]
    # more than half of the ballots is needed: 5 of 10 is not enough
    assert elected(half, [5, 4], 1, 10, 10, 10) == []
    assert elected(half, [0, 0], 1, 10, 10, 0) == []


def test_presets_for_the_bodies_of_the_brief() -> None:
    council = PRESETS["people_council"]
    assert council.rule == Rule(Basis.ALL_MEMBERS, 1, 2, True) and council.proxies is False
    assert PRESETS["people_council_two_thirds"].rule == Rule(Basis.ALL_MEMBERS, 2, 3, False)
    assert PRESETS["people_committee"].rule.text() == "quá nửa tổng số thành viên"
    board = PRESETS["company_board"]
    assert board.tie is Tie.CHAIR and board.proxies is True


# --- end to end, over HTTP -----------------------------------------------------------------

VOTERS = ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3")


def ids(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {p["username"]: p["user_id"] for p in snapshot(client, 1)["participants"]}


def test_a_people_committee_decides_by_more_than_half_of_all_members_only(login, demo) -> None:  # type: ignore[no-untyped-def]
    """The law's rule for decisions of a People's Committee or Council is a floor: a lower
    rule is refused for the body and for a vote; a stricter one, or an election's own rule,
    is allowed."""
    sec = login("thuky")
    for lower in ({"preset": "company_board"}, {"basis": "present"}, {"basis": "cast"},
                  {"numerator": 1, "denominator": 2, "strict": False},
                  {"numerator": 2, "denominator": 5}):
        error_of(sec.put("/api/vote-rules", json={"body_id": demo.body_id, **lower}), 422,
                 "rule_below_law")
        error_of(login("admin").patch(f"/api/admin/bodies/{demo.body_id}",
                                      json={"rules": lower}), 422, "rule_below_law")
    rules = sec.put("/api/vote-rules", json={"body_id": demo.body_id}).json()["rule"]
    assert (rules["basis"], rules["numerator"], rules["denominator"], rules["strict"]) == \
        ("all_members", 1, 2, True)
    start(sec, 1)
    record_quorum(sec, 1)
    error_of(sec.post("/api/meetings/1/votes", json={
        "question": "Chia cổ tức?", "rule": {"preset": "company_board"}}), 422, "rule_below_law")
    error_of(sec.post("/api/meetings/1/votes", json={
        "question": "Chia cổ tức?", "rule": {"basis": "present"}}), 422, "rule_below_law")
    stricter = sec.post("/api/meetings/1/votes", json={
        "question": "Bãi nhiệm?", "rule": {"preset": "people_council_two_thirds"}})
    assert stricter.status_code == 201, stricter.text
    sec.post(f"/api/votes/{stricter.json()['vote']['id']}/cancel", json={"reason": "thử"})
    election = sec.post("/api/meetings/1/votes", json={
        "question": "Bầu tổ trưởng", "kind": "counts", "options": ["A", "B"],
        "rule": {"basis": "cast"}})
    assert election.status_code == 201, election.text


def test_body_rule_preset_and_per_vote_override(login, demo) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    presets = sec.get("/api/vote-presets").json()["presets"]
    assert {p["key"] for p in presets} >= {"people_council", "company_board"}
    # a company's board: the administrator makes the demo body one (any rule is its own)
    r = login("admin").patch(f"/api/admin/bodies/{demo.body_id}", json={"kind": "other"})
    assert r.status_code == 200, r.text
    r = sec.put("/api/vote-rules", json={"body_id": demo.body_id, "preset": "company_board"})
    assert r.status_code == 200, r.text
    assert r.json()["rule"]["tie"] == "chair" and r.json()["proxies_allowed"] is True
    error_of(login("uyvien1").put("/api/vote-rules", json={"body_id": demo.body_id,
                                                           "preset": "people_council"}), 403)
    error_of(sec.put("/api/vote-rules", json={"body_id": demo.body_id, "numerator": 3,
                                                                     "denominator": 2}), 422,
             "bad_rule")
    start(sec, 1)
    for name in VOTERS:
        login(name).post("/api/meetings/1/check-in", json={})
    # company board: more than half of those present, the chair's side wins a tie
    vote = sec.post("/api/meetings/1/votes", json={"question": "Chia cổ tức?"}).json()["vote"]
    assert vote["rule"]["basis"] == "present" and vote["tie"] == "chair"
    for name, choice in zip(VOTERS, ["yes", "yes", "yes", "no", "no", "no"], strict=True):
        assert login(name).post(f"/api/votes/{vote['id']}/ballots",
                                json={"choice": choice}).status_code == 201
    closed = sec.post(f"/api/votes/{vote['id']}/close").json()["vote"]
    assert closed["result"]["passed"] is True  # 3-3, the chair voted yes
    assert closed["counts"] == {"yes": 3, "no": 3, "abstain": 0, "cast": 6, "eligible": 6,
                                "present": 6}
    # per-vote override: at least two thirds of all members -> 4 of 6 passes, 3 fails
    vote = sec.post("/api/meetings/1/votes", json={
        "question": "Sửa điều lệ?", "rule": {"basis": "all_members", "numerator": 2,
                                             "denominator": 3, "strict": False,
                                             "tie": "fails"}}).json()["vote"]
    for name, choice in zip(VOTERS, ["yes", "yes", "yes", "no", "no", "no"], strict=True):
        login(name).post(f"/api/votes/{vote['id']}/ballots", json={"choice": choice})
    assert sec.post(f"/api/votes/{vote['id']}/close").json()["vote"]["result"]["passed"] is False


def test_election_with_min_and_max_marks(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    r = sec.post("/api/meetings/1/votes", json={
        "question": "Bầu 2 thành viên tổ kiểm tra", "kind": "counts",
        "options": ["Lê Thị Hồng Nhung", "Phạm Văn Hải", "Vũ Thị Lan"],
        "min_marks": 1, "max_marks": 2, "rule": {"basis": "cast"}})
    assert r.status_code == 201, r.text
    vote_id = r.json()["vote"]["id"]
    assert r.json()["vote"]["options"][1] == "Phạm Văn Hải"
    member = login("uyvien1")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"marks": []}), 422, "bad_marks")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"marks": [0, 1, 2]}), 422,
             "bad_marks")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"marks": [0, 0]}), 422,
             "bad_marks")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"marks": [5]}), 422, "bad_marks")
    error_of(member.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}), 422,
             "bad_marks")
    marks = [[0, 1], [0, 1], [0, 2], [0], [1, 2], [1]]
    for name, m in zip(VOTERS, marks, strict=True):
        r = login(name).post(f"/api/votes/{vote_id}/ballots", json={"marks": m})
        assert r.status_code == 201 and r.json()["marks"] == m
    counts = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]["counts"]
    # A: 4 of 6 ballots, B: 4 of 6, C: 2 of 6 -> A and B elected (more than half of the ballots)
    assert counts["marks"] == [4, 4, 2] and counts["ballots"] == 6
    assert counts["elected"] == [0, 1]


def test_timed_vote_closes_by_itself_and_refuses_late_ballots(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote = sec.post("/api/meetings/1/votes", json={"question": "Nhanh?", "seconds": 5}).json()
    vote_id = vote["vote"]["id"]
    assert vote["vote"]["closes_at"] is not None
    error_of(sec.post("/api/meetings/1/votes", json={"question": "x", "seconds": 1}), 422,
             "bad_timer")
    for name in VOTERS[:4]:
        assert login(name).post(f"/api/votes/{vote_id}/ballots",
                                json={"choice": "yes"}).status_code == 201
    deadline = time.monotonic() + 30
    status = "open"
    while time.monotonic() < deadline and status == "open":
        time.sleep(0.5)
        status = sec.get(f"/api/votes/{vote_id}").json()["vote"]["status"]
    assert status == "closed"  # nobody called close
    error_of(login("uyvien3").post(f"/api/votes/{vote_id}/ballots", json={"choice": "no"}), 409,
             "vote_closed")
    assert snapshot(sec, 1)["votes"][0]["result"] == {"yes": 4, "no": 0, "abstain": 0,
                                                      "passed": True}


def test_cancel_is_recorded_without_result_and_a_revote_is_a_new_vote(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    first = sec.post("/api/meetings/1/votes", json={"question": "Lần 1?"}).json()["vote"]["id"]
    login("uyvien1").post(f"/api/votes/{first}/ballots", json={"choice": "yes"})
    r = sec.post(f"/api/votes/{first}/cancel", json={"reason": "Nhầm nội dung"})
    assert r.json()["vote"]["status"] == "cancelled"
    assert r.json()["vote"]["result"]["passed"] is None
    error_of(login("uyvien2").post(f"/api/votes/{first}/ballots", json={"choice": "yes"}), 409,
             "vote_cancelled")
    error_of(sec.post(f"/api/votes/{first}/close"), 409, "vote_cancelled")
    second = sec.post("/api/meetings/1/votes", json={"question": "Lần 2?"}).json()["vote"]["id"]
    assert second != first
    assert login("uyvien1").post(f"/api/votes/{second}/ballots",
                                 json={"choice": "no"}).status_code == 201
    sec.post(f"/api/votes/{second}/close")
    votes = {v["id"]: v for v in snapshot(sec, 1)["votes"]}
    assert votes[first]["status"] == "cancelled"
    assert votes[first]["cancel_reason"] == "Nhầm nội dung"
    assert votes[second]["result"]["no"] == 1


