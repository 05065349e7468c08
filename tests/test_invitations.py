"""Invitations over real SMTP: a real mail server on 127.0.0.1 (aiosmtpd) receives the letters
the app sends; the tests parse them with the email package and their calendar files with
icalendar. An update after a change of time, the cancellation, STARTTLS and implicit TLS with
a login, and a mail server that is down while the app keeps serving."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from meetings import clock
from meetings.demo.seed import Demo
from phonghop.app import create_app
from phonghop.settings import Settings
from tests.conftest import free_port
from tests.helpers import error_of, snapshot
from tests.mailbox import Mailbox, make_certificates

SENDER = "giaymoi@tuongtien.gov.vn"
PUBLIC = "https://hop.tuongtien.gov.vn"
ADDRESSES = {"chutich": "duc@tuongtien.gov.vn", "uyvien1": "tuan@tuongtien.gov.vn",
             "uyvien2": "lan@tuongtien.gov.vn", "khachmoi": "mai@mttq.tuongtien.gov.vn"}


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_settings(settings: Settings, smtp_port: int) -> Settings:
    """The mail server of each test; tests that need TLS or a login replace more."""
    return replace(settings, smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls="none",
                   smtp_sender=SENDER, public_url=PUBLIC, smtp_timeout=5.0)


@pytest.fixture
def app(mail_settings: Settings, demo: Demo):  # type: ignore[no-untyped-def]
    """The `login` fixture's app, with the test's mail settings."""
    return create_app(mail_settings)


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    box = Mailbox(smtp_port).start()
    yield box
    box.stop()


def people_of(client: TestClient, meeting_id: int) -> dict[str, int]:
    r = client.get(f"/api/meetings/{meeting_id}/invitations")
    assert r.status_code == 200, r.text
    return {p["username"]: p["user_id"] for p in r.json()["people"]}


def give_addresses(sec: TestClient, meeting_id: int) -> dict[str, int]:
    ids = people_of(sec, meeting_id)
    for username, email in ADDRESSES.items():
        r = sec.put(f"/api/meetings/{meeting_id}/invitations/{ids[username]}",
                    json={"email": email})
        assert r.status_code == 200, r.text
        assert r.json()["email"] == email
    return ids


def wait_until(check: Callable[[], Any], within: float = 30) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


def deliveries(sec: TestClient, meeting_id: int) -> dict[str, dict[str, Any]]:
    r = sec.get(f"/api/meetings/{meeting_id}/invitations")
    assert r.status_code == 200, r.text
    return {p["username"]: p for p in r.json()["people"]}


def by_recipient(letters: list[Any]) -> dict[str, Any]:
    out = {}
    for letter in letters:
        assert len(letter.rcpt_tos) == 1, letter.rcpt_tos
        out[letter.rcpt_tos[0]] = letter
    return out


def test_invitation_update_and_cancellation_reach_the_mail_server(
        login: Callable[[str], TestClient], demo: Demo, mailbox: Mailbox) -> None:
    sec = login("thuky")
    mid = demo.meeting_id
    snap = snapshot(sec, mid)
    meeting = snap["meeting"]
    agenda = [i["title"] for i in snap["items"]]
    ids = give_addresses(sec, mid)

    r = sec.post(f"/api/meetings/{mid}/invitations/send", json={})
    assert r.status_code == 202, r.text
    assert r.json()["queued"] == len(ADDRESSES)
    # Those without an address are named, not silently skipped.
    assert "Nguyễn Thị Thu" in r.json()["without_address"]

    letters = by_recipient(mailbox.wait_for(len(ADDRESSES)))
    assert set(letters) == set(ADDRESSES.values())
    starts = clock.in_vietnam(datetime.fromisoformat(meeting["starts_at"]))
    uids = set()
    for username, address in ADDRESSES.items():
        letter = letters[address]
        assert letter.mail_from == SENDER
        assert address in letter.message["To"]
        assert letter.message["Subject"] == f"Giấy mời họp: {meeting['title']} / Meeting invitation"
        text = letter.text
        # Vietnamese first, English below, with everything a member needs to come.
        assert text.index("Kính gửi: Đồng chí") < text.index("Dear ")
        assert "UBND xã Tường Tiến trân trọng kính mời Đồng chí dự cuộc họp" in text
        assert f"Thời gian: {clock.moment_text(starts)}." in text
        assert f"Địa điểm: {meeting['place']}." in text
        for n, title in enumerate(agenda, start=1):
            assert f"{n}. {title}" in text
        assert f"{PUBLIC}/m/{mid}" in text
        assert f"Time: {clock.moment_text(starts, 'en')} (Vietnam time)." in text

        part = letter.ics_part
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "cuoc-hop.ics"
        cal = letter.calendar
        event = letter.event
        assert str(cal["method"]) == "REQUEST"
        assert int(event["sequence"]) == 0
        assert str(event["summary"]) == meeting["title"]
        assert str(event["location"]) == meeting["place"]
        start = event.decoded("dtstart")
        assert event["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
        assert start.utcoffset() == timedelta(hours=7)
        assert start == starts
        assert (start.hour, start.minute) == (starts.hour, starts.minute)
        assert event.decoded("dtend") > start
        assert str(event["organizer"]).lower() == f"mailto:{SENDER}"
        attendee = event["attendee"]
        assert str(attendee).lower() == f"mailto:{address}"
        assert attendee.params["RSVP"] == "FALSE"
        uids.add(str(event["uid"]))
        assert deliveries(sec, mid)[username]["delivery"] in ("sent", "sending")
    assert len(uids) == 1  # one meeting, one UID for everyone
    uid = uids.pop()
    wait_until(lambda: all(deliveries(sec, mid)[u]["delivery"] == "sent" for u in ADDRESSES))
    # The guest is an optional participant, the chair the chair.
    assert letters[ADDRESSES["khachmoi"]].event["attendee"].params["ROLE"] == "OPT-PARTICIPANT"
    assert letters[ADDRESSES["chutich"]].event["attendee"].params["ROLE"] == "CHAIR"

    # Sending again sends nothing to those who already have the meeting as it is.
    r = sec.post(f"/api/meetings/{mid}/invitations/send", json={})
    assert r.json()["queued"] == 0

    # A member answers before the change: their next calendar version says so.
    member = login("uyvien2")
    r = member.put(f"/api/meetings/{mid}/reply", json={"reply": "absent", "reason": "Đi công tác"})
    assert r.status_code == 200, r.text

    # A change of time: everyone invited gets an update, same UID, SEQUENCE 1.
    new_start = (starts + timedelta(days=1)).replace(hour=15, minute=30)
    r = sec.patch(f"/api/meetings/{mid}", json={"starts_at": new_start.isoformat()})
    assert r.status_code == 200, r.text
    updates = by_recipient(mailbox.wait_for(2 * len(ADDRESSES))[len(ADDRESSES):])
    assert set(updates) == set(ADDRESSES.values())
    for letter in updates.values():
        event = letter.event
        assert str(letter.calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == uid
        assert int(event["sequence"]) == 1
        assert event.decoded("dtstart") == new_start
        assert (event.decoded("dtstart").hour, event.decoded("dtstart").minute) == (15, 30)
        assert letter.message["Subject"].startswith("Thông báo thay đổi thời gian, địa điểm họp")
        assert f"Thời gian: {clock.moment_text(new_start)}." in letter.text
    assert updates[ADDRESSES["uyvien2"]].event["attendee"].params["PARTSTAT"] == "DECLINED"
    assert updates[ADDRESSES["uyvien1"]].event["attendee"].params["PARTSTAT"] == "NEEDS-ACTION"
    # A change of the title alone sends nothing.
    r = sec.patch(f"/api/meetings/{mid}", json={"title": meeting["title"] + " (bổ sung)"})
    assert r.status_code == 200, r.text
    # A change of the place alone: an update, SEQUENCE 2, the new place in the letter and the
    # calendar entry, the time unchanged.
    new_place = "Phòng họp số 2, tầng 3, trụ sở UBND xã"
    r = sec.patch(f"/api/meetings/{mid}", json={"place": new_place})
    assert r.status_code == 200, r.text
    moved = by_recipient(mailbox.wait_for(3 * len(ADDRESSES))[2 * len(ADDRESSES):])
    assert set(moved) == set(ADDRESSES.values())
    for letter in moved.values():
        assert str(letter.calendar["method"]) == "REQUEST"
        assert str(letter.event["uid"]) == uid and int(letter.event["sequence"]) == 2
        assert str(letter.event["location"]) == new_place
        assert letter.event.decoded("dtstart") == new_start
        assert f"Địa điểm: {new_place}." in letter.text

    # The cancellation: METHOD:CANCEL, SEQUENCE 3, the reason in the letter.
    reason = "Trùng lịch họp của Đảng ủy xã"
    error_of(sec.post(f"/api/meetings/{mid}/cancel", json={}), 422, "reason_required")
    r = sec.post(f"/api/meetings/{mid}/cancel", json={"reason": reason})
    assert r.status_code == 200, r.text
    assert r.json()["meeting"]["status"] == "cancelled"
    cancels = by_recipient(mailbox.wait_for(4 * len(ADDRESSES))[3 * len(ADDRESSES):])
    assert set(cancels) == set(ADDRESSES.values())
    for letter in cancels.values():
        assert letter.ics_part.get_param("method") == "CANCEL"
        assert str(letter.calendar["method"]) == "CANCEL"
        assert str(letter.event["uid"]) == uid
        assert int(letter.event["sequence"]) == 3
        assert str(letter.event["status"]) == "CANCELLED"
        assert letter.message["Subject"].startswith("Thông báo hủy cuộc họp")
        assert f"Lý do: {reason}." in letter.text
    assert len(mailbox.received) == 4 * len(ADDRESSES)  # nothing for the title change
    wait_until(lambda: all(p["delivery"] == "sent" and p["letter"] == "cancel"
                           for u, p in deliveries(sec, mid).items() if u in ADDRESSES))

    # Cancelled: kept, viewable, read-only.
    assert snapshot(member, mid)["meeting"]["cancel_reason"] == reason
    error_of(sec.patch(f"/api/meetings/{mid}", json={"place": "Hội trường"}), 409,
             "meeting_cancelled")
    error_of(sec.post(f"/api/meetings/{mid}/start"), 409, "meeting_cancelled")
    error_of(sec.post(f"/api/meetings/{mid}/items", json={"title": "Thêm"}), 409,
             "meeting_cancelled")
    error_of(sec.post(f"/api/meetings/{mid}/cancel", json={"reason": reason}), 409,
             "meeting_cancelled")
    error_of(member.put(f"/api/meetings/{mid}/reply", json={"reply": "attending"}), 409,
             "meeting_cancelled")
    assert ids  # every address went to a participant of the meeting


def test_only_the_secretary_sends_and_addresses_are_checked(
        login: Callable[[str], TestClient], demo: Demo, mailbox: Mailbox) -> None:
    sec, member = login("thuky"), login("uyvien1")
    mid = demo.meeting_id
    ids = people_of(sec, mid)
    error_of(member.get(f"/api/meetings/{mid}/invitations"), 403, "forbidden")
    error_of(member.post(f"/api/meetings/{mid}/invitations/send", json={}), 403, "forbidden")
    error_of(member.put(f"/api/meetings/{mid}/invitations/{ids['uyvien1']}",
                        json={"email": "x@y.vn"}), 403, "forbidden")
    error_of(sec.put(f"/api/meetings/{mid}/invitations/{ids['uyvien1']}",
                     json={"email": "không phải địa chỉ"}), 422, "bad_email")
    error_of(login("luutru").get(f"/api/meetings/{mid}/invitations"), 404, "not_found")
    assert mailbox.received == []


# aiosmtpd only counts STARTTLS as TLS for AUTH, and warns when AUTH is allowed over its
# implicit TLS (which is encrypted from the first byte: the test checks the letter was).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_starttls_and_implicit_tls_with_a_login(
        mode: str, settings: Settings, demo: Demo, tmp_path: Path, smtp_port: int,
        mail_settings: Settings) -> None:
    certificates = make_certificates(tmp_path / "certs")
    box = Mailbox(smtp_port, tls=mode, certificates=certificates,
                  login=("giaymoi", "mat-khau-thu")).start()
    try:
        configured = replace(mail_settings, smtp_tls=mode, smtp_username="giaymoi",
                             smtp_password="mat-khau-thu",
                             smtp_ca_file=str(certificates.ca_file))
        with TestClient(create_app(configured)) as sec:
            sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
            ids = people_of(sec, demo.meeting_id)
            sec.put(f"/api/meetings/{demo.meeting_id}/invitations/{ids['uyvien1']}",
                    json={"email": ADDRESSES["uyvien1"]})
            r = sec.post(f"/api/meetings/{demo.meeting_id}/invitations/send", json={})
            assert r.status_code == 202, r.text
            [letter] = box.wait_for(1)
            assert letter.tls, "the letter travelled unencrypted"
            assert letter.login == "giaymoi"
            assert letter.rcpt_tos == [ADDRESSES["uyvien1"]]
            wait_until(lambda: deliveries(sec, demo.meeting_id)["uyvien1"]["delivery"] == "sent")

        # A certificate the app does not trust is a failure it reports, not a letter sent.
        untrusting = replace(configured, smtp_ca_file="")
        with TestClient(create_app(untrusting)) as sec:
            sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
            r = sec.post(f"/api/meetings/{demo.meeting_id}/invitations/send",
                         json={"user_ids": [ids["uyvien1"]]})
            assert r.status_code == 202, r.text
            failed = wait_until(lambda: (p := deliveries(sec, demo.meeting_id)["uyvien1"])
                                ["delivery"] == "failed" and p)
            assert failed["error"] == "tls"
            assert len(box.received) == 1
    finally:
        box.stop()


def test_a_mail_server_that_is_down_is_reported_and_the_app_keeps_serving(
        login: Callable[[str], TestClient], demo: Demo, smtp_port: int) -> None:
    """A server that accepts the connection and never answers: the mailer waits in its thread
    (PHONGHOP_SMTP_TIMEOUT) while the app answers reads and commits writes."""
    sec, member = login("thuky"), login("uyvien1")
    mid = demo.meeting_id
    silent = socket.socket()
    silent.bind(("127.0.0.1", smtp_port))
    silent.listen(16)
    try:
        ids = give_addresses(sec, mid)
        r = sec.post(f"/api/meetings/{mid}/invitations/send", json={})
        assert r.status_code == 202, r.text
        wait_until(lambda: deliveries(sec, mid)["uyvien1"]["delivery"] == "sending")
        # While the mailer waits on the mail server: reads, a write, the health check.
        assert sec.get("/healthz").status_code == 200
        assert snapshot(member, mid)["meeting"]["status"] == "draft"
        r = member.put(f"/api/meetings/{mid}/reply", json={"reply": "remote"})
        assert r.status_code == 200, r.text
        assert deliveries(sec, mid)["uyvien1"]["delivery"] == "sending"
        failed = wait_until(lambda: all(deliveries(sec, mid)[u]["delivery"] == "failed"
                                        for u in ADDRESSES) and deliveries(sec, mid))
    finally:
        silent.close()
    for username in ADDRESSES:
        assert failed[username]["error"] == "connect", failed[username]
        assert failed[username]["error_detail"]
    assert failed["uyvien1"]["reply"] == "remote"

    # Nothing listens at all: refused at once, reported the same way.
    r = sec.post(f"/api/meetings/{mid}/invitations/send", json={"user_ids": [ids["uyvien1"]]})
    assert r.status_code == 202
    wait_until(lambda: deliveries(sec, mid)["uyvien1"]["delivery"] == "failed")

    # The mail server is back: the secretary sends again to those it failed.
    box = Mailbox(smtp_port).start()
    try:
        failed_ids = [ids[u] for u in ADDRESSES]
        r = sec.post(f"/api/meetings/{mid}/invitations/send", json={"user_ids": failed_ids})
        assert r.json()["queued"] == len(ADDRESSES)
        letters = box.wait_for(len(ADDRESSES))
        assert {x.rcpt_tos[0] for x in letters} == set(ADDRESSES.values())
        assert all(int(x.event["sequence"]) == 0 for x in letters)
        wait_until(lambda: all(deliveries(sec, mid)[u]["delivery"] == "sent"
                               and deliveries(sec, mid)[u]["error"] is None for u in ADDRESSES))
    finally:
        box.stop()


def test_no_mail_server_configured(settings: Settings, demo: Demo) -> None:
    with TestClient(create_app(settings)) as sec:
        sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
        view = sec.get(f"/api/meetings/{demo.meeting_id}/invitations").json()
        assert view["mail_configured"] is False
        error_of(sec.post(f"/api/meetings/{demo.meeting_id}/invitations/send", json={}), 409,
                 "mail_not_configured")


def test_someone_taken_off_the_meeting_gets_the_cancellation(
        login: Callable[[str], TestClient], demo: Demo, mailbox: Mailbox) -> None:
    sec = login("thuky")
    mid = demo.meeting_id
    ids = people_of(sec, mid)
    for username in ("uyvien1", "uyvien2"):
        sec.put(f"/api/meetings/{mid}/invitations/{ids[username]}",
                json={"email": ADDRESSES[username]})
    assert sec.post(f"/api/meetings/{mid}/invitations/send", json={}).json()["queued"] == 2
    mailbox.wait_for(2)

    assert sec.delete(f"/api/meetings/{mid}/participants/{ids['uyvien1']}").status_code == 200
    [cancel] = mailbox.wait_for(3)[2:]
    assert cancel.rcpt_tos == [ADDRESSES["uyvien1"]]
    assert str(cancel.calendar["method"]) == "CANCEL"
    assert int(cancel.event["sequence"]) == 1

    # A later change reaches those still invited, not the one taken off.
    starts = datetime.fromisoformat(snapshot(sec, mid)["meeting"]["starts_at"])
    sec.patch(f"/api/meetings/{mid}", json={"starts_at": (starts + timedelta(hours=1))
                                            .isoformat()})
    [update] = mailbox.wait_for(4)[3:]
    assert update.rcpt_tos == [ADDRESSES["uyvien2"]]
    assert int(update.event["sequence"]) == 2

    # Invited again: the meeting as it is now, as a request.
    sec.post(f"/api/meetings/{mid}/participants", json={"user_id": ids["uyvien1"],
                                                        "role": "member"})
    assert sec.post(f"/api/meetings/{mid}/invitations/send", json={}).json()["queued"] == 1
    [again] = mailbox.wait_for(5)[4:]
    assert again.rcpt_tos == [ADDRESSES["uyvien1"]]
    assert str(again.calendar["method"]) == "REQUEST"
    assert int(again.event["sequence"]) == 2
    time.sleep(0.5)
    assert len(mailbox.received) == 5


def test_a_letter_left_by_a_mailer_that_died_is_sent_again(settings: Settings,
                                                           demo: Demo) -> None:
    """Claimed ("sending") more than ten minutes ago: claimed again. Claimed just now by a
    live mailer (another process): left alone, so it is not sent twice."""
    from meetings.db import Database
    from meetings.invitations import outbox
    from meetings.models import Invitation, User, utcnow

    db = Database(settings.db_url)
    try:
        with db.write() as s:
            users = {u.username: u.id for u in s.exec(select(User)).all()}
            for name, claimed in (("uyvien1", utcnow() - timedelta(minutes=11)),
                                  ("uyvien2", utcnow() - timedelta(minutes=1))):
                s.add(Invitation(meeting_id=demo.meeting_id, user_id=users[name],
                                 email=ADDRESSES[name], delivery="sending", letter="invitation",
                                 claimed_at=claimed))
        with db.write() as s:
            claimed_ids = outbox.claim(s)
        with db.write() as s:
            again = outbox.claim(s)
        with db.read() as s:
            rows = {r.user_id: r for r in s.exec(select(Invitation)).all()}
    finally:
        db.dispose()
    assert {r.user_id for r in rows.values() if r.id in claimed_ids} == {users["uyvien1"]}
    assert again == []  # now claimed afresh: nobody takes it from the mailer that has it
    assert rows[users["uyvien1"]].attempts == 1 and rows[users["uyvien2"]].attempts == 0


def test_addresses_come_from_the_users_until_the_secretary_types_another(
        login: Callable[[str], TestClient], demo: Demo, mailbox: Mailbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`email_of` is where users' own addresses come in (the administrators' screens add
    them): stand in for it here."""
    from meetings.invitations import outbox

    monkeypatch.setattr(outbox, "email_of", lambda user: f"{user.username}@tuongtien.gov.vn")
    sec = login("thuky")
    mid = demo.meeting_id
    ids = people_of(sec, mid)
    view = deliveries(sec, mid)
    assert view["uyvien1"]["email"] == "uyvien1@tuongtien.gov.vn"
    sec.put(f"/api/meetings/{mid}/invitations/{ids['uyvien1']}", json={"email": "tuan@nha.vn"})
    assert sec.post(f"/api/meetings/{mid}/invitations/send", json={}).json()["queued"] == len(ids)
    received = {x.rcpt_tos[0] for x in mailbox.wait_for(len(ids))}
    assert "tuan@nha.vn" in received and "uyvien1@tuongtien.gov.vn" not in received
    assert "uyvien2@tuongtien.gov.vn" in received
