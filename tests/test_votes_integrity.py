"""Integrity: refusals (guest, non-member, absent member without proxy, closed and cancelled
votes), one ballot per voter under two devices pressing at the same instant (HTTP and real
WebSocket tablets), and every vote's opening, closing and result in the record and the minutes.
Secret ballots at rest: tests/test_secret_ballots.py."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pymupdf
import pytest
from sqlalchemy import text

from meetings.db import Database
from meetings.errors import DomainError
from tests.conftest import LiveServer
from tests.helpers import error_of, record_quorum, snapshot, start
from tests.test_votes_crash import add_members
from tests.wsclient import CommandError, Tablet, cookie_for

VOTERS = ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3")


def ids(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {p["username"]: p["user_id"] for p in snapshot(client, 1)["participants"]}


def test_refusals(login, demo, settings) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    who = ids(sec)
    sec.post("/api/meetings/1/attendance", json={"user_id": who["uyvien3"], "state": "absent",
                                                 "reason": "Ốm"})
    r = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"})
    vote_id = r.json()["vote"]["id"]
    ballot = {"choice": "yes"}
    # a guest, the secretary, an archivist outside the meeting, a stranger
    error_of(login("khachmoi").post(f"/api/votes/{vote_id}/ballots", json=ballot), 403,
             "forbidden")
    error_of(sec.post(f"/api/votes/{vote_id}/ballots", json=ballot), 403, "forbidden")
    error_of(login("luutru").post(f"/api/votes/{vote_id}/ballots", json=ballot), 404, "not_found")
    # a member of the body added to the meeting after the vote opened is not in its electorate
    add_members(settings, demo.body_id, 1, 1, prefix="muon")
    late = login("muon0000")
    error_of(late.post(f"/api/votes/{vote_id}/ballots", json=ballot), 403, "not_eligible")
    # an absent member without a proxy; another member voting for them
    error_of(login("uyvien3").post(f"/api/votes/{vote_id}/ballots", json=ballot), 403, "absent")
    error_of(login("uyvien1").post(f"/api/votes/{vote_id}/ballots",
                                   json={"choice": "yes", "for_user": who["uyvien3"]}), 403,
             "not_proxy")
    assert login("uyvien1").post(f"/api/votes/{vote_id}/ballots", json=ballot).status_code == 201
    sec.post(f"/api/votes/{vote_id}/close")
    body = error_of(login("uyvien2").post(f"/api/votes/{vote_id}/ballots", json=ballot), 409,
                    "vote_closed")
    assert "không được tính" in body["message_vi"] and "not counted" in body["message_en"]
    second = sec.post("/api/meetings/1/votes", json={"question": "Lần 2?"}).json()["vote"]["id"]
    sec.post(f"/api/votes/{second}/cancel", json={"reason": "Sai nội dung"})
    error_of(login("uyvien2").post(f"/api/votes/{second}/ballots", json=ballot), 409,
             "vote_cancelled")
    error_of(login("uyvien2").post(f"/api/votes/{second}/cancel", json={}), 403, "forbidden")


@pytest.mark.parametrize("kind", ["named", "secret"])
def test_two_devices_of_one_member_at_the_same_instant_over_http(login, kind: str) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes",
                       json={"question": "Cùng lúc?", "kind": kind}).json()["vote"]["id"]
    devices = [login("uyvien1") for _ in range(6)]

    def press(pair):  # type: ignore[no-untyped-def]
        client, choice = pair
        return client.post(f"/api/votes/{vote_id}/ballots", json={"choice": choice}).status_code

    with ThreadPoolExecutor(len(devices)) as pool:
        codes = list(pool.map(press, zip(devices, ["yes", "no"] * 3, strict=True)))
    assert sorted(codes) == [201, 409, 409, 409, 409, 409]
    counts = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]["counts"]
    assert counts["cast"] == counts["yes"] + counts["no"] + counts["abstain"] == 1


@pytest.mark.server
def test_two_tablets_of_one_member_at_the_same_instant(live_server: LiveServer) -> None:
    async def run() -> None:
        server = live_server
        cookie = await cookie_for(server.url, "uyvien1")
        tablets = [Tablet(server.ws_url, cookie, server.demo.meeting_id) for _ in range(4)]
        for t in tablets:
            await t.connect()
        sec = server.session("thuky")
        try:
            sec.post("/api/meetings/1/start")
            record_quorum(sec, 1)
            vote_id = sec.post("/api/meetings/1/votes", json={
                "question": "Hai máy?", "kind": "secret"}).json()["vote"]["id"]

            async def cast(t: Tablet, choice: str) -> str:
                try:
                    await t.command("vote.cast", {"vote_id": vote_id, "choice": choice})
                    return "ok"
                except CommandError as exc:
                    return exc.code

            outcomes = await asyncio.gather(*(cast(t, c) for t, c in
                                              zip(tablets, ["yes", "no", "yes", "no"],
                                                  strict=True)))
            assert sorted(outcomes) == ["already_voted"] * 3 + ["ok"]
            vote = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]
            assert vote["counts"]["cast"] == 1
        finally:
            sec.close()
            for t in tablets:
                await t.close()

    asyncio.run(run())


def test_record_and_minutes_show_opening_closing_and_result(login, settings) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Thông qua kế hoạch?",
                                                      "kind": "named"}).json()["vote"]["id"]
    for name, choice in zip(VOTERS, ["yes", "yes", "yes", "yes", "no", "abstain"], strict=True):
        login(name).post(f"/api/votes/{vote_id}/ballots", json={"choice": choice})
    sec.post(f"/api/votes/{vote_id}/close")
    election = sec.post("/api/meetings/1/votes", json={
        "question": "Bầu tổ trưởng", "kind": "secret", "options": ["Phạm Văn Hải", "Vũ Thị Lan"],
        "min_marks": 1, "max_marks": 1, "rule": {"basis": "cast"}}).json()["vote"]["id"]
    for name, pick in zip(VOTERS, [0, 0, 0, 0, 1, 1], strict=True):
        login(name).post(f"/api/votes/{election}/ballots", json={"marks": [pick]})
    sec.post(f"/api/votes/{election}/close")
    db = Database(settings.db_url)
    try:
        with db.read() as session:
            from meetings.record import entries
            kinds = [e.kind for e in entries(session, 1)]
    finally:
        db.dispose()
    assert kinds.count("vote.opened") == 2 and kinds.count("vote.closed") == 2
    sec.post("/api/meetings/1/end")
    pdf = sec.get("/api/meetings/1/minutes/preview.pdf")
    assert pdf.status_code == 200, pdf.text[:300]
    words = " ".join(" ".join(p.get_text().split()) for p in pymupdf.open(stream=pdf.content))
    # a sentence may run onto the next page: leave out the page's header ("DỰ THẢO 2")
    words = re.sub(r" DỰ THẢO \d+ ", " ", words)
    assert "Hình thức: biểu quyết công khai, ghi tên" in words
    assert "Không tán thành: Vũ Thị Lan" in words
    assert "bỏ phiếu kín" in words
    assert ("Số phiếu phát ra 06, số phiếu thu vào 06, số phiếu hợp lệ 06, số phiếu không hợp "
            "lệ 0.") in words
    assert "Phạm Văn Hải: 04 phiếu, chiếm 66,67% tổng số phiếu hợp lệ (trúng cử)" in words


def test_secretary_sees_who_has_not_voted_in_a_named_vote_only(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    named = sec.post("/api/meetings/1/votes", json={"question": "Ghi tên?"}).json()["vote"]["id"]
    for name in VOTERS[:4]:
        login(name).post(f"/api/votes/{named}/ballots", json={"choice": "yes"})
    missing = [p["full_name"] for p in snapshot(sec, 1)["open_vote"]["not_voted"]]
    assert sorted(missing) == ["Vũ Thị Lan", "Đỗ Quang Vinh"]
    assert "not_voted" not in snapshot(login("uyvien1"), 1)["open_vote"]
    sec.post(f"/api/votes/{named}/close")
    counts_only = sec.post("/api/meetings/1/votes", json={"question": "Đếm?",
                                                          "kind": "counts"}).json()["vote"]["id"]
    login("uyvien1").post(f"/api/votes/{counts_only}/ballots", json={"choice": "no"})
    staff_view = snapshot(sec, 1)["open_vote"]
    assert "not_voted" not in staff_view and staff_view["tally"]["no"] == 1
    assert sec.get(f"/api/votes/{counts_only}").json()["vote"]["ballots"] == []


def test_a_duplicate_the_checks_did_not_see_spoils_no_other_ballot(login, app) -> None:  # type: ignore[no-untyped-def]
    """The ballot box commits a batch without savepoints. When the database's unique
    constraint refuses one ballot that the checks let through (another process committed the
    same voter's receipt meanwhile), the batch is rolled back and cast again one savepoint
    each: that voter is told already_voted, everyone else's ballot is committed."""
    from sqlalchemy import insert

    from meetings.accounts import actor_of
    from meetings.models import BallotReceipt, User
    from meetings.votes.voting import cast_ballot, progress_of
    from phonghop.ballot_box import BallotBox

    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Lô phiếu?"}).json()["vote"]["id"]
    services = app.state.services
    who = ids(sec)
    with services.db.read() as s:
        actors = {name: actor_of(s.get(User, who[name])) for name in ("chutich", "uyvien1",
                                                                     "uyvien2")}

    def cast(name: str):  # type: ignore[no-untyped-def]
        return lambda s: cast_ballot(s, actors[name], vote_id, "yes", progress=False)

    def raced(s):  # type: ignore[no-untyped-def]
        # what another process does between this batch's checks and its insert
        s.execute(insert(BallotReceipt).values(vote_id=vote_id, user_id=actors["uyvien1"].user_id))
        return cast_ballot(s, actors["uyvien1"], vote_id, "no", progress=False)

    box = BallotBox(services, progress_of)
    fns = [cast("chutich"), raced, cast("uyvien2")]

    async def run() -> list[str]:
        async def one(fn) -> str:  # type: ignore[no-untyped-def]
            try:
                await box.cast(fn)
                return "ok"
            except DomainError as exc:
                return exc.code
        return list(await asyncio.gather(*(one(fn) for fn in fns)))

    assert sec.portal.call(run) == ["ok", "already_voted", "ok"]
    with services.db.read() as s:
        stored = s.execute(text("SELECT user_id, choice FROM ballots WHERE vote_id = :v "
                                "ORDER BY user_id"), {"v": vote_id}).all()
        receipts = s.execute(text("SELECT count(*) FROM ballot_receipts WHERE vote_id = :v"),
                             {"v": vote_id}).scalar_one()
    assert sorted(u for u, _ in stored) == sorted([who["chutich"], who["uyvien2"]])
    assert {c for _, c in stored} == {"yes"} and receipts == 2
