"""The tables of the meeting room: bodies, people, meetings, agenda, documents, votes,
annotations, the meeting record and the minutes.

Every change to the schema goes through an Alembic migration in `meetings/migrations`; a test
compares these models with the migrated database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class GlobalRole(StrEnum):
    ADMIN = "admin"
    ARCHIVIST = "archivist"


class Role(StrEnum):
    """A person's role in one meeting."""

    SECRETARY = "secretary"
    CHAIR = "chair"
    MEMBER = "member"
    GUEST = "guest"


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    ENDED = "ended"
    SEALED = "sealed"
    CANCELLED = "cancelled"  # a draft called off by its secretary: kept, read-only
    # A sealed meeting disposed of after its retention period: only its tombstone is left
    # (`Disposal`), and the row itself, so that its id is never reused.
    DISPOSED = "disposed"


class MeetingKind(StrEnum):
    """The kind of session, which sets how early its agenda and documents must reach the
    members (meetings.deadlines)."""

    REGULAR = "regular"  # thường kỳ
    SPECIAL = "special"  # chuyên đề
    URGENT = "urgent"  # đột xuất


class VoteStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    full_name: str = Field(max_length=200)
    password_hash: str
    global_role: str | None = Field(default=None, max_length=16)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # Issue 10 (the administrator's screens): the person's title ("Chủ tịch UBND xã") and how
    # to reach them; invitations go to `email` unless the secretary types another address.
    title: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=32)


class AuthSession(SQLModel, table=True):
    """A login. The cookie holds the token; the table holds only its SHA-256."""

    __tablename__ = "auth_sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class Body(SQLModel, table=True):
    """A committee, council or board. Its voting rule is a setting, not code."""

    __tablename__ = "bodies"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    parent_name: str = Field(default="", max_length=200)
    code: str = Field(default="", max_length=32)
    place_name: str = Field(default="", max_length=100)
    # Result rule: share of the basis that must vote yes. Default: more than half of all members.
    rule_basis: str = Field(default="all_members", max_length=32)
    rule_numerator: int = 1
    rule_denominator: int = 2
    rule_strict: bool = True
    # Votes and attendance (issue 5): tie handling, quorum (0/1: none, only when an
    # administrator sets it on purpose for an `other` body), proxies, default kind.
    rule_tie: str = Field(default="fails", max_length=16)
    quorum_numerator: int = 1
    quorum_denominator: int = 2
    proxies_allowed: bool = False
    default_vote_kind: str = Field(default="named", max_length=16)
    # Where the body's signing key lives (PKCS#12), relative to the data directory.
    signing_p12_path: str | None = Field(default=None, max_length=400)
    signer_title: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    # Issue 10: the kind (meetings.body_names.BodyKind) sets the quorum the law fixes; the
    # default secretary and chair of a new meeting; the minutes' default "Nơi nhận", one
    # recipient a line ("" : the kind's default).
    kind: str = Field(default="other", max_length=32)
    default_secretary_id: int | None = Field(default=None, foreign_key="users.id")
    default_chair_id: int | None = Field(default=None, foreign_key="users.id")
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class AuditEntry(SQLModel, table=True):
    """Who did what and when, for the administrator: logins (ok and failed), role changes,
    deactivations, keys, rules and quorums, seals. `actor_id` is None for a failed login
    (the username tried is in `details`)."""

    __tablename__ = "audit_entries"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=48, index=True)
    target: str = Field(default="", max_length=200)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class BodyMember(SQLModel, table=True):
    """Membership of a body. `voting` members make up 'all members' for vote results;
    `can_prepare` lets a person (the body's secretariat) create meetings for the body."""

    __tablename__ = "body_members"
    __table_args__ = (UniqueConstraint("body_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    title: str = Field(default="", max_length=200)
    voting: bool = True
    can_prepare: bool = False


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    title: str = Field(max_length=300)
    # The title folded for search (lower case, no diacritics): "bao cao" finds "Báo cáo".
    search_text: str = Field(default="", max_length=300, index=True)
    place: str = Field(default="", max_length=300)
    starts_at: datetime
    status: str = Field(default=MeetingStatus.DRAFT.value, max_length=16, index=True)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    current_item_id: int | None = None
    current_document_id: int | None = None
    current_page: int = 1
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
    cancel_reason: str = Field(default="", max_length=300)
    # Issue 10: the kind of session, the last day its agenda and documents may reach the
    # members (from the kind, the date and the working days; None: not computed), and when
    # the secretary published them (members see a draft meeting's agenda only after that).
    kind: str = Field(default=MeetingKind.REGULAR.value, max_length=16)
    documents_due_on: date | None = None
    published_at: datetime | None = None


class Participant(SQLModel, table=True):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    role: str = Field(max_length=16)
    checked_in_at: datetime | None = None
    # "" (not yet known), present, remote, absent, excused; a reason for absent and excused.
    attendance: str = Field(default="", max_length=16)
    absence_reason: str = Field(default="", max_length=300)
    # Who votes for this member while absent (only where the body allows proxies).
    proxy_user_id: int | None = None


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_items"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    position: int
    title: str = Field(max_length=500)
    presenter: str = Field(default="", max_length=200)
    planned_minutes: int = 0
    conclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Issue 10: a sub-item ("1.1") names its item; one level only. `position` orders the
    # whole agenda, each sub-item right after its item and the item's earlier sub-items.
    parent_id: int | None = Field(default=None, foreign_key="agenda_items.id", index=True)


class Document(SQLModel, table=True):
    """One PDF attached to an agenda item. The file lives in the blob store under its SHA-256."""

    __tablename__ = "documents"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    item_id: int = Field(foreign_key="agenda_items.id", index=True)
    title: str = Field(max_length=300)
    filename: str = Field(max_length=300)
    sha256: str = Field(max_length=64, index=True)
    size: int
    page_count: int
    uploaded_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    # Issue 10: the order within the item; late: the current version reached the members
    # after the deadline ("Bổ sung sau thời hạn"); withdrawn after the meeting started (kept
    # for the record and the archive, no longer shown to members).
    position: int = 0
    late: bool = False
    withdrawn_at: datetime | None = None


class Vote(SQLModel, table=True):
    __tablename__ = "votes"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="agenda_items.id")
    question: str = Field(max_length=500)
    status: str = Field(default=VoteStatus.OPEN.value, max_length=16)
    # The rule and the electorate are fixed when the vote opens.
    rule_basis: str = Field(max_length=32)
    rule_numerator: int
    rule_denominator: int
    rule_strict: bool
    eligible: int
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    passed: bool | None = None
    # Issue 5: kind (named, counts, secret), options for elections (JSON list; empty for
    # yes/no/abstain) with min/max marks, tie rule, timer, quorum at opening, result counts.
    kind: str = Field(default="named", max_length=16)
    options: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    min_marks: int = 0
    max_marks: int = 1
    rule_tie: str = Field(default="fails", max_length=16)
    closes_at: datetime | None = None
    present: int | None = None
    quorum_required: int = 0
    quorum_overridden: bool = False
    counts: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    cancel_reason: str = Field(default="", max_length=300)
    # A secret vote's salt for its ballots' key (meetings.votes.secrecy), while it is open.
    ballot_salt: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class Ballot(SQLModel, table=True):
    """One voter's choice. The unique constraint is what makes 'one ballot each' true."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="votes.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    choice: str = Field(max_length=16)
    cast_at: datetime = Field(default_factory=utcnow)
    # Issue 5: election marks (JSON list of option indices) and who cast it (a proxy).
    marks: str = Field(default="", max_length=2000)
    cast_by: int | None = None


class Annotation(SQLModel, table=True):
    """Ink, a highlight, a sticky note or a text box on a page (issue 11). Its id is made on
    the member's device and never changes; only its owner writes it; others read it only
    when it is shared with them (`AnnotationShare`). `data` is the kind's JSON
    (docs/api.md, "Annotations"); coordinates are fractions of the page."""

    __tablename__ = "annotations"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    version: int
    page: int
    kind: str = Field(max_length=16)  # ink, highlight, note, text
    color: str = Field(max_length=7)
    data: str = Field(sa_column=Column(Text, nullable=False))
    placement: str = Field(default="placed", max_length=16)  # placed, unplaced
    # Why a new version could not place it (meetings.annotations.anchoring: text_not_found,
    # text_ambiguous, text_moved, no_text, page_not_found, unreadable); None when placed.
    placement_reason: str | None = Field(default=None, max_length=24)
    origin_version: int
    origin_page: int
    rev: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AnnotationShare(SQLModel, table=True):
    """Who an annotation is shared with: one person, or (user_id NULL) the whole meeting."""

    __tablename__ = "annotation_shares"
    id: int | None = Field(default=None, primary_key=True)
    annotation_id: str = Field(foreign_key="annotations.id", index=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)


class AnnotationChange(SQLModel, table=True):
    """A change to an annotation already applied, by its owner's idempotency key: a tablet
    that sends its queue again after a dropped connection changes nothing twice."""

    __tablename__ = "annotation_changes"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    key: str = Field(max_length=128)
    annotation_id: str = Field(max_length=64)
    applied_at: datetime = Field(default_factory=utcnow)


class RecordEntry(SQLModel, table=True):
    """The meeting record: an append-only, hash-chained log of what happened.

    Each entry's digest covers the previous digest, so the last digest (printed in the
    sealed minutes) vouches for the whole record."""

    __tablename__ = "record_entries"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    seq: int
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = None
    kind: str = Field(max_length=40)
    data: str = Field(sa_column=Column(Text, nullable=False))
    prev_digest: str = Field(max_length=64)
    digest: str = Field(max_length=64)


class RecordIds(SQLModel, table=True):
    """For a meeting imported from an archival package: the ids its record speaks of (those of
    the server that exported it, fixed by the hash chain) and the rows they are here, as JSON
    {"users": {"7": 3}, "items": {...}, "documents": {...}, "votes": {...}}."""

    __tablename__ = "record_ids"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    ids: str = Field(sa_column=Column(Text, nullable=False))


class Minutes(SQLModel, table=True):
    __tablename__ = "minutes"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    number: int | None = None
    general_conclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sealed_at: datetime | None = None
    sealed_by: int | None = None
    signed_sha256: str | None = Field(default=None, max_length=64)
    signer_name: str | None = Field(default=None, max_length=300)
    record_digest: str | None = Field(default=None, max_length=64)


# --- Speakers' list and written opinions (issue 5, part B) -----------------------------------


class SpeakerKind(StrEnum):
    SPEECH = "speech"
    POINT_OF_ORDER = "point_of_order"  # jumps the queue


class SpeakerStatus(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class SpeakerSettings(SQLModel, table=True):
    """A meeting's default speaking time. No row: the built-in default."""

    __tablename__ = "speaker_settings"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    default_seconds: int = 180


class SpeakerRequest(SQLModel, table=True):
    """One request to speak: waiting in the queue, then speaking, then done (or withdrawn).
    The time spoken is stored when the turn ends; what was said, in the secretary's words,
    once the turn has started (the minutes' "Ý kiến phát biểu")."""

    __tablename__ = "speaker_requests"
    # A tablet that asked while offline sends its request again until it hears back: the
    # key it made then names the request, so a second arrival is answered, not added.
    __table_args__ = (UniqueConstraint("meeting_id", "added_by", "request_key"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="agenda_items.id")
    kind: str = Field(default=SpeakerKind.SPEECH.value, max_length=16)
    status: str = Field(default=SpeakerStatus.WAITING.value, max_length=16)
    position: int = 0
    limit_seconds: int | None = None  # None: the meeting's default
    requested_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    spoken_seconds: int | None = None
    added_by: int | None = None
    statement: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    request_key: str | None = Field(default=None, max_length=64)


class OpinionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Opinion(SQLModel, table=True):
    """A written opinion form (phiếu lấy ý kiến): a question put to a body's voting members
    between meetings. The rule and the voters are fixed when it is sent; the result is stored
    with the counts it came from."""

    __tablename__ = "opinions"
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    question: str = Field(max_length=500)
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deadline: datetime
    status: str = Field(default=OpinionStatus.DRAFT.value, max_length=16, index=True)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    closed_at: datetime | None = Field(default=None, index=True)
    closed_by: int | None = None
    rule_basis: str = Field(default="all_members", max_length=32)
    rule_numerator: int = 1
    rule_denominator: int = 2
    rule_strict: bool = True
    eligible: int = 0
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    passed: bool | None = None


class OpinionDocument(SQLModel, table=True):
    """A PDF sent with an opinion form; the file lives in the blob store under its SHA-256."""

    __tablename__ = "opinion_documents"
    id: int | None = Field(default=None, primary_key=True)
    opinion_id: int = Field(foreign_key="opinions.id", index=True)
    title: str = Field(max_length=300)
    filename: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    size: int
    page_count: int
    created_at: datetime = Field(default_factory=utcnow)


class OpinionVoter(SQLModel, table=True):
    """Who was asked, fixed when the form is sent."""

    __tablename__ = "opinion_voters"
    __table_args__ = (UniqueConstraint("opinion_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    opinion_id: int = Field(foreign_key="opinions.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)


class OpinionAnswer(SQLModel, table=True):
    """One member's answer. The unique constraint is what makes 'one answer each' true."""

    __tablename__ = "opinion_answers"
    __table_args__ = (UniqueConstraint("opinion_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    opinion_id: int = Field(foreign_key="opinions.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    choice: str = Field(max_length=16)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_at: datetime = Field(default_factory=utcnow)
# --- Documents (issue 4): versions, page text for search, the meeting's document policy ---


class DocumentVersion(SQLModel, table=True):
    """Every file a document has been: the original as uploaded (kept for the record) and the
    cleaned PDF shown on tablets. The document row points at the newest."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    number: int
    sha256: str = Field(max_length=64, index=True)  # the cleaned PDF
    original_sha256: str = Field(max_length=64)
    original_filename: str = Field(max_length=300)
    original_type: str = Field(max_length=16)  # pdf, ooxml, odf, ole, rtf
    original_size: int
    page_count: int
    # What cleaning removed (JSON: links, widgets, actions, files...).
    removed: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    uploaded_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class DocumentPage(SQLModel, table=True):
    """The words of one page of a cleaned PDF, keyed by its content hash: the folded text to
    search, and each word's box as fractions of the page (JSON [[x0, y0, x1, y1, word]...])."""

    __tablename__ = "document_pages"
    __table_args__ = (UniqueConstraint("sha256", "page"),)
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    page: int
    width: float
    height: float
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    words: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class DocumentPolicy(SQLModel, table=True):
    """How a meeting's documents may be seen: confidential meetings watermark every page
    image with the viewer's name and the time, and never allow downloads; `originals` says
    who may download the files as uploaded, active content included (`meetings.access`)."""

    __tablename__ = "document_policies"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    confidential: bool = False
    downloads: bool = True
    originals: str = Field(default="staff", max_length=16)  # staff, participants, nobody
class Upload(SQLModel, table=True):
    """A file on its way in (`meetings.documents.intake`): for an agenda item (a new
    document) or for a document (a new version), where it is, and how it ended."""

    __tablename__ = "uploads"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    # No foreign keys: the item or the document may be deleted while the file is read.
    item_id: int | None = None
    document_id: int | None = None  # the document replaced, or the one it became
    user_id: int = Field(foreign_key="users.id")
    filename: str = Field(max_length=300)
    title: str = Field(default="", max_length=300)
    size: int
    stage: str = Field(max_length=16)
    reader: str = Field(default="", max_length=200)  # the process reading it (host:port)
    # How it ended badly (JSON: kind, error, message_vi, message_en, details), else "".
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)  # the reading process's last beat


# --- Votes and attendance (issue 5) ---------------------------------------------------------


class VoteVoter(SQLModel, table=True):
    """The electorate of one vote, fixed when it opens: who may vote, and who was present."""

    __tablename__ = "vote_voters"
    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="votes.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    present: bool = False
    proxy_user_id: int | None = None


class BallotReceipt(SQLModel, table=True):
    """That a member has voted (not what). One per voter per vote, by the database."""

    __tablename__ = "ballot_receipts"
    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="votes.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    cast_by: int | None = None


class SecretBallot(SQLModel, table=True):
    """The content of a secret ballot while its vote is open, sealed under the vote's key
    (meetings.votes.secrecy): a random id, no timestamp, no user, ciphertext of one length.
    Deleted when the vote closes or is cancelled; only the counts remain."""

    __tablename__ = "secret_ballots"
    __table_args__ = {"sqlite_with_rowid": False}
    id: str = Field(primary_key=True, max_length=32)
    vote_id: int = Field(foreign_key="votes.id", index=True)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# --- The room screen (issue 10) -------------------------------------------------------------


class RoomScreen(SQLModel, table=True):
    """What the room screen shows besides the presented page: how long a closed vote's result
    stays up (None: until the secretary or the chair dismisses it) and which result is up now,
    since when. No row: the default time (meetings.live.screen) and no result up."""

    __tablename__ = "room_screens"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    # No column default: SQLAlchemy would write it in place of an explicit None.
    result_seconds: int | None = None
    result_vote_id: int | None = Field(default=None, foreign_key="votes.id")
    result_shown_at: datetime | None = None


# --- Invitations, members' replies, per-item exclusions (issue 10) ----------------------------


class MeetingCalendar(SQLModel, table=True):
    """The meeting as a calendar event: its UID, stable for the meeting's life, and the
    SEQUENCE of its latest version (raised by each change of time or place, and by the
    cancellation, once the invitation has gone out)."""

    __tablename__ = "meeting_calendars"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    uid: str = Field(max_length=200)
    sequence: int = 0
    sent_at: datetime | None = None  # when the secretary first sent the invitation
    sent_by: int | None = None


class Invitation(SQLModel, table=True):
    """One participant's invitation: the address it goes to (editable by the secretary), the
    letter waiting in the outbox or last delivered (its kind and SEQUENCE), what the SMTP
    server said, and the participant's reply (attending, absent with a reason, remote)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    email: str = Field(default="", max_length=254)
    # "" (never sent), pending (in the outbox), sending (claimed by a mailer), sent, failed.
    delivery: str = Field(default="", max_length=16)
    letter: str = Field(default="", max_length=16)  # invitation, update, cancel
    sequence: int = 0
    error: str = Field(default="", max_length=500)
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    # "" (no answer yet), attending, absent (xin vắng, with a reason), remote.
    reply: str = Field(default="", max_length=16)
    reply_reason: str = Field(default="", max_length=300)
    replied_at: datetime | None = None


class ItemExclusion(SQLModel, table=True):
    """A participant kept out of one agenda item (conflict of interest): they do not see its
    documents, are not in the electorate of its votes, and the minutes say they withdrew."""

    __tablename__ = "item_exclusions"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    item_id: int = Field(foreign_key="agenda_items.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    reason: str = Field(max_length=300)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


# --- The archive's full-text search (issue 15 §1, `meetings.archive_search`) -----------------


class ArchiveMeeting(SQLModel, table=True):
    """What the archive's filters look at of a sealed meeting, written once when it is sealed:
    the minutes' number, the signers and participants (folded names, ' | ' between), and how
    many of its votes passed and failed. (Confidentiality is read from the meeting's document
    policy at each query.)"""

    __tablename__ = "archive_meetings"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    starts_at: datetime = Field(index=True)
    number: int | None = None
    code: str = Field(default="", max_length=32)
    signers: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    participants: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    votes_passed: int = 0
    votes_failed: int = 0


class ArchiveEntry(SQLModel, table=True):
    """One searchable passage of a sealed meeting: the meeting's heading, a page of its signed
    minutes, an agenda item, a conclusion, a page of one version of a document, a written
    opinion form its minutes report or one member's answer to it (`author`). `text` is the
    original (for snippets), `folded` its words without diacritics, one space apart, which the
    engine's index (`archive_fts`, made in SQL by migrations 0050 and 0100) holds."""

    __tablename__ = "archive_entries"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    # meeting, minutes, item, conclusion, document, opinion, opinion_answer
    kind: str = Field(max_length=16)
    document_id: int | None = None
    version: int | None = None
    page: int | None = None
    opinion_id: int | None = Field(default=None, index=True)
    title: str = Field(default="", max_length=300)
    author: str = Field(default="", max_length=300)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    folded: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Tokens the index holds beside the words, for the filters it can apply itself: the
    # meeting's body ("zzbody3", `words.body_facet`); never ranked, never asked for in words.
    facets: str = Field(default="", max_length=200)


class IntegrityCheck(SQLModel, table=True):
    """One run of the integrity check (`meetings.integrity`): what it checked and the damage
    it found (JSON list: kind, meeting_id, what, message)."""

    __tablename__ = "integrity_checks"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime
    finished_at: datetime
    trigger: str = Field(max_length=16)  # schedule, admin, cli
    files_checked: int = 0
    meetings_checked: int = 0
    ok: bool = True
    damage: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


# --- Retention and disposal (issue 15 §4) -----------------------------------------------------


class RetentionPeriod(SQLModel, table=True):
    """How long a body keeps one kind of record (`meetings.retention.RecordKind`): a number of
    whole years, or permanently (`years` None). No row: the default (`meetings.retention`)."""

    __tablename__ = "retention_periods"
    __table_args__ = (UniqueConstraint("body_id", "record_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    record_kind: str = Field(max_length=32)
    years: int | None = None


class Disposal(SQLModel, table=True):
    """The tombstone of a sealed meeting disposed of after its retention period
    (`meetings.disposal`): what it was (title, kind, date, the minutes' number, the record
    chain's last digest and the signed minutes' SHA-256), the period that had passed, who
    disposed of it, when and why. The meeting's row stays, with status `disposed`, so that its
    id is never given to another meeting; everything else of it is gone."""

    __tablename__ = "disposals"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    title: str = Field(max_length=300)
    meeting_kind: str = Field(max_length=16)
    starts_at: datetime
    minutes_number: int | None = None
    minutes_code: str = Field(default="", max_length=32)
    sealed_at: datetime | None = None
    record_digest: str | None = Field(default=None, max_length=64)
    minutes_sha256: str | None = Field(default=None, max_length=64, index=True)
    retention_years: int
    disposed_at: datetime = Field(index=True)
    disposed_by: int = Field(foreign_key="users.id")
    disposer_name: str = Field(max_length=200)
    reason: str = Field(sa_column=Column(Text, nullable=False))


# --- Scans for visible signatures (issue 14 §1) -----------------------------------------------


class SignerImage(SQLModel, table=True):
    """An uploaded scan the signature appearance shows: a person's own handwritten signature
    (`kind` "signature", `user_id`) or a body's real seal (`kind` "seal", `body_id`), a
    transparent PNG checked by `meetings.minutes.signer_images`. The bytes live in the row: a
    scan is small, replaced or removed at will (the content-addressed blob store never forgets
    one file while another may share it), and goes with the database's backup. `width_mm` is
    the printed width (from the PNG's pHYs, else at 300 dpi): a seal prints at real size."""

    __tablename__ = "signer_images"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    user_id: int | None = Field(default=None, foreign_key="users.id", unique=True)
    body_id: int | None = Field(default=None, foreign_key="bodies.id", unique=True)
    png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    width_px: int
    height_px: int
    width_mm: float
    height_mm: float
    dpi_from_file: bool = False
    uploaded_at: datetime = Field(default_factory=utcnow)
    uploaded_by: int | None = Field(default=None, foreign_key="users.id")
