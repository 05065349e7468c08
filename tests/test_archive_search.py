"""The archive's full-text search through HTTP, on SQLite FTS5 and on PostgreSQL (the conftest
runs this file on PostgreSQL when PHONGHOP_TEST_DATABASE_URL is set): Vietnamese with or
without diacritics, any word order, ranked, snippets with the original words marked, the page
of each hit, every filter, and access (an archivist of another body finds nothing; a
confidential meeting's documents are not shown to those who may not read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pymupdf
import pytest
from sqlmodel import select

from meetings.accounts import actor_of, create_user
from meetings.agenda import add_item
from meetings.archive_search import backfill, engine_for
from meetings.clock import VIETNAM
from meetings.db import Database
from meetings.demo.seed import DEMO_PASSWORD, make_signing_key
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import read_trusted
from meetings.documents.library import replace_document, set_policy
from meetings.live.attendance import set_attendance
from meetings.live.running import end_meeting, start_meeting
from meetings.minutes.drafting import KeyStore, edit_minutes, seal
from meetings.minutes.fonts import serif_font
from meetings.models import (
    ArchiveEntry,
    ArchiveMeeting,
    Body,
    BodyMember,
    GlobalRole,
)
from meetings.passwords import Passwords
from meetings.preparation import accept_document, add_participant, create_meeting
from meetings.votes.voting import close_vote, open_vote
from phonghop.settings import Settings
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed


def pdf_of(pages: list[str]) -> bytes:
    """A PDF with one paragraph of Vietnamese text per page."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="serif", fontfile=str(serif_font()))
        page.insert_textbox(pymupdf.Rect(72, 72, 523, 770), text, fontname="serif", fontsize=13)
    data: bytes = doc.tobytes()
    return data


@dataclass(frozen=True)
class World:
    council_meeting: int
    council_body: int


# Meeting 2, of a second body (the commune's People's Council), sealed in the domain: a
# confidential meeting whose document has two versions and a rare word on its third page, and
# a vote that failed (no ballots).
def seal_council_meeting(settings: Settings) -> World:
    db = Database(settings.db_url)
    blobs = BlobStore(settings.data_dir / "blobs")
    passwords = Passwords(fast=True)
    try:
        with db.write() as s:
            body = Body(name="HĐND xã Tường Tiến", parent_name="HĐND tỉnh Hưng Yên", code="HĐND",
                        place_name="Tường Tiến", signer_title="Chủ tịch HĐND xã")
            s.add(body)
            s.flush()
            assert body.id is not None
            make_signing_key(settings.data_dir / "keys", body)
            people = {}
            for username, name, role in (("thuky2", "Phan Thị Bích", None),
                                         ("chutich2", "Lý Văn Sơn", None),
                                         ("daibieu2", "Mạc Thị Quyên", None),
                                         ("luutru2", "Tạ Thị Lưu", GlobalRole.ARCHIVIST.value)):
                user = create_user(s, passwords, username=username, full_name=name,
                                   password=DEMO_PASSWORD, global_role=role)
                people[username] = user
                s.add(BodyMember(body_id=body.id, user_id=user.id or 0,
                                 voting=username in ("chutich2", "daibieu2"),
                                 can_prepare=username == "thuky2"))
            s.flush()
            sec = actor_of(people["thuky2"])
            meeting = create_meeting(
                s, sec, body_id=body.id, title="Kỳ họp chuyên đề về thủy lợi",
                starts_at=datetime.combine(datetime(2026, 3, 15).date(), time(8, 0),
                                           tzinfo=VIETNAM),
                place="Hội trường HĐND xã")
            mid = meeting.id or 0
            add_participant(s, sec, mid, user_id=people["chutich2"].id or 0, role="chair")
            add_participant(s, sec, mid, user_id=people["daibieu2"].id or 0, role="member")
            item, _ = add_item(s, sec, mid, title="Tờ trình về công tác đê điều",
                               presenter="Lý Văn Sơn")
            document, _ = accept_document(
                s, blobs, sec, mid, item.id or 0, filename="to-trinh.pdf",
                title="Tờ trình kiểm tra đê điều",
                ingested=read_trusted(pdf_of([
                    "Phương án cũ về gia cố mái đê, dự thảo lần thứ nhất.",
                    "Kinh phí dự kiến cho năm 2026.",
                    "Phương án cũ không còn phù hợp."])))
            replace_document(s, blobs, sec, document.id or 0, filename="to-trinh-2.pdf",
                             ingested=read_trusted(pdf_of([
                                 "Tờ trình về kiểm tra hệ thống đê điều năm 2026.",
                                 "Kinh phí dự kiến cho năm 2026.",
                                 "Kè đá hộc đoạn xung yếu dài 1,2 km; đê điều được gia cố."])))
            set_policy(s, sec, mid, confidential=True, downloads=False)
            start_meeting(s, sec, mid)
            for username in ("chutich2", "daibieu2"):  # the quorum, recorded
                set_attendance(s, sec, mid, people[username].id or 0, "present")
            vote, _ = open_vote(s, sec, mid, question="Thông qua tờ trình đê điều",
                                item_id=item.id)
            close_vote(s, sec, vote.id or 0)
            end_meeting(s, sec, mid)
            edit_minutes(s, sec, mid, general_conclusion="Giao Ủy ban kiểm tra trạm bơm Đồng Xá.",
                         item_conclusions={item.id or 0: "Chưa thông qua; bổ sung khảo sát."})
            seal(s, blobs, KeyStore(settings.data_dir / "keys"), sec, mid)
            return World(mid, body.id)
    finally:
        db.dispose()


def find(client: Any, **params: str) -> list[dict[str, Any]]:
    r = client.get("/api/archive", params=params)
    assert r.status_code == 200, r.text
    meetings: list[dict[str, Any]] = r.json()["meetings"]
    return meetings


def ids(found: list[dict[str, Any]]) -> list[int]:
    return [m["id"] for m in found]


def marked(hit: dict[str, Any]) -> list[str]:
    return [s["text"] for s in hit["snippet"] if s["hit"]]


@pytest.fixture
def world(login, settings) -> World:  # type: ignore[no-untyped-def]
    run_meeting_to_sealed(login)
    return seal_council_meeting(settings)


def test_words_with_or_without_diacritics_in_any_order(login, world: World) -> None:
    admin = login("admin")
    for query in ("đê điều", "de dieu", "DIEU DE", "Đê   Điều!"):
        (meeting,) = find(admin, q=query)
        assert meeting["id"] == world.council_meeting, query
    # the other way round: a query with diacritics finds what folds to the same words
    assert ids(find(admin, q="ngân sách")) == ids(find(admin, q="ngan sach")) == [1]
    # every word must be there, but not side by side nor in order
    assert ids(find(admin, q="sách thu ngân")) == [1]
    assert find(admin, q="ngân sách đê") == []
    # đ is folded to d both ways: "Đồng Xá" in the conclusion, "dong xa" asked
    (meeting,) = find(admin, q="tram bom dong xa")
    (hit,) = [h for h in meeting["hits"] if h["kind"] == "conclusion"]
    assert marked(hit) == ["trạm", "bơm", "Đồng", "Xá"]


def test_hits_are_ranked_with_pages_and_snippets(login, world: World) -> None:
    (meeting,) = find(login("admin"), q="phương án cũ")
    # only version 1 of the document says it, on its pages 1 and 3: the hits name them
    hits = [h for h in meeting["hits"] if h["kind"] == "document"]
    assert {(h["version"], h["page"]) for h in hits} == {(1, 1), (1, 3)}
    assert all(h["document_id"] and h["title"] == "Tờ trình kiểm tra đê điều" for h in hits)
    # the snippet is the page's own text, diacritics and all, the asked words marked
    assert [marked(h) for h in hits] == [["Phương", "án", "cũ"]] * 2
    text = "".join(s["text"] for s in hits[0]["snippet"])
    assert "Phương án cũ" in text
    # ranking: folded, "kè đá hộc" also matches "kế hoạch ... đã ... học sinh" in meeting 1;
    # the page with the words as typed comes first, the other meeting after
    first, *others = find(login("admin"), q="kè đá hộc")
    assert first["id"] == world.council_meeting and ids(others) == [1]
    hit = first["hits"][0]
    assert (hit["kind"], hit["version"], hit["page"]) == ("document", 2, 3)
    assert marked(hit) == ["Kè", "đá", "hộc"]
    # without diacritics the engine's rank decides (bm25 / ts_rank): the title's words in a
    # short passage rank above the same words in a full page
    (meeting,) = find(login("admin"), q="chuyen de thuy loi")
    assert meeting["hits"][0]["kind"] == "meeting"
    assert meeting["hits"][0]["page"] is None
    # the signed minutes are searched page by page
    (meeting,) = find(login("admin"), q="Chưa thông qua bổ sung khảo sát")
    kinds = {(h["kind"], h["page"]) for h in meeting["hits"]}
    assert ("minutes", 1) in kinds or ("minutes", 2) in kinds, kinds


def test_every_filter(login, world: World) -> None:
    admin = login("admin")
    both = {1, world.council_meeting}
    assert set(ids(find(admin))) == both
    assert ids(find(admin, body=str(world.council_body))) == [world.council_meeting]
    assert ids(find(admin, **{"from": "2026-03-15", "to": "2026-03-15"})) == [
        world.council_meeting]
    assert world.council_meeting not in ids(find(admin, **{"from": "2026-03-16"}))
    # the minutes' number, as printed ("Số: 01/BB-HĐND"), or just its number
    assert ids(find(admin, number="Số 01/BB-HĐND")) == [world.council_meeting]
    assert ids(find(admin, number="01/bb-ubnd")) == [1]
    assert set(ids(find(admin, number="1"))) == both
    assert find(admin, number="02/BB-UBND") == []
    error_of(admin.get("/api/archive", params={"number": "BB số mấy"}), 422, "bad_number")
    # signer and participant by name, with or without diacritics
    assert ids(find(admin, signer="ly van son")) == [world.council_meeting]
    assert ids(find(admin, signer="Trần Văn Đức")) == [1]
    assert ids(find(admin, participant="mạc thị quyên")) == [world.council_meeting]
    assert ids(find(admin, participant="Hoàng Minh Tuấn")) == [1]
    # vote results: meeting 1's vote passed, the council's failed
    assert ids(find(admin, vote="passed")) == [1]
    assert ids(find(admin, vote="failed")) == [world.council_meeting]
    assert find(admin, vote="none") == []
    error_of(admin.get("/api/archive", params={"vote": "maybe"}), 422, "bad_vote")
    # access level: the council's documents are confidential
    assert ids(find(admin, access="confidential")) == [world.council_meeting]
    assert ids(find(admin, access="normal")) == [1]
    error_of(admin.get("/api/archive", params={"access": "secret"}), 422, "bad_access")
    # filters combine with words
    assert find(admin, q="năm 2026", body=str(world.council_body), vote="passed") == []
    error_of(admin.get("/api/archive", params={"body": "x"}), 422, "bad_field")


def test_access_is_honoured_in_every_query(login, world: World) -> None:
    # the council's archivist sees the council's meetings only
    council = login("luutru2")
    assert ids(find(council)) == [world.council_meeting]
    assert find(council, q="ngân sách") == []
    assert find(council, q="thường kỳ") == []
    assert find(council, body="1") == []
    # nor can they open another body's meeting or its minutes
    error_of(council.get("/api/archive/1"), 404, "not_found")
    error_of(council.get("/api/meetings/1/minutes.pdf"), 404, "not_found")
    assert council.get(f"/api/archive/{world.council_meeting}").status_code == 200
    # a confidential meeting's documents are read by its participants and admins only; its
    # other passages (the minutes, the agenda, the conclusions) are still found
    assert find(council, q="kè đá hộc") == []
    (meeting,) = find(council, q="đê điều")
    assert {h["kind"] for h in meeting["hits"]} <= {"meeting", "item", "minutes", "conclusion"}
    # the province's archivist (of no body) reads every body's archive, but not that either
    assert world.council_meeting not in ids(find(login("luutru"), q="kè đá hộc"))
    assert world.council_meeting in ids(find(login("luutru"), q="đê điều"))
    first, *_ = find(login("admin"), q="kè đá hộc")
    assert first["id"] == world.council_meeting and first["hits"][0]["kind"] == "document"
    # only archivists search the archive
    error_of(login("uyvien1").get("/api/archive", params={"q": "ngân sách"}), 403, "forbidden")


def test_meetings_sealed_before_the_index_are_indexed_at_start(login, settings,
                                                                world: World) -> None:
    db = Database(settings.db_url)
    try:
        with db.write() as s:
            dropped = s.exec(select(ArchiveEntry.id)).all()
            assert dropped
            from sqlalchemy import text

            if s.get_bind().dialect.name == "sqlite":
                s.execute(text("DELETE FROM archive_fts_passages"))
                s.execute(ArchiveEntry.__table__.delete())  # type: ignore[attr-defined]
                s.execute(text("INSERT INTO archive_fts(archive_fts) VALUES ('rebuild')"))
            else:
                s.execute(text("DELETE FROM archive_fts"))
                s.execute(ArchiveEntry.__table__.delete())  # type: ignore[attr-defined]
            s.execute(ArchiveMeeting.__table__.delete())  # type: ignore[attr-defined]
        assert find(login("admin"), q="ngân sách") == []
        with db.write() as s:
            assert backfill(s, BlobStore(settings.data_dir / "blobs")) == 2
            assert engine_for(s).size(s) > 0
        assert ids(find(login("admin"), q="ngân sách")) == [1]
    finally:
        db.dispose()


def test_broad_words_rank_the_newest_passages(login, world: World, monkeypatch) -> None:
    import meetings.archive_search as archive_search

    admin = login("admin")
    everything = find(admin, q="năm 2026")
    assert admin.get("/api/archive", params={"q": "năm 2026"}).json()["broad"] is False
    monkeypatch.setattr(archive_search, "BROAD", 2)
    r = admin.get("/api/archive", params={"q": "năm 2026"}).json()
    # the newest passages (the council's, sealed last) are ranked, and the answer says so
    assert r["broad"] is True and ids(r["meetings"]) == [world.council_meeting]
    assert len(everything) == 2
    # the newest are those that pass the filters: the body filter finds meeting 1's
    assert ids(find(admin, q="năm 2026", body="1")) == [1]



def answer_a_written_opinion(login) -> int:  # type: ignore[no-untyped-def]
    """A form of meeting 1's body, answered by every voter (two with comments) and closed
    before the meeting begins: the meeting's minutes report it."""
    from tests.test_opinions import VOTERS, draft, send

    sec = login("thuky")
    opinion_id = draft(sec)  # "... sửa chữa trường mầm non Tường Tiến?"
    send(sec, opinion_id)
    comments = {
        "chutich": "Đề nghị ưu tiên thay mái tôn phòng học trước mùa mưa bão.",
        "uyvien2": "Kinh phí lớn; đề nghị lồng ghép nguồn vốn chương trình nông thôn mới.",
    }
    for username in VOTERS:
        r = login(username).post(f"/api/opinions/{opinion_id}/answers", json={
            "choice": "no" if username == "uyvien2" else "yes",
            "comment": comments.get(username, "")})
        assert r.status_code == 201, r.text
    assert sec.post(f"/api/opinions/{opinion_id}/close").status_code == 200
    return opinion_id


def test_written_opinions_are_found_with_their_author(login, settings) -> None:
    opinion_id = answer_a_written_opinion(login)
    run_meeting_to_sealed(login)
    world = seal_council_meeting(settings)
    admin = login("admin")
    # a member's comment, without diacritics, in another order: the answer, under its author
    (meeting,) = find(admin, q="nong thon moi long ghep")
    assert meeting["id"] == 1
    (hit,) = meeting["hits"]
    assert hit["kind"] == "opinion_answer" and hit["opinion_id"] == opinion_id
    assert hit["author"] == "Vũ Thị Lan"
    assert hit["title"] == "Thông qua phương án sửa chữa trường mầm non Tường Tiến?"
    assert marked(hit) == ["lồng", "ghép", "nông", "thôn", "mới"]
    assert "Không đồng ý" in "".join(s["text"] for s in hit["snippet"])
    # the author's name is searched too, and the choice as the form prints it
    (meeting,) = find(admin, q="Trần Văn Đức mái tôn")
    assert [(h["kind"], h["author"]) for h in meeting["hits"]] == [
        ("opinion_answer", "Trần Văn Đức")]
    (meeting,) = find(admin, q="vu thi lan khong dong y")
    assert meeting["hits"][0]["author"] == "Vũ Thị Lan"
    # the form itself: its question and details
    (meeting,) = find(admin, q="850 triệu mầm non")
    assert meeting["hits"][0]["kind"] == "opinion"
    assert meeting["hits"][0]["author"] is None
    # access as for the rest: another body's archivist finds nothing of it
    assert find(login("luutru2"), q="mầm non Tường Tiến") == []
    assert find(login("luutru"), q="long ghep nong thon moi")[0]["id"] == 1
    assert world.council_meeting not in ids(find(admin, q="mầm non"))


def test_a_confidential_meetings_written_answers_are_for_its_participants(
        login, settings) -> None:
    answer_a_written_opinion(login)
    r = login("thuky").put("/api/meetings/1/document-policy",
                           json={"confidential": True, "downloads": False})
    assert r.status_code == 200, r.text
    run_meeting_to_sealed(login)
    # the province's archivist (no participant) finds the form (the minutes print its
    # result) but not what the members wrote; an admin finds both
    (meeting,) = find(login("luutru"), q="mầm non Tường Tiến")
    assert {h["kind"] for h in meeting["hits"]} <= {"opinion", "minutes"}
    assert find(login("luutru"), q="lồng ghép nông thôn mới") == []
    (meeting,) = find(login("admin"), q="lồng ghép nông thôn mới")
    assert meeting["hits"][0]["author"] == "Vũ Thị Lan"


def test_written_opinions_of_meetings_sealed_before_they_were_indexed(login, settings) -> None:
    answer_a_written_opinion(login)
    run_meeting_to_sealed(login)
    db = Database(settings.db_url)
    try:
        with db.write() as s:
            from sqlalchemy import text

            if s.get_bind().dialect.name == "sqlite":  # out of the FTS5 index, then the rows
                s.execute(text("INSERT INTO archive_fts(archive_fts, rowid, folded, facets) "
                               "SELECT 'delete', id, folded, facets FROM archive_entries "
                               "WHERE opinion_id IS NOT NULL"))
            else:
                s.execute(text("DELETE FROM archive_fts WHERE id IN (SELECT id FROM "
                               "archive_entries WHERE opinion_id IS NOT NULL)"))
            if s.get_bind().dialect.name == "sqlite":
                s.execute(text("DELETE FROM archive_fts_passages WHERE id IN (SELECT id FROM "
                               "archive_entries WHERE opinion_id IS NOT NULL)"))
            s.execute(text("DELETE FROM archive_entries WHERE opinion_id IS NOT NULL"))
        assert find(login("admin"), q="lồng ghép") == []
        with db.write() as s:
            assert backfill(s, BlobStore(settings.data_dir / "blobs")) == 0
        (meeting,) = find(login("admin"), q="lồng ghép")
        assert meeting["hits"][0]["author"] == "Vũ Thị Lan"
        with db.write() as s:  # and only once
            backfill(s, BlobStore(settings.data_dir / "blobs"))
            assert len(s.exec(select(ArchiveEntry.id).where(
                ArchiveEntry.kind == "opinion_answer")).all()) == 6
    finally:
        db.dispose()
