"""Re-importing archival packages (issue 15 §3): a BagIt bag written by `archive_package`,
read back into a phonghop (an empty one, typically) as sealed meetings in its archive.

`read` validates the whole package before anything is written: the bag (bagit.txt, every
manifest and every checksum, Payload-Oxum, no file unlisted), then each meeting's files
against its metadata, its record chain up to the digest its signed minutes print, and every
signature of those minutes against this server's trust roots. `restore` then writes the files
to the blob store and recreates each meeting in one transaction: its body (matched by name
and code, else created), people (matched by username, else created inactive without a
password), the agenda, documents with every version and their words (searchable), the
participants and attendance, votes with their results and named ballots, the speakers, the
minutes and the record entries as they were (the chain and its digests are unchanged; actor
ids inside the record are the exporting server's). A package whose signed minutes are
already in this archive is refused (409): importing is never done twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import types
import typing
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from meetings import archive_search, record
from meetings.accounts import Actor
from meetings.admin.users import require_admin
from meetings.archive_package import STATE_FORMAT
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import Limits, extract_words
from meetings.documents.library import store_pages
from meetings.errors import DomainError, Kind, conflict
from meetings.minutes.layout import printed_record_digest
from meetings.minutes.signing import verify_pdf
from meetings.minutes.verification import sound
from meetings.models import (
    AgendaItem,
    Ballot,
    Body,
    Document,
    DocumentPolicy,
    DocumentVersion,
    Meeting,
    MeetingStatus,
    Minutes,
    Participant,
    RecordEntry,
    RecordIds,
    SpeakerRequest,
    User,
    Vote,
)

_MEETING_DIR = re.compile(r"^data/(\d{1,9})/")
T = TypeVar("T", bound=SQLModel)


@dataclass
class PackagedMeeting:
    """One meeting of a validated package: its files by path inside `data/<id>/`."""

    source_id: int
    minutes_pdf: bytes
    state: dict[str, Any]
    entries: list[dict[str, Any]]
    files: dict[str, bytes]  # document version files by their path in the bag
    pages: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)  # by sha256


def refused(code: str, vi: str, en: str, **details: Any) -> DomainError:
    return DomainError(Kind.INVALID, code, f"Gói hồ sơ không nhập được: {vi}",
                       f"The package cannot be imported: {en}", details=details)


def read(data: bytes, trust_roots_pem: list[bytes], limits: Limits) -> list[PackagedMeeting]:
    """The meetings of a package, once everything in it is checked; raises DomainError
    (invalid) naming the first problem found. The zip may unpack to `max_unpacked_mb` at
    most, and `max_zip_ratio` times its own size, as an uploaded document's."""
    payload = _bag(data, min(limits.max_unpacked_mb * 1024 * 1024,
                             max(len(data), 1) * limits.max_zip_ratio))
    ids = sorted({int(m.group(1)) for p in payload if (m := _MEETING_DIR.match(p))})
    if not ids:
        raise refused("package_empty", "gói không chứa cuộc họp nào.",
                      "it holds no meeting.")
    return [_meeting(payload, i, trust_roots_pem) for i in ids]


def _bag(data: bytes, max_unpacked: int) -> dict[str, bytes]:
    """The payload of a valid BagIt 1.0 bag in a zip (RFC 8493 §3), by path under the bag."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refused("package_not_zip", "tệp không phải là tệp zip.", "the file is not a zip.",
                      reason=str(exc)) from exc
    if sum(i.file_size for i in infos) > max_unpacked:
        raise refused("package_too_large", "gói giải nén quá lớn.",
                      "it unpacks to too much data.")
    tops = {i.filename.split("/")[0] for i in infos}
    if len(tops) != 1 or any(i.filename.startswith("/") or ".." in i.filename.split("/")
                             for i in infos):
        raise refused("bag_layout", "tệp zip phải chứa đúng một thư mục gói BagIt.",
                      "the zip must hold exactly one BagIt bag folder.")
    (top,) = tops
    try:
        files = {i.filename[len(top) + 1:]: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refused("package_not_zip", "tệp zip bị hỏng.", "the zip is damaged.",
                      reason=str(exc)) from exc
    if files.get("bagit.txt", b"").splitlines()[:1] != [b"BagIt-Version: 1.0"]:
        raise refused("bag_version", "thiếu bagit.txt hoặc không phải BagIt 1.0.",
                      "bagit.txt is missing or not BagIt 1.0.")
    payload = {p: d for p, d in files.items() if p.startswith("data/")}
    tags = {p: d for p, d in files.items() if not p.startswith("data/")}
    manifests = [p for p in tags if re.fullmatch(r"manifest-(sha256|sha512)\.txt", p)]
    if "manifest-sha256.txt" not in manifests:
        raise refused("bag_manifest", "thiếu tệp manifest-sha256.txt.",
                      "manifest-sha256.txt is missing.")
    for name in manifests:
        _check_manifest(name, tags[name], payload, exact=True)
    if "tagmanifest-sha256.txt" in tags:
        listed = {p: d for p, d in tags.items() if not p.startswith("tagmanifest-")}
        _check_manifest("tagmanifest-sha256.txt", tags["tagmanifest-sha256.txt"], listed,
                        exact=False)
    oxum = re.search(rb"^Payload-Oxum: *(\d+)\.(\d+) *$", tags.get("bag-info.txt", b""), re.M)
    if oxum and (int(oxum.group(1)), int(oxum.group(2))) != (
            sum(len(d) for d in payload.values()), len(payload)):
        raise refused("bag_oxum", "Payload-Oxum không khớp với các tệp trong gói.",
                      "Payload-Oxum does not match the files in the bag.")
    return payload


def _check_manifest(name: str, text: bytes, files: dict[str, bytes], *, exact: bool) -> None:
    algorithm = name.split("-")[-1].removesuffix(".txt")
    listed: dict[str, str] = {}
    for line in text.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        digest, _, path = line.partition(" ")
        listed[path.strip()] = digest.strip().lower()
    missing = sorted(set(files) - set(listed)) if exact else []
    absent = sorted(set(listed) - set(files))
    if missing or absent:
        raise refused("bag_manifest", f"{name} không khớp với các tệp trong gói.",
                      f"{name} does not match the files in the bag.",
                      unlisted=missing[:5], absent=absent[:5])
    for path, digest in listed.items():
        if hashlib.new(algorithm, files[path]).hexdigest() != digest:
            raise refused("bag_checksum", f"tệp {path} đã bị thay đổi (mã băm không khớp).",
                          f"the file {path} was changed (its checksum does not match).",
                          file=path)


def _meeting(payload: dict[str, bytes], source_id: int, roots: list[bytes]) -> PackagedMeeting:
    base = f"data/{source_id}"
    needed = ("bien-ban.pdf", "nhat-ky.json", "ho-so.json", "cuoc-hop.json")
    if any(f"{base}/{n}" not in payload for n in needed):
        raise refused("package_incomplete",
                      f"cuộc họp {source_id} thiếu tệp (gói được xuất trước khi có chức năng "
                      "nhập: xuất lại gói từ phonghop nguồn).",
                      f"meeting {source_id} lacks files (the package predates importing: "
                      "export it again from the source phonghop).", meeting=source_id)
    try:
        state = json.loads(payload[f"{base}/cuoc-hop.json"])
        log = json.loads(payload[f"{base}/nhat-ky.json"])
        meta = json.loads(payload[f"{base}/ho-so.json"])
        entries = list(log["entries"])
        rows = [_entry(e, 0) for e in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise refused("package_json", f"tệp JSON của cuộc họp {source_id} không đọc được.",
                      f"a JSON file of meeting {source_id} cannot be read.",
                      meeting=source_id) from exc
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise refused("package_format", "phiên bản định dạng cuoc-hop.json không được hỗ trợ.",
                      "this cuoc-hop.json format version is not supported.")
    pdf = payload[f"{base}/bien-ban.pdf"]
    sha = hashlib.sha256(pdf).hexdigest()
    try:
        files = _files(payload, state, meta, sha)
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise refused("package_json", f"cuoc-hop.json hoặc ho-so.json của cuộc họp {source_id} "
                      "thiếu thông tin.", f"cuoc-hop.json or ho-so.json of meeting {source_id} "
                      "lacks fields.", meeting=source_id) from exc
    try:
        printed = printed_record_digest(pdf)
    except Exception as exc:  # pymupdf raises its own errors on a file that is no PDF
        raise refused("minutes_not_pdf", "biên bản đã ký không phải là tệp PDF đọc được.",
                      "the signed minutes are not a readable PDF.") from exc
    # A sealed meeting's record always has a digest to reach ("": none found, never intact).
    chain = record.check(rows, printed or state["minutes"].get("record_digest") or "")
    if not chain.intact:
        raise refused("record_broken",
                      f"nhật ký cuộc họp {source_id} không nguyên vẹn ({chain.problem}, mục "
                      f"{chain.seq}) hoặc không khớp với mã băm ghi trong biên bản.",
                      f"the record of meeting {source_id} is not intact ({chain.problem}, "
                      f"entry {chain.seq}) or does not match the digest in the minutes.",
                      problem=chain.problem, seq=chain.seq)
    _as_recorded(state, entries, sha)
    checks = verify_pdf(pdf, roots)
    if not checks or not all(sound(c) for c in checks):
        raise refused("minutes_signature",
                      "chữ ký số của biên bản không hợp lệ hoặc không được máy chủ này tin cậy "
                      "(quản trị hệ thống cần cài chứng thư gốc của cơ quan ký trước khi nhập).",
                      "the minutes' signatures are not valid or not trusted by this server (the "
                      "administrator must install the signing body's root certificate first).",
                      signatures=[c.summary for c in checks])
    return PackagedMeeting(source_id, pdf, state, entries, files)


def _files(payload: dict[str, bytes], state: dict[str, Any], meta: dict[str, Any],
           minutes_sha: str) -> dict[str, bytes]:
    """Every document version's file, each as its metadata names it."""
    if minutes_sha != state["minutes"]["signed_sha256"] or \
            minutes_sha != meta["tai_lieu"][0]["sha256"]:
        raise refused("minutes_mismatch", "biên bản đã ký không khớp với hồ sơ trong gói.",
                      "the signed minutes do not match the package's metadata.")
    files: dict[str, bytes] = {}
    for document in state["documents"]:
        for version in document["versions"]:
            data = payload.get(str(version.get("tep")))
            if data is None or hashlib.sha256(data).hexdigest() != version["sha256"]:
                raise refused("document_mismatch",
                              f"tệp tài liệu «{document['title']}» thiếu hoặc không khớp.",
                              f"the file of the document «{document['title']}» is missing or "
                              "does not match.", file=version.get("tep"))
            files[version["tep"]] = data
    return files


def _as_recorded(state: dict[str, Any], entries: list[dict[str, Any]], minutes_sha: str) -> None:
    """`cuoc-hop.json` is vouched for by the bag only, the record by the signed minutes: what
    the record says of the seal and of every vote's result must be what the rows say."""
    def mismatch(what_vi: str, what_en: str) -> DomainError:
        return refused("state_mismatch", f"{what_vi} trong cuoc-hop.json khác với nhật ký "
                       "cuộc họp.", f"{what_en} in cuoc-hop.json differs from the meeting's "
                       "record.")

    try:
        sealed = [json.loads(e["data"]) for e in entries if e["kind"] == record.SEALED]
        closed = {d["vote_id"]: d for e in entries if e["kind"] == "vote.closed"
                  for d in [json.loads(e["data"])]}
        names = {u["username"]: u["full_name"] for u in state["users"]}
        if [d.get("sha256") for d in sealed[-1:]] != [minutes_sha]:
            raise mismatch("Biên bản đã ký", "The signed minutes")
        votes = {v["id"]: v for v in state["votes"] if v["status"] == "closed"}
        if set(votes) != set(closed):
            raise mismatch("Danh sách biểu quyết", "The list of votes")
        for vote_id, v in votes.items():
            seen = closed[vote_id]
            ballots = sorted((names.get(b["user"]), b["choice"] or None) for b in v["ballots"])
            if (json.loads(v["counts"] or "{}") != seen["counts"] or v["passed"] != seen["passed"]
                    or ballots != sorted((b["full_name"], b["choice"])
                                         for b in seen.get("ballots", []))):
                raise mismatch(f"Kết quả biểu quyết «{v['question']}»",
                               f"The result of the vote «{v['question']}»")
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise refused("package_json", "cuoc-hop.json hoặc nhật ký không đọc được.",
                      "cuoc-hop.json or the record cannot be read.") from exc


def _entry(e: dict[str, Any], meeting_id: int) -> RecordEntry:
    return RecordEntry(meeting_id=meeting_id, seq=int(e["seq"]),
                       at=datetime.fromisoformat(e["at"]), actor_id=e["actor_id"],
                       kind=str(e["kind"]), data=str(e["data"]),
                       prev_digest=str(e["prev_digest"]), digest=str(e["digest"]))


def ensure_new(session: Session, meetings: list[PackagedMeeting]) -> None:
    """Refuse a package any of whose signed minutes this archive holds already."""
    for m in meetings:
        known = session.exec(select(Minutes.meeting_id)
                             .where(Minutes.signed_sha256 == m.state["minutes"]["signed_sha256"])
                             ).first()
        if known is not None:
            raise conflict("already_imported",
                           f"Cuộc họp «{m.state['meeting']['title']}» đã có trong kho lưu trữ "
                           f"(cuộc họp số {known}); gói không được nhập lần nữa.",
                           f"The meeting «{m.state['meeting']['title']}» is in the archive "
                           f"already (meeting {known}); the package is not imported again.")


def read_words(meetings: list[PackagedMeeting], limits: Limits, scratch: Path) -> None:
    """The words of every document version, read as an upload's are (in a child process,
    within the limits); a version beyond them is kept but not searchable, as an upload."""
    scratch.mkdir(parents=True, exist_ok=True)
    for m in meetings:
        for data in m.files.values():
            sha = hashlib.sha256(data).hexdigest()
            if sha in m.pages:
                continue
            with tempfile.TemporaryDirectory(dir=scratch) as tmp:
                pdf = Path(tmp) / "version.pdf"
                pdf.write_bytes(data)
                try:
                    m.pages[sha] = extract_words(pdf, limits, scratch=scratch)
                except DomainError:
                    m.pages[sha] = None


def restore(session: Session, blobs: BlobStore, actor: Actor | None,
            meetings: list[PackagedMeeting]) -> list[int]:
    """Recreate validated meetings (in the caller's one transaction); their new ids. Actor
    None: the server's operator at the command line."""
    if actor is not None:
        require_admin(actor)
    ensure_new(session, meetings)
    for m in meetings:  # content-addressed: a file stored twice is the same file
        blobs.put(m.minutes_pdf)
        for data in m.files.values():
            blobs.put(data)
    try:
        return [_restore(session, blobs, m) for m in meetings]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # (the transaction is rolled back by the caller: nothing of the package stays)
        raise refused("package_json", "cuoc-hop.json có dữ liệu không hợp lệ.",
                      "cuoc-hop.json holds data that is not valid.", reason=str(exc)) from exc


def new_files(blobs: BlobStore, meetings: list[PackagedMeeting]) -> list[str]:
    """The package's files this blob store does not hold yet: those to delete again should
    the transaction that imports them fail (`forget`)."""
    digests = {hashlib.sha256(d).hexdigest() for m in meetings
               for d in (m.minutes_pdf, *m.files.values())}
    return sorted(d for d in digests if not blobs.exists(d))


def forget(blobs: BlobStore, digests: list[str]) -> None:
    for digest in digests:
        blobs.delete(digest)


def _restore(session: Session, blobs: BlobStore, m: PackagedMeeting) -> int:
    s = m.state
    users = {u["username"]: _user(session, u) for u in s["users"]}

    def uid(username: str | None) -> int | None:
        return users[username] if username else None

    body = _body(session, s["body"])
    meeting = _new(session, Meeting, s["meeting"], "current_item_id", "current_document_id",
                   body_id=body,
                   created_by=uid(s["meeting"]["created_by"]) or next(iter(users.values())))
    mid = meeting.id
    assert mid is not None
    items: dict[int, int] = {}
    for row in sorted(s["items"], key=lambda i: i["parent_id"] is not None):
        item = _new(session, AgendaItem, row, "id", meeting_id=mid,
                    parent_id=items.get(row["parent_id"]) if row["parent_id"] else None)
        items[row["id"]] = item.id or 0
    documents: dict[int, int] = {}
    for row in s["documents"]:
        document = _new(session, Document, row, "id", "versions", meeting_id=mid,
                        item_id=items[row["item_id"]], uploaded_by=uid(row["uploaded_by"]))
        documents[row["id"]] = document.id or 0
        for v in row["versions"]:
            # The package carries the cleaned PDF only: it stands for the original too.
            _new(session, DocumentVersion, v, "id", "tep", document_id=document.id,
                 uploaded_by=uid(v["uploaded_by"]), original_sha256=v["sha256"])
            if m.pages.get(v["sha256"]) is not None:
                store_pages(session, v["sha256"], m.pages[v["sha256"]] or [])
                session.flush()
    # What was on the screen when the meeting ended (the meeting page shows it).
    meeting.current_item_id = items.get(s["meeting"].get("current_item_id") or 0)
    meeting.current_document_id = documents.get(s["meeting"].get("current_document_id") or 0)
    if s["policy"] is not None:
        _new(session, DocumentPolicy, s["policy"], meeting_id=mid)
    for row in s["participants"]:
        _new(session, Participant, row, "user", "proxy", meeting_id=mid,
             user_id=uid(row["user"]), proxy_user_id=uid(row["proxy"]))
    votes: dict[int, int] = {}
    for row in s["votes"]:
        vote = _new(session, Vote, row, "id", "ballots", meeting_id=mid,
                    item_id=items.get(row["item_id"]) if row["item_id"] else None)
        votes[row["id"]] = vote.id or 0
        for b in row["ballots"]:
            _new(session, Ballot, b, "user", vote_id=vote.id, user_id=uid(b["user"]))
    for row in s["speakers"]:
        _new(session, SpeakerRequest, row, "user", meeting_id=mid, user_id=uid(row["user"]),
             added_by=uid(row["added_by"]),
             item_id=items.get(row["item_id"]) if row["item_id"] else None)
    _new(session, Minutes, s["minutes"], meeting_id=mid, sealed_by=uid(s["minutes"]["sealed_by"]))
    for e in m.entries:
        session.add(_entry(e, mid))
    # The record names the exporting server's rows (packages before 0150 carry no user ids).
    session.add(RecordIds(meeting_id=mid, ids=json.dumps({
        "users": {str(u["id"]): users[u["username"]] for u in s["users"] if "id" in u},
        "items": items, "documents": documents, "votes": votes})))
    meeting.status = MeetingStatus.SEALED.value
    session.flush()
    archive_search.index_meeting(session, blobs, mid)
    return mid


def _new(session: Session, model: type[T], row: dict[str, Any], *leave_out: str,
         **values: Any) -> T:
    """A row of `model` from its exported fields (times parsed), with `values` over them."""
    fields = model.model_fields
    data: dict[str, Any] = {}
    for key, value in row.items():
        if key in leave_out or key not in fields or key in values:
            continue
        kinds = _types(fields[key].annotation)
        if isinstance(value, str) and datetime in kinds:
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and date in kinds:
            value = date.fromisoformat(value)
        data[key] = value
    instance = model(**(data | {k: v for k, v in values.items() if k in fields}))
    session.add(instance)
    session.flush()
    return instance


def _types(annotation: Any) -> set[Any]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return set(typing.get_args(annotation))
    return {annotation}


def _user(session: Session, exported: dict[str, Any]) -> int:
    found = session.exec(select(User).where(User.username == exported["username"])).first()
    if found is None:
        # Known only from the archive: no password, cannot log in until an admin acts.
        found = User(username=exported["username"], full_name=exported["full_name"],
                     title=exported.get("title", ""), password_hash="!", active=False)
        session.add(found)
        session.flush()
    assert found.id is not None
    return found.id


def _body(session: Session, exported: dict[str, Any] | None) -> int:
    exported = exported or {"name": "Cơ quan không rõ tên"}
    found = session.exec(select(Body).where(Body.name == exported["name"],
                                            Body.code == exported.get("code", ""))
                         .order_by(col(Body.id))).first()
    if found is None:
        found = _new(session, Body, exported, "id")
    assert found.id is not None
    return found.id
