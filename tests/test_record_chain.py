"""The meeting record's hash chain (meetings.record): every way to tamper with it is reported —
an entry deleted, moved or edited, and entries cut off the end, which only the digest printed
in the signed minutes can reveal. The tampering here is done as a careful forger would: after
changing the entries, the chain's digests are recomputed so that every link looks right."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from meetings import record
from meetings.minutes.layout import printed_record_digest
from meetings.models import RecordEntry
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def entry(seq: int, kind: str, data: dict[str, object]) -> RecordEntry:
    return RecordEntry(meeting_id=1, seq=seq, at=START + timedelta(minutes=seq), actor_id=3,
                       kind=kind, data=json.dumps(data, sort_keys=True), prev_digest="",
                       digest="")


def rechain(rows: list[RecordEntry], *, renumber: bool = True) -> list[RecordEntry]:
    """What a forger does after changing entries: number them again and recompute every
    digest with the record's own function, so each link names the one before it."""
    prev = record.GENESIS
    for seq, row in enumerate(rows, start=1):
        if renumber:
            row.seq = seq
        row.prev_digest = prev
        row.digest = record._digest(prev, row.seq, row.at.isoformat(), row.actor_id, row.kind,
                                    row.data)
        prev = row.digest
    return rows


def sealed_meeting() -> tuple[list[RecordEntry], str]:
    """Six entries, then the seal: the digest the minutes print is the sixth one's."""
    rows = rechain([entry(n, kind, {"n": n}) for n, kind in enumerate(
        ("meeting.started", "attendance", "vote.opened", "ballot", "vote.closed",
         "meeting.ended"), start=1)])
    signed = rows[-1].digest
    rows += [entry(7, record.SEALED, {"record_digest": signed, "number": 1})]
    return rechain(rows), signed


def test_a_whole_record_verifies_against_its_minutes() -> None:
    rows, signed = sealed_meeting()
    found = record.check(rows, signed)
    assert found.intact and found.problem is None and found.last_digest == rows[-1].digest
    assert record.verify_chain(rows) == rows[-1].digest


def test_an_edited_entry_is_reported_where_it_was_edited() -> None:
    rows, signed = sealed_meeting()
    rows[4].data = json.dumps({"yes": 6})
    assert (record.check(rows, signed).problem, record.check(rows, signed).seq) == ("edited", 5)
    assert record.verify_chain(rows) is None


def test_a_deleted_entry_is_reported_as_a_gap_in_the_sequence() -> None:
    rows, signed = sealed_meeting()
    del rows[3]
    found = record.check(rows, signed)
    assert (found.problem, found.seq) == ("sequence", 4)


def test_moved_entries_are_reported_as_out_of_sequence() -> None:
    rows, signed = sealed_meeting()
    rows[2], rows[3] = rows[3], rows[2]
    found = record.check(rows, signed)
    assert (found.problem, found.seq) == ("sequence", 3)


def test_an_entry_that_does_not_name_the_one_before_is_reported() -> None:
    rows, signed = sealed_meeting()
    # Entry 4 re-linked to entry 2, skipping 3, with its own digest made to match.
    rows[3].prev_digest = rows[1].digest
    rows[3].digest = record._digest(rows[1].digest, 4, rows[3].at.isoformat(), 3, rows[3].kind,
                                    rows[3].data)
    found = record.check(rows, signed)
    assert (found.problem, found.seq) == ("link", 4)


@pytest.mark.parametrize("forgery", ["delete", "reorder", "edit"])
def test_a_rechained_forgery_does_not_reach_the_signed_digest(forgery: str) -> None:
    """The links all look right after a forger recomputes them; only the digest signed in the
    minutes, which covers every previous digest, still tells."""
    rows, signed = sealed_meeting()
    body = rows[:-1]
    if forgery == "delete":
        del body[2]
    elif forgery == "reorder":
        # Swapped contents under the same numbers and times: only the chaining of each
        # digest to the one before makes the last digest change.
        for field in ("kind", "data"):
            a, b = getattr(body[2], field), getattr(body[3], field)
            setattr(body[2], field, b)
            setattr(body[3], field, a)
    else:
        body[4].data = json.dumps({"n": 5, "yes": 6})
    rechain(body)
    forged = rechain(body + [entry(0, record.SEALED, {"record_digest": body[-1].digest})])
    assert record.verify_chain(forged) is not None  # each link is consistent
    found = record.check(forged, signed)
    assert not found.intact and found.problem == "unsigned"


def test_entries_cut_off_the_end_are_reported() -> None:
    rows, signed = sealed_meeting()
    for keep in (6, 5, 2):
        found = record.check(rows[:keep], signed)
        assert (found.problem, found.seq) == ("truncated", keep + 1), keep
        assert record.verify_chain(rows[:keep]) is not None  # what remains is a whole chain


def test_entries_written_after_the_seal_are_reported() -> None:
    rows, signed = sealed_meeting()
    rows = rechain(rows + [entry(8, "vote.closed", {"yes": 6})])
    assert record.check(rows, signed).problem == "unsigned"


def test_the_archive_checks_the_record_against_the_digest_signed_in_the_minutes(
    login, settings
) -> None:
    from sqlalchemy import text

    from meetings.db import Database

    _sec, pdf = run_meeting_to_sealed(login)
    printed = printed_record_digest(pdf)
    assert printed is not None and len(printed) == 64
    footer = "".join(p.get_text() for p in pymupdf.open(stream=pdf))
    assert f"Mã kiểm tra nhật ký diễn biến cuộc họp: {printed}" in footer
    archivist = login("luutru")
    detail = archivist.get("/api/archive/1").json()
    assert detail["record_intact"] is True and detail["record_problem"] is None
    assert detail["record_digest_printed"] == printed == detail["minutes"]["record_digest"]
    database = Database(settings.db_url)
    with database.write() as session:
        top = int(session.execute(text(
            "SELECT max(seq) FROM record_entries WHERE meeting_id = 1")).scalar_one())
        # Cut off the seal and the entry the minutes vouch for.
        session.execute(text("DELETE FROM record_entries WHERE meeting_id = 1 AND seq >= :s"),
                        {"s": top - 1})
    detail = archivist.get("/api/archive/1").json()
    assert detail["record_intact"] is False
    assert detail["record_problem"] == {"problem": "truncated", "seq": top - 1}
    with database.write() as session:
        # A careful forger then seals what is left again, with the record's own code, and
        # makes the stored copy of the digest agree: only the signed PDF still knows.
        kept = record.entries(session, 1)[-1].digest
        record.append(session, 1, record.SEALED, {"record_digest": kept}, None)
        session.execute(text("UPDATE minutes SET record_digest = :d WHERE meeting_id = 1"),
                        {"d": kept})
    database.dispose()
    detail = archivist.get("/api/archive/1").json()
    assert detail["record_intact"] is False
    assert detail["record_problem"] == {"problem": "unsigned", "seq": top}
    error_of(archivist.get("/api/archive/999"), 404, "not_found")


def _signed_blob(app: Any, sha256: str) -> Path:
    path: Path = app.state.services.blobs.path(sha256)
    return path


def test_the_archive_reports_a_signature_that_no_longer_holds(login, app) -> None:  # type: ignore[no-untyped-def]
    """The archive checks the signatures when asked: a changed byte in the stored minutes is
    reported as not intact and not valid, and a signature the checker cannot even read (its
    cryptographic contents zeroed) is reported as unchecked, not answered with an error."""
    _sec, pdf = run_meeting_to_sealed(login)
    archivist = login("luutru")
    detail = archivist.get("/api/archive/1").json()
    blob = _signed_blob(app, detail["minutes"]["sha256"])
    (good,) = detail["signatures"]
    assert good["intact"] and good["valid"] and good["trusted"]
    # one byte of the page content changed, inside the signed range
    marker = pdf.index(b"stream", 2000) + 20
    tampered = bytearray(pdf)
    tampered[marker] = (tampered[marker] + 1) % 256
    blob.write_bytes(bytes(tampered))
    (bad,) = archivist.get("/api/archive/1").json()["signatures"]
    assert (bad["intact"], bad["valid"], bad["trusted"]) == (False, False, False), bad
    # fifty bytes in the middle of the signature's own data zeroed: the file still opens and
    # lists its signature, and the checker raises on it
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    blob.write_bytes(pdf[:start + 200] + b"00" * 50 + pdf[start + 300:])
    r = archivist.get("/api/archive/1")
    assert r.status_code == 200, r.text
    (unread,) = r.json()["signatures"]
    # Where those bytes fall in the signature's data (a certificate, the signed attributes)
    # moves with its length: the checker raises, or it reads a certificate that no longer
    # chains. Either way the signature is never reported as vouching for the file.
    assert not (unread["valid"] and unread["trusted"]), unread
    assert "could not be checked" in unread["summary"] or not unread["trusted"]
    # the signer's certificate inside the signature made unreadable (its first tag changed):
    # the file opens and lists its signature, and the checker raises on reading it; the
    # archive reports it as unchecked, never as an error
    blob.write_bytes(_certificate_broken(pdf))
    r = archivist.get("/api/archive/1")
    assert r.status_code == 200, r.text
    (raised,) = r.json()["signatures"]
    assert (raised["valid"], raised["trusted"]) == (False, False), raised
    assert "could not be checked" in raised["summary"], raised
    # the start of the signature's data broken: the file's signatures cannot even be listed
    blob.write_bytes(pdf[:start] + b"300000" + pdf[start + 6:])
    r = archivist.get("/api/archive/1")
    assert r.status_code == 200, r.text
    (unlisted,) = r.json()["signatures"]
    assert (unlisted["valid"], unlisted["trusted"]) == (False, False)
    assert "could not be checked" in unlisted["summary"]


def _certificate_broken(pdf: bytes) -> bytes:
    """The signed PDF with the first certificate in its signature's CMS given a wrong tag
    (a SEQUENCE made a NULL): same length, the signature still listed, its certificate
    unreadable."""
    from asn1crypto import cms

    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    der = bytes.fromhex(pdf[start:end].decode())
    signed = cms.ContentInfo.load(der.rstrip(b"\0"))["content"]
    certificate = signed["certificates"][0].chosen.dump()
    at = der.index(certificate)
    broken = der[:at] + b"\x05" + der[at + 1:]
    return pdf[:start] + broken.hex().encode() + pdf[end:]
