"""The demo: a commune People's Committee with its people, one prepared meeting with two
generated documents, its own certificate authority and signing key, and sample images of its
seal and its chair's signature (marked as samples inside the images)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path

from sqlmodel import Session, col, select

from meetings.accounts import actor_of, create_user
from meetings.admin.bodies import apply_kind
from meetings.agenda import add_item
from meetings.body_names import BodyKind
from meetings.clock import VIETNAM
from meetings.db import Database
from meetings.demo import documents as demo_documents
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import read_trusted
from meetings.minutes import signer_images, stamps
from meetings.minutes.pki import create_ca, issue_signer
from meetings.models import (
    Body,
    BodyMember,
    Document,
    DocumentVersion,
    GlobalRole,
    Meeting,
    Role,
    User,
)
from meetings.passwords import Passwords
from meetings.preparation import accept_document, add_participant, create_meeting
from meetings.publication import mark_late, publish

DEMO_PASSWORD = "phonghop2026"
BODY_NAME = "UBND xã Tường Tiến"

# (username, full name, title in the body, role in the meeting or global role)
PEOPLE = [
    ("thuky", "Nguyễn Thị Thu", "Công chức Văn phòng - Thống kê", Role.SECRETARY.value),
    ("chutich", "Trần Văn Đức", "Chủ tịch UBND xã", Role.CHAIR.value),
    ("phochutich1", "Lê Thị Hồng Nhung", "Phó Chủ tịch UBND xã", Role.MEMBER.value),
    ("phochutich2", "Phạm Văn Hải", "Phó Chủ tịch UBND xã", Role.MEMBER.value),
    ("uyvien1", "Hoàng Minh Tuấn", "Ủy viên - Trưởng Công an xã", Role.MEMBER.value),
    ("uyvien2", "Vũ Thị Lan", "Ủy viên - Chỉ huy trưởng Quân sự xã", Role.MEMBER.value),
    ("uyvien3", "Đỗ Quang Vinh", "Ủy viên UBND xã", Role.MEMBER.value),
    ("khachmoi", "Bùi Thị Mai", "Chủ tịch Ủy ban MTTQ xã", Role.GUEST.value),
    ("luutru", "Ngô Thị Hà", "Văn thư - Lưu trữ", GlobalRole.ARCHIVIST.value),
    ("admin", "Quản trị hệ thống", "", GlobalRole.ADMIN.value),
]


@dataclass(frozen=True)
class Demo:
    body_id: int
    meeting_id: int
    logins: list[tuple[str, str, str]]  # (username, full name, what they are)
    created: bool


def _logins() -> list[tuple[str, str, str]]:
    return [(u, n, r) for u, n, _t, r in PEOPLE]


def make_signing_key(keys_root: Path, body: Body) -> None:
    """A demo CA and the body's PKCS#12 signing key, trusted by this server's archive."""
    assert body.id is not None
    ca_key, ca_cert = create_ca("phonghop Demo CA", "phonghop (demo)")
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = issue_signer(ca_key, ca_cert, common_name=body.name, organization=body.name,
                       passphrase=passphrase)
    (keys_root / "trust").mkdir(parents=True, exist_ok=True)
    (keys_root / "ca").mkdir(parents=True, exist_ok=True)
    (keys_root / "trust" / "demo-ca.pem").write_bytes(ca_cert)
    ca_key_path = keys_root / "ca" / "demo-ca.key.pem"
    ca_key_path.write_bytes(ca_key)
    ca_key_path.chmod(0o600)
    name = f"body-{body.id}.p12"
    (keys_root / name).write_bytes(p12)
    passfile = keys_root / f"{name}.pass"
    passfile.write_bytes(passphrase)
    passfile.chmod(0o600)
    body.signing_p12_path = name


@cache
def _sample_images(body_name: str, place: str, chair: str) -> tuple[bytes, bytes]:
    return stamps.seal_png(body_name, place), stamps.signature_png(chair)


def store_sample_images(session: Session, body: Body, chair: User) -> None:
    """The fictional body's seal and its chair's signature, as if uploaded: sample images that
    say so inside themselves (meetings.minutes.stamps), so the demo's signed minutes show what
    an appearance with scans looks like."""
    seal, signature = _sample_images(body.name.upper(), body.place_name, chair.full_name)
    kinds = signer_images.ImageKind
    signer_images.set_body_seal(session, None, body.id or 0,
                                signer_images.check_png(seal, kinds.SEAL))
    signer_images.set_signature_for_demo(session, chair.id or 0,
                                         signer_images.check_png(signature, kinds.SIGNATURE))


def seed(db: Database, blobs: BlobStore, keys_root: Path, passwords: Passwords) -> Demo:
    with db.write() as session:
        existing = session.exec(select(Body).where(Body.name == BODY_NAME)).first()
        if existing is not None:
            return Demo(existing.id or 0, _first_meeting(session, existing), _logins(), False)
        body = Body(
            name=BODY_NAME,
            parent_name="UBND tỉnh Hưng Yên",
            code="UBND",
            place_name="Tường Tiến",
            signer_title="Chủ tịch UBND xã",
        )
        # A People's Committee: the law's quorum (two thirds) and rule for decisions.
        apply_kind(session, None, body, BodyKind.PEOPLE_COMMITTEE)
        session.add(body)
        session.flush()
        assert body.id is not None
        users: dict[str, User] = {}
        for username, full_name, title, role in PEOPLE:
            global_role = role if role in {r.value for r in GlobalRole} else None
            user = create_user(session, passwords, username=username, full_name=full_name,
                               password=DEMO_PASSWORD, global_role=global_role)
            user.title = title
            users[username] = user
            if global_role is None:
                session.add(BodyMember(
                    body_id=body.id, user_id=user.id or 0, title=title,
                    voting=role in (Role.CHAIR.value, Role.MEMBER.value),
                    can_prepare=role == Role.SECRETARY.value,
                ))
        session.flush()
        make_signing_key(keys_root, body)
        session.add(body)
        store_sample_images(session, body, users["chutich"])
        secretary = actor_of(users["thuky"])
        today = datetime.now(VIETNAM).date()
        meeting = create_meeting(
            session, secretary, body_id=body.id,
            title="Phiên họp thường kỳ tháng 11 năm 2026",
            starts_at=datetime.combine(today, time(14, 0), tzinfo=VIETNAM),
            place="Phòng họp tầng 2, trụ sở UBND xã Tường Tiến",
        )
        assert meeting.id is not None
        for username, _n, _t, role in PEOPLE:
            if role in (Role.CHAIR.value, Role.MEMBER.value, Role.GUEST.value):
                add_participant(session, secretary, meeting.id, user_id=users[username].id or 0,
                                role=role)
        report, _ = add_item(session, secretary, meeting.id,
                             title="Báo cáo tình hình kinh tế - xã hội năm 2026",
                             presenter="Lê Thị Hồng Nhung, Phó Chủ tịch UBND xã",
                             planned_minutes=30)
        resolution, _ = add_item(session, secretary, meeting.id,
                                 title="Kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030",
                                 presenter="Phạm Văn Hải, Phó Chủ tịch UBND xã",
                                 planned_minutes=45)
        add_item(session, secretary, meeting.id, title="Các vấn đề phát sinh",
                 presenter="Trần Văn Đức, Chủ tịch UBND xã", planned_minutes=15)
        accept_document(session, blobs, secretary, meeting.id, report.id or 0,
                        filename="bao-cao-kt-xh-2026.pdf",
                        ingested=read_trusted(demo_documents.report_pdf()),
                        title="Báo cáo tình hình kinh tế - xã hội năm 2026")
        accept_document(session, blobs, secretary, meeting.id, resolution.id or 0,
                        filename="du-thao-nghi-quyet-dtc.pdf",
                        ingested=read_trusted(demo_documents.resolution_pdf()),
                        title="Dự thảo Nghị quyết về kế hoạch đầu tư công trung hạn")
        publish(session, secretary, meeting.id)
        _sent_on_time(session, meeting)
        return Demo(body.id, meeting.id, _logins(), True)


def _sent_on_time(session: Session, meeting: Meeting) -> None:
    """The demo meeting is today, so its documents are dated to the morning of the deadline
    day, as the law asks, rather than marked late."""
    assert meeting.documents_due_on is not None
    sent = datetime.combine(meeting.documents_due_on, time(8, 0), tzinfo=VIETNAM)
    for version in session.exec(
        select(DocumentVersion).join(Document, col(Document.id) == col(DocumentVersion.document_id))
        .where(Document.meeting_id == meeting.id)
    ):
        version.created_at = sent
        session.add(version)
    meeting.published_at = sent + timedelta(minutes=30)
    session.add(meeting)
    mark_late(session, meeting)


def _first_meeting(session: Session, body: Body) -> int:
    meeting = session.exec(select(Meeting).where(Meeting.body_id == body.id)).first()
    return meeting.id if meeting and meeting.id else 0

