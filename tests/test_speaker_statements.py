"""What each speaker said (issue 14 §5): the secretary records a statement on a turn that has
started, during the meeting or after it until the minutes are signed; the staff's view of the
list carries it, the record keeps it, and the minutes print it under the turn's item ("Ý kiến
phát biểu"). Every refusal: too long, a turn not taken, a member, the chair, an outsider, a
signed meeting."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pymupdf
import pytest
from sqlmodel import select

from meetings.db import Database
from meetings.models import RecordEntry
from tests.conftest import LiveServer
from tests.helpers import error_of, snapshot, start

ITEM_1 = "Báo cáo tình hình kinh tế - xã hội năm 2026"
ITEM_2 = "Kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030"
SAID = ("Đề nghị bổ sung kinh phí sửa chữa đường liên thôn; đặc biệt ưu tiên những tuyến "
        "qua khu dân cư, hoàn thành trước mùa mưa lũ")
SAID_TOO = "Thống nhất với báo cáo.\nĐề nghị làm rõ nguồn vốn đối ứng của xã."


def ask(client) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/meetings/1/speakers", json={"kind": "speech"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def speak(sec, member) -> int:  # type: ignore[no-untyped-def]
    """The member asks, the secretary gives the floor and ends the turn."""
    rid = ask(member)
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    assert sec.post(f"/api/speakers/{rid}/end").status_code == 200
    return rid


def put(client, rid: int, text: object):  # type: ignore[no-untyped-def]
    return client.put(f"/api/speakers/{rid}/statement", json={"statement": text})


def items_by_title(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {i["title"]: i["id"] for i in snapshot(client, 1)["items"]}


def record_of(settings, kind: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    db = Database(settings.db_url)
    try:
        with db.read() as s:
            rows = s.exec(select(RecordEntry).where(RecordEntry.meeting_id == 1,
                                                    RecordEntry.kind == kind)
                          .order_by(RecordEntry.seq)).all()
            return [json.loads(r.data) for r in rows]
    finally:
        db.dispose()


def test_the_secretary_records_what_was_said_and_the_staff_see_it(login, settings) -> None:  # type: ignore[no-untyped-def]
    sec, chair, member = login("thuky"), login("chutich"), login("uyvien1")
    start(sec, 1)
    items = items_by_title(sec)
    rid = ask(member)
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    # while the member speaks, typed with a stray tab, Windows line ends and blank edges
    r = put(sec, rid, "  " + SAID_TOO.replace("\n", "\r\n").replace("Đề", "\tĐề") + "\n ")
    assert r.status_code == 200, r.text
    assert r.json() == {"id": rid, "statement": SAID_TOO}
    # the same text typed in decomposed letters is stored precomposed
    import unicodedata

    r = put(sec, rid, unicodedata.normalize("NFD", SAID))
    assert r.json()["statement"] == SAID
    # the staff's list (and their snapshot) carry the current item's turns with it
    for client in (sec, chair):
        for view in (client.get("/api/meetings/1/speakers").json(),
                     snapshot(client, 1)["speakers"]):
            assert view["turns_item_id"] == items[ITEM_1]
            [turn] = view["turns"]
            assert (turn["id"], turn["full_name"], turn["status"], turn["statement"]) == (
                rid, "Hoàng Minh Tuấn", "speaking", SAID)
    # the room does not: a member's view has no turns
    for view in (member.get("/api/meetings/1/speakers").json(), snapshot(member, 1)["speakers"]):
        assert "turns" not in view and "statement" not in json.dumps(view)
    assert sec.post(f"/api/speakers/{rid}/end").status_code == 200
    # after the meeting ends, until the minutes are signed: changed, then cleared
    assert sec.post("/api/meetings/1/end").status_code == 200
    assert put(sec, rid, "Nhất trí.").json()["statement"] == "Nhất trí."
    assert put(sec, rid, "   ").json()["statement"] == ""
    view = sec.get("/api/meetings/1/speakers").json()
    assert view["turns"][0]["statement"] == "" and view["turns"][0]["status"] == "done"
    assert put(sec, rid, SAID).status_code == 200
    # the same text again changes nothing and records nothing
    assert put(sec, rid, SAID).status_code == 200
    # the record keeps each statement, who typed it and on which item
    recorded = record_of(settings, "speaker.statement")
    assert [e["statement"] for e in recorded] == [
        SAID_TOO, SAID, "Nhất trí.", "", SAID]
    assert {(e["request_id"], e["item_id"]) for e in recorded} == {(rid, items[ITEM_1])}
    # the minutes draft lists the item's turns with the statement
    minutes = sec.get("/api/meetings/1/minutes").json()
    by_item = {i["id"]: i["turns"] for i in minutes["items"]}
    assert [(t["id"], t["full_name"], t["statement"]) for t in by_item[items[ITEM_1]]] == [
        (rid, "Hoàng Minh Tuấn", SAID)]
    assert by_item[items[ITEM_2]] == []


def test_refusals(login) -> None:  # type: ignore[no-untyped-def]
    sec, chair, member = login("thuky"), login("chutich"), login("uyvien1")
    start(sec, 1)
    waiting = ask(member)
    spoken = speak(sec, login("uyvien2"))
    # a turn not taken has nothing to record: waiting, then withdrawn
    error_of(put(sec, waiting, SAID), 409, "turn_not_started")
    assert member.delete(f"/api/speakers/{waiting}").status_code == 200
    body = error_of(put(sec, waiting, SAID), 409, "turn_not_started")
    assert "đang chờ hoặc đã rút" in body["message_vi"]
    # too long, or not text
    body = error_of(put(sec, spoken, "ý" * 4001), 422, "statement_too_long")
    assert "4001" in body["message_vi"] and "4000" in body["message_en"]
    assert put(sec, spoken, "ý" * 4000).status_code == 200
    error_of(put(sec, spoken, 42), 422, "bad_field")
    error_of(sec.put(f"/api/speakers/{spoken}/statement", json={}), 422, "bad_field")
    # only the secretary records: the chair, a member (the speaker too), a guest, an admin
    for client in (chair, member, login("uyvien2"), login("khachmoi"), login("admin")):
        error_of(put(client, spoken, SAID), 403, "forbidden")
    # an outsider, and a turn that does not exist: the same 404
    outsider = error_of(put(login("luutru"), spoken, SAID), 404, "not_found")
    assert error_of(put(sec, 999_999, SAID), 404, "not_found") == outsider
    error_of(login(None).put(f"/api/speakers/{spoken}/statement", json={"statement": "x"}), 401)
    assert sec.get("/api/meetings/1/speakers").json()["turns"][0]["statement"] == "ý" * 4000


def test_signed_minutes_refuse_a_statement(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    rid = speak(sec, login("uyvien1"))
    assert put(sec, rid, SAID).status_code == 200
    assert sec.post("/api/meetings/1/end").status_code == 200
    assert sec.post("/api/meetings/1/minutes/seal").status_code == 200
    body = error_of(put(sec, rid, "Sửa sau khi ký."), 409, "meeting_sealed")
    assert "niêm phong" not in body["message_vi"]
    assert put(sec, rid, "").status_code == 409
    minutes = sec.get("/api/meetings/1/minutes").json()
    assert minutes["items"][0]["turns"][0]["statement"] == SAID


def test_the_minutes_print_what_was_said_under_its_item(
    login, tmp_path: Path, artifacts: Path | None
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import require_tool

    sec = login("thuky")
    tuan, nhung, lan = login("uyvien1"), login("phochutich1"), login("uyvien2")
    start(sec, 1)
    items = items_by_title(sec)
    # item 1: Tuấn twice (the second turn with nothing recorded), Nhung with nothing, Lan
    first = speak(sec, tuan)
    speak(sec, nhung)
    speak(sec, tuan)
    last = speak(sec, lan)
    # item 2: two speakers, nothing recorded: the names, as before
    assert sec.post("/api/meetings/1/present", json={"item_id": items[ITEM_2]}).status_code == 200
    on_2 = [speak(sec, nhung), speak(sec, lan)]
    view = sec.get("/api/meetings/1/speakers").json()
    assert view["turns_item_id"] == items[ITEM_2]
    assert [t["id"] for t in view["turns"]] == on_2
    assert sec.post("/api/meetings/1/end").status_code == 200
    assert put(sec, first, SAID).status_code == 200
    assert put(sec, last, SAID_TOO).status_code == 200
    r = sec.get("/api/meetings/1/minutes/preview.pdf")
    assert r.status_code == 200
    with pymupdf.open(stream=r.content, filetype="pdf") as doc:
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
        lines = [line.strip() for page in doc for line in page.get_text().splitlines()]
    # under item 1, in the order of the turns: each statement after its speaker's name, a
    # person with nothing recorded by name alone (once), the typed text as typed
    start_1 = text.index(f"1. {ITEM_1}")
    start_2 = text.index(f"2. {ITEM_2}")
    expected = ["Ý kiến phát biểu:",
                f"- Hoàng Minh Tuấn: {SAID}.",
                "- Lê Thị Hồng Nhung.",
                "- Vũ Thị Lan: Thống nhất với báo cáo.",
                "Đề nghị làm rõ nguồn vốn đối ứng của xã."]
    at = [text.index(e, start_1) for e in expected]
    assert at == sorted(at) and start_1 < at[0] and at[-1] < start_2
    under_1 = text[at[0]:start_2]  # what was said on item 1
    assert under_1.count("Hoàng Minh Tuấn") == 1 and under_1.count("Lê Thị Hồng Nhung") == 1
    # each statement is a paragraph of its own: its line starts with the dash
    assert any(line.startswith("- Vũ Thị Lan: Thống nhất với báo cáo.") for line in lines)
    assert "Đề nghị làm rõ nguồn vốn đối ứng của xã." in lines
    # item 2 keeps the list of names
    assert "Ý kiến phát biểu: Lê Thị Hồng Nhung, Vũ Thị Lan." in text[start_2:]
    # the page renders (poppler), the statement's letters included
    pdftoppm = require_tool("/usr/bin/pdftoppm")
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(r.content)
    subprocess.run([pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 5000 for p in pages)
    if artifacts is not None:
        (artifacts / "minutes-statements.pdf").write_bytes(r.content)
        for p in pages:
            (artifacts / f"minutes-statements-{p.name}").write_bytes(p.read_bytes())


@pytest.mark.server
async def test_the_staff_hear_the_statements_live_and_the_room_does_not(
    live_server: LiveServer,
) -> None:
    """On a real server with WebSocket tablets: the secretary's and the chair's tablets get the
    turns with the statement on their staff channel, as it is typed; a member's tablet gets the
    queue as before and never a statement."""
    from tests.test_speakers_live import login as http_login
    from tests.test_speakers_live import tablet

    meeting = live_server.demo.meeting_id
    sec, member = await http_login(live_server, "thuky"), await http_login(live_server, "uyvien1")
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    tablets = {u: await tablet(live_server, u) for u in ("thuky", "chutich", "uyvien1")}
    rid = (await member.post(f"/api/meetings/{meeting}/speakers", json={})).json()["id"]
    assert (await sec.post(f"/api/speakers/{rid}/floor")).status_code == 200
    for username in ("thuky", "chutich"):
        event = await tablets[username].wait_for(
            "speakers.changed", lambda d: "turns" in d and len(d["turns"]) == 1)
        assert event["channel"] == f"meeting:{meeting}:staff"
        assert event["data"]["turns"][0]["status"] == "speaking"
    r = await sec.put(f"/api/speakers/{rid}/statement", json={"statement": SAID})
    assert r.status_code == 200, r.text
    for username in ("thuky", "chutich"):
        event = await tablets[username].wait_for(
            "speakers.changed", lambda d: d.get("turns") and d["turns"][0]["statement"] == SAID)
        assert event["data"]["turns"][0]["id"] == rid
    assert (await sec.post(f"/api/speakers/{rid}/end")).status_code == 200
    await tablets["uyvien1"].wait_for("speakers.changed", lambda d: d["current"] is None)
    await tablets["thuky"].wait_for(
        "speakers.changed", lambda d: d.get("turns") and d["turns"][0]["status"] == "done")
    seen = json.dumps(tablets["uyvien1"].events, ensure_ascii=False)
    assert SAID not in seen and '"turns"' not in seen
    for t in tablets.values():
        await t.close()
    for http in (sec, member):
        await http.aclose()
