"""Verifying a minutes file anyone hands in: its signatures, and whether it is the archive's.

`verify_file` checks every signature offline against the installed trust roots
(`signing.verify_pdf`: signer, time, certification path, timestamp, revocation data found,
and what was changed after each signature by pyHanko's difference analysis, so that an
incremental update that rewrites a page is red even though poppler's `pdfsig` calls the
signature itself valid) and, given a lookup, whether this exact file (by SHA-256) is the
signed minutes of a sealed meeting and whether that meeting's record chain still ends in the
digest the minutes printed and signed (or of a meeting disposed of since: its tombstone keeps
the digest).

The verdict is "valid" only when there is at least one signature and every signature is
intact, valid, trusted and followed by nothing but later signatures or validation data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meetings import clock
from meetings.minutes.signing import SignatureCheck, verify_pdf


@dataclass(frozen=True)
class ArchivedCopy:
    """The sealed meeting whose signed minutes are byte for byte the file checked."""

    meeting_id: int
    title: str
    number: int | None
    code: str  # the minutes number's suffix, "BB-UBND"
    record_digest: str | None  # printed and signed in the minutes
    record_intact: bool  # the record chain verifies and ends in that digest
    # A meeting disposed of after its retention period (`meetings.disposal`): its tombstone
    # still knows the minutes' digest, but the record is gone.
    disposed_at: datetime | None = None
    disposed_by: str = ""
    disposal_reason: str = ""


@dataclass(frozen=True)
class FileVerification:
    sha256: str
    signatures: list[SignatureCheck]
    archived: ArchivedCopy | None
    verdict: str  # "valid", "invalid", "unsigned"
    summary: str  # Vietnamese / English


def verify_file(
    pdf: bytes,
    trust_roots_pem: list[bytes],
    lookup: Callable[[str], ArchivedCopy | None] | None = None,
) -> FileVerification:
    """Check pdf; raises ValueError when the bytes are not a PDF at all."""
    checks = verify_pdf(pdf, trust_roots_pem)
    sha256 = hashlib.sha256(pdf).hexdigest()
    archived = lookup(sha256) if lookup is not None else None
    verdict = _verdict(checks)
    return FileVerification(sha256, checks, archived, verdict, _summary(verdict, checks, archived))


def sound(check: SignatureCheck) -> bool:
    """A signature that vouches for the file as it is."""
    return check.intact and check.valid and check.trusted and not check.modified_after


def _verdict(checks: list[SignatureCheck]) -> str:
    if not checks:
        return "unsigned"
    return "valid" if all(sound(c) for c in checks) else "invalid"


def _summary(verdict: str, checks: list[SignatureCheck], archived: ArchivedCopy | None) -> str:
    if verdict == "unsigned":
        vi, en = ("Tệp không có chữ ký số nào.", "The file carries no digital signature.")
    elif verdict == "valid":
        vi = f"Tất cả {len(checks)} chữ ký số hợp lệ, được tin cậy; tệp không bị sửa sau khi ký."
        en = (f"All {len(checks)} digital signature(s) valid and trusted; the file was not "
              "changed after signing.")
    else:
        bad = [c for c in checks if not sound(c)]
        vi = f"{len(bad)}/{len(checks)} chữ ký số không xác nhận được tệp này."
        en = f"{len(bad)} of {len(checks)} digital signature(s) do not vouch for this file."
    if archived is not None and archived.disposed_at is not None:
        day = clock.date_text(archived.disposed_at)
        vi += (f" Đây đúng là bản biên bản đã ký của cuộc họp «{archived.title}»; hồ sơ lưu "
               f"trữ của cuộc họp đã được tiêu hủy ngày {day} khi hết thời hạn lưu trữ "
               "(không còn nhật ký để đối chiếu).")
        en += (f" This is exactly the signed minutes of the meeting «{archived.title}»; its "
               f"records were disposed of on {day} after their retention period (no record "
               "is left to compare).")
    elif archived is not None:
        vi += " Đây đúng là bản biên bản đã ký lưu trong kho lưu trữ"
        en += " This is exactly the signed minutes kept in the archive"
        if archived.record_intact:
            vi += "; nhật ký cuộc họp khớp với mã băm ghi trong biên bản."
            en += "; the meeting's record matches the digest printed in the minutes."
        else:
            vi += ", nhưng nhật ký cuộc họp KHÔNG khớp với mã băm ghi trong biên bản."
            en += ", but the meeting's record does NOT match the digest printed in the minutes."
    else:
        vi += " Không tìm thấy tệp này trong phần kho lưu trữ được phép xem."
        en += " This file is not in the archive (that you may read)."
    return f"{vi} / {en}"


def report(result: FileVerification) -> dict[str, Any]:
    """The verification as JSON for the API and `phonghop verify --json`."""
    return {
        "sha256": result.sha256,
        "verdict": result.verdict,
        "summary": result.summary,
        "signatures": [signature_view(c) for c in result.signatures],
        "archived": None if result.archived is None else {
            "meeting_id": result.archived.meeting_id,
            "title": result.archived.title,
            "number": result.archived.number,
            "code": result.archived.code,
            "record_digest": result.archived.record_digest,
            "record_intact": result.archived.record_intact,
            "disposed": None if result.archived.disposed_at is None else {
                "at": clock.iso_vietnam(result.archived.disposed_at),
                "by": result.archived.disposed_by,
                "reason": result.archived.disposal_reason,
            },
        },
    }


def signature_view(c: SignatureCheck) -> dict[str, Any]:
    """One signature's check as JSON (the verify route, `phonghop verify --json`, the archive)."""
    return {
        "field": c.field,
        "signer": c.signer,
        "organization": c.organization,
        "signing_time": c.signing_time.isoformat() if c.signing_time else None,
        "intact": c.intact,
        "valid": c.valid,
        "trusted": c.trusted,
        "chain": list(c.chain),
        "timestamp": c.timestamp.isoformat() if c.timestamp else None,
        "revocation": c.revocation,
        "covers_whole_document": c.covers_whole_document,
        "modification": c.modification,
        "modified_after": c.modified_after,
        "ok": sound(c),
        "summary": c.summary,
    }
