"""Attendance: states with reasons, check-in on the tablet, by the room screen's QR code or by
the secretary; guests never count; the quorum live; opening a vote without quorum needs an
explicit, recorded override; proxies only where the body allows them."""

from __future__ import annotations

import re
import time

import pymupdf

from meetings.live.attendance import QR_SECONDS, qr_token, qr_valid
from tests.helpers import error_of, record_quorum, snapshot, start


def ids(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {p["username"]: p["user_id"] for p in snapshot(client, 1)["participants"]}


def test_states_reasons_and_guests_never_count(login, demo) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    r = sec.put("/api/vote-rules", json={"body_id": demo.body_id, "quorum": [2, 3]})
    assert r.status_code == 200
    start(sec, 1)
    who = ids(sec)
    q = sec.get("/api/meetings/1/quorum").json()
    assert q == {"members": 6, "members_present": 0, "required": 4, "quorum": False}
    assert login("khachmoi").post("/api/meetings/1/check-in", json={}).status_code == 200
    assert sec.get("/api/meetings/1/quorum").json()["members_present"] == 0  # a guest
    assert login("uyvien1").post("/api/meetings/1/check-in", json={}).status_code == 200
    assert login("uyvien2").post("/api/meetings/1/check-in",
                                 json={"state": "remote"}).status_code == 200
    r = sec.post("/api/meetings/1/attendance", json={"user_id": who["chutich"],
                                                     "state": "present"})
    assert r.json()["quorum"]["members_present"] == 3
    r = sec.post("/api/meetings/1/attendance", json={"user_id": who["uyvien3"],
                                                     "state": "absent", "reason": "Ốm"})
    assert r.status_code == 200
    sec.post("/api/meetings/1/attendance", json={"user_id": who["phochutich2"],
                                                "state": "excused", "reason": "Đi công tác"})
    error_of(sec.post("/api/meetings/1/attendance", json={"user_id": who["uyvien1"],
                                                          "state": "asleep"}), 422,
             "bad_attendance")
    # a member cannot mark another member, nor mark themself absent
    error_of(login("uyvien1").post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien2"], "state": "absent"}), 403)
    people = {p["username"]: p for p in snapshot(sec, 1)["participants"]}
    assert people["uyvien2"]["attendance"] == "remote"
    assert people["uyvien3"]["attendance"] == "absent"
    assert people["uyvien3"]["absence_reason"] == "Ốm"
    assert people["phochutich2"]["attendance"] == "excused"
    assert snapshot(sec, 1)["quorum"] == {"members": 6, "members_present": 3, "required": 4,
                                          "quorum": False}
    # no quorum: opening a vote is refused unless overridden, and the override is recorded
    body = error_of(sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"}), 409,
                    "no_quorum")
    assert "3" in body["message_vi"] and "4" in body["message_en"]
    # a People's Committee (the demo body): the law's quorum, no override
    body = error_of(sec.post("/api/meetings/1/votes", json={"question": "Thông qua?",
                                                            "override_quorum": True}),
                    409, "no_quorum")
    assert "luật" in body["message_vi"] and "overridden" in body["message_en"]
    # a body of kind `other` may be overridden, and the override is recorded
    r = login("admin").patch(f"/api/admin/bodies/{demo.body_id}",
                             json={"kind": "other", "quorum": [2, 3]})
    assert r.status_code == 200, r.text
    r = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?",
                                                "override_quorum": True})
    assert r.status_code == 201 and r.json()["vote"]["quorum_overridden"] is True
    assert r.json()["vote"]["present"] == 3 and r.json()["vote"]["quorum_required"] == 4
    # the absent member may not vote; the one checked in remotely may
    vote_id = r.json()["vote"]["id"]
    error_of(login("uyvien3").post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}),
             403, "absent")
    assert login("uyvien2").post(f"/api/votes/{vote_id}/ballots",
                                 json={"choice": "yes"}).status_code == 201


def test_check_in_by_the_room_screens_qr_code(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    code = sec.get("/api/meetings/1/checkin-code")
    assert code.status_code == 200, code.text
    data = code.json()
    assert data["svg"].startswith("<?xml") and "<svg" in data["svg"]
    assert re.search(r"/m/1\?checkin=", data["url"])
    error_of(login("uyvien1").get("/api/meetings/1/checkin-code"), 403)
    member = login("uyvien1")
    error_of(member.post("/api/meetings/1/check-in", json={"code": "0.deadbeef"}), 422,
             "bad_checkin_code")
    assert member.post("/api/meetings/1/check-in", json={"code": data["token"]}).status_code == 200
    me = snapshot(member, 1)["participants"][0]
    assert me["checked_in"] is True and me["attendance"] == "present"


def test_qr_tokens_expire_and_are_bound_to_the_meeting() -> None:
    key = b"k" * 32
    now = time.time()
    token = qr_token(key, 1, now)
    assert qr_valid(key, 1, token, now)
    assert qr_valid(key, 1, token, now + QR_SECONDS)  # the next slot still accepts it
    assert not qr_valid(key, 1, token, now + 3 * QR_SECONDS)
    assert not qr_valid(key, 2, token, now)
    assert not qr_valid(b"x" * 32, 1, token, now)


def test_proxies_are_off_by_default_and_recorded_when_on(login, demo) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1, absent=("uyvien3",))
    who = ids(sec)
    error_of(sec.post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien3"], "state": "absent", "proxy_user_id": who["uyvien1"]}), 403,
        "proxies_not_allowed")
    sec.put("/api/vote-rules", json={"body_id": demo.body_id, "proxies_allowed": True})
    error_of(sec.post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien3"], "state": "present", "proxy_user_id": who["uyvien1"]}), 422,
        "bad_proxy")
    error_of(sec.post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien3"], "state": "absent", "proxy_user_id": who["khachmoi"]}), 422,
        "bad_proxy")
    assert sec.post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien3"], "state": "absent", "reason": "Ốm",
        "proxy_user_id": who["uyvien1"]}).status_code == 200
    vote_id = sec.post("/api/meetings/1/votes",
                       json={"question": "Ủy quyền?"}).json()["vote"]["id"]
    holder = login("uyvien1")
    assert snapshot(holder, 1)["open_vote"]["proxy_for"] == [
        {"user_id": who["uyvien3"], "full_name": "Đỗ Quang Vinh", "voted": False,
         "choice": None, "marks": None}]
    error_of(login("uyvien2").post(f"/api/votes/{vote_id}/ballots",
                                   json={"choice": "no", "for_user": who["uyvien3"]}), 403,
             "not_proxy")
    r = holder.post(f"/api/votes/{vote_id}/ballots",
                    json={"choice": "no", "for_user": who["uyvien3"]})
    assert r.status_code == 201 and r.json()["for_user"] == who["uyvien3"]
    assert snapshot(holder, 1)["open_vote"]["proxy_for"][0] | {"voted": True, "choice": "no"} \
        == snapshot(holder, 1)["open_vote"]["proxy_for"][0]
    assert holder.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}).status_code == 201
    error_of(holder.post(f"/api/votes/{vote_id}/ballots",
                         json={"choice": "yes", "for_user": who["uyvien3"]}), 409,
             "already_voted")
    sec.post(f"/api/votes/{vote_id}/close")
    ballots = {b["user_id"]: b for b in sec.get(f"/api/votes/{vote_id}").json()["vote"]["ballots"]}
    assert ballots[who["uyvien3"]] == {"user_id": who["uyvien3"], "full_name": "Đỗ Quang Vinh",
                                       "choice": "no", "marks": None, "cast_by": who["uyvien1"]}
    assert ballots[who["uyvien1"]]["cast_by"] is None
    # the minutes say who held the proxy, beside the reason
    assert sec.post("/api/meetings/1/end").status_code == 200
    pdf = sec.get("/api/meetings/1/minutes/preview.pdf")
    assert pdf.status_code == 200, pdf.text[:300]
    words = " ".join(" ".join(p.get_text().split()) for p in pymupdf.open(stream=pdf.content))
    assert "Đỗ Quang Vinh" in words and "ủy quyền cho Hoàng Minh Tuấn" in words, words[:2000]


def test_a_peoples_council_never_allows_proxies(login, demo) -> None:  # type: ignore[no-untyped-def]
    """No People's Council delegate may vote on another's behalf: proxies cannot be turned on
    for one, by the secretary or the administrator; a People's Committee may."""
    admin = login("admin")
    assert admin.patch(f"/api/admin/bodies/{demo.body_id}",
                       json={"kind": "people_council"}).status_code == 200
    error_of(login("thuky").put("/api/vote-rules", json={"body_id": demo.body_id,
                                                         "proxies_allowed": True}),
             422, "proxies_forbidden_by_law")
    error_of(admin.patch(f"/api/admin/bodies/{demo.body_id}",
                         json={"rules": {"proxies_allowed": True}}),
             422, "proxies_forbidden_by_law")
    assert admin.get(f"/api/admin/bodies/{demo.body_id}").json()["body"]["rules"][
        "proxies_allowed"] is False


def test_a_proxy_recorded_before_the_body_turned_proxies_off_is_not_used(login, demo) -> None:  # type: ignore[no-untyped-def]
    """The proxy stays in the attendance (it was given), but a vote opened after the body
    turned proxies off has no proxies: its holder cannot vote for the absent member."""
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1, absent=("uyvien3",))
    who = ids(sec)
    sec.put("/api/vote-rules", json={"body_id": demo.body_id, "proxies_allowed": True})
    assert sec.post("/api/meetings/1/attendance", json={
        "user_id": who["uyvien3"], "state": "absent", "reason": "Ốm",
        "proxy_user_id": who["uyvien1"]}).status_code == 200
    r = sec.put("/api/vote-rules", json={"body_id": demo.body_id, "proxies_allowed": False})
    assert r.status_code == 200 and r.json()["proxies_allowed"] is False
    vote_id = sec.post("/api/meetings/1/votes",
                       json={"question": "Không ủy quyền?"}).json()["vote"]["id"]
    holder = login("uyvien1")
    assert snapshot(holder, 1)["open_vote"].get("proxy_for", []) == []
    error_of(holder.post(f"/api/votes/{vote_id}/ballots",
                         json={"choice": "no", "for_user": who["uyvien3"]}), 403, "not_proxy")
    assert holder.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"}).status_code == 201
    sec.post(f"/api/votes/{vote_id}/close")
    ballots = sec.get(f"/api/votes/{vote_id}").json()["vote"]["ballots"]
    assert [b["user_id"] for b in ballots] == [who["uyvien1"]]


async def test_an_absence_reason_reaches_the_staff_and_the_person_only(  # type: ignore[no-untyped-def]
        live_server) -> None:
    """The room sees that a member is excused; only the secretary, the chair and the member
    see why."""
    import asyncio

    from tests.wsclient import Tablet, cookie_for

    sec = live_server.session("thuky")
    assert sec.post("/api/meetings/1/start").status_code == 200
    who = {p["username"]: p["user_id"] for p in sec.get("/api/meetings/1").json()["participants"]}
    tablets = {}
    for name in ("thuky", "chutich", "uyvien1", "uyvien2", "khachmoi"):
        tablets[name] = Tablet(live_server.ws_url, await cookie_for(live_server.url, name), 1)
        await tablets[name].connect()
    try:
        r = sec.post("/api/meetings/1/attendance", json={
            "user_id": who["uyvien1"], "state": "excused", "reason": "Khám bệnh ở bệnh viện"})
        assert r.status_code == 200
        for tablet in tablets.values():
            await tablet.wait_for("attendance", lambda d: d["user_id"] == who["uyvien1"])
        await asyncio.sleep(0.3)  # every copy sent has arrived
        for name, tablet in tablets.items():
            reasons = [e["data"].get("absence_reason") for e in tablet.events
                       if e["type"] == "attendance"]
            if name in ("thuky", "chutich", "uyvien1"):
                assert "Khám bệnh ở bệnh viện" in reasons, name
            else:
                assert reasons and all(r is None for r in reasons), (name, reasons)
                assert "bệnh viện" not in str(tablet.events), name
    finally:
        for tablet in tablets.values():
            await tablet.close()
        sec.close()
