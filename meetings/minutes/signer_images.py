"""The scans a signature appearance shows (issue 14 §1): a person's own handwritten signature
and a body's real seal, uploaded as transparent PNGs. The software never draws either; without
an upload the appearance is text only (`meetings.minutes.signing`).

This module owns what a scan must be (a real PNG, at most `MAX_BYTES`, sane pixel dimensions,
a transparent background; a seal between `SEAL_MM` across at its printed size, read from the
PNG's pHYs or else at `ASSUMED_DPI`), who may change which (each person their own signature,
the administrator a body's seal), the audit entries, and reading the scans at sealing time.
A sealed PDF embeds its own copies: changing or removing a scan later never changes it.
"""

# PyMuPDF 2.0 ships partial annotations; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pymupdf
from sqlmodel import Session, select

from meetings.accounts import Actor
from meetings.admin import audit
from meetings.admin.users import require_admin
from meetings.errors import invalid, not_found
from meetings.models import Body, SignerImage, User, utcnow

# A scan travels base64 in a JSON body (phonghop.bodies.JSON_BYTES, 1 MB): 700 KB fits.
MAX_BYTES = 700 * 1024
MIN_SIDE_PX = 40
MAX_SIDE_PX = 4000
ASSUMED_DPI = 300.0
SEAL_MM = (20.0, 60.0)  # a commune's seal is about 36 mm across
# A scan whose background is not transparent would print a white box over the text: at least
# this share of its pixels must be (nearly) fully transparent.
MIN_TRANSPARENT_SHARE = 0.2
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageKind(StrEnum):
    SIGNATURE = "signature"
    SEAL = "seal"


@dataclass(frozen=True)
class CheckedPng:
    """A scan `check_png` accepted, as the kind it was checked as. The check decodes the
    image: do it before the write transaction (the routes run it in a worker thread)."""

    kind: ImageKind
    png: bytes
    width_px: int
    height_px: int
    width_mm: float
    height_mm: float
    dpi_from_file: bool


def _bad(code: str, vi: str, en: str) -> Exception:
    return invalid(code, vi, en, field="png")


def _chunks(data: bytes) -> dict[bytes, bytes]:
    """The PNG's chunks by type (the first of each), CRCs checked; refuse anything else."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _bad("not_png", "Tệp không phải ảnh PNG. Vui lòng chọn ảnh quét định dạng PNG.",
                   "The file is not a PNG image. Please choose a scan saved as PNG.")
    found: dict[bytes, bytes] = {}
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        body = data[at + 8:at + 8 + length]
        crc = data[at + 8 + length:at + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != int.from_bytes(crc):
            break
        found.setdefault(kind, body)
        at += 12 + length
        if kind == b"IEND":
            break
    if b"IHDR" not in found or len(found[b"IHDR"]) != 13 or b"IEND" not in found:
        raise _bad("bad_png", "Ảnh PNG bị hỏng hoặc không đầy đủ. Vui lòng lưu lại ảnh quét "
                   "rồi tải lên lần nữa.",
                   "The PNG image is damaged or incomplete. Please save the scan again and "
                   "upload it once more.")
    return found


def _dpi(chunks: dict[bytes, bytes]) -> tuple[float, float] | None:
    """The resolution the pHYs chunk declares, in dots per inch (None: not declared)."""
    phys = chunks.get(b"pHYs")
    if phys is None or len(phys) != 9 or phys[8] != 1:  # unit 1: per metre
        return None
    x, y = struct.unpack(">II", phys[:8])
    if x <= 0 or y <= 0:
        return None
    return x * 0.0254, y * 0.0254


def check_png(data: bytes, kind: ImageKind) -> CheckedPng:
    """A transparent PNG of sane size, or a DomainError (422) saying what to fix."""
    if not data:
        raise _bad("empty_image", "Chưa chọn ảnh. Vui lòng chọn tệp PNG.",
                   "No image was chosen. Please choose a PNG file.")
    if len(data) > MAX_BYTES:
        raise _bad("image_too_large",
                   f"Ảnh quá lớn ({len(data) // 1024} KB, tối đa {MAX_BYTES // 1024} KB). "
                   "Vui lòng quét ở 300 dpi và cắt sát hình.",
                   f"The image is too large ({len(data) // 1024} KB, at most "
                   f"{MAX_BYTES // 1024} KB). Please scan at 300 dpi and crop it closely.")
    chunks = _chunks(data)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    # Checked before decoding: a small file may declare a huge picture.
    if not (MIN_SIDE_PX <= width <= MAX_SIDE_PX and MIN_SIDE_PX <= height <= MAX_SIDE_PX):
        raise _bad("bad_image_size",
                   f"Kích thước ảnh {width}×{height} điểm ảnh không phù hợp (mỗi cạnh từ "
                   f"{MIN_SIDE_PX} đến {MAX_SIDE_PX}). Vui lòng quét ở 300 dpi và cắt sát hình.",
                   f"The image is {width}×{height} pixels; each side must be between "
                   f"{MIN_SIDE_PX} and {MAX_SIDE_PX}. Please scan at 300 dpi and crop closely.")
    try:
        pixmap = pymupdf.Pixmap(data)
    # MuPDF's own errors (a damaged stream, an unknown filter or bit depth) are not
    # RuntimeErrors.
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase):
        raise _bad("bad_png", "Không đọc được ảnh PNG. Vui lòng lưu lại ảnh quét rồi tải lên "
                   "lần nữa.",
                   "The PNG image could not be read. Please save the scan again and upload "
                   "it once more.") from None
    if not pixmap.alpha:
        raise _bad("no_transparency",
                   "Ảnh không có nền trong suốt (kênh alpha). Vui lòng tách nền ảnh quét và "
                   "lưu thành PNG trong suốt.",
                   "The image has no transparent background (alpha channel). Please remove "
                   "the scan's background and save it as a transparent PNG.")
    alpha = bytes(pixmap.samples[pixmap.n - 1::pixmap.n])
    clear = sum(alpha.count(value) for value in range(33))
    if clear < MIN_TRANSPARENT_SHARE * len(alpha):
        raise _bad("no_transparency",
                   "Nền ảnh chưa trong suốt: ảnh sẽ che mất chữ bên dưới. Vui lòng tách nền "
                   "ảnh quét và lưu thành PNG trong suốt.",
                   "The image's background is not transparent and would hide the text "
                   "beneath. Please remove the scan's background and save a transparent PNG.")
    declared = _dpi(chunks)
    dpi_x, dpi_y = declared or (ASSUMED_DPI, ASSUMED_DPI)
    width_mm, height_mm = width / dpi_x * 25.4, height / dpi_y * 25.4
    if kind == ImageKind.SEAL:
        low, high = SEAL_MM
        if not (low <= width_mm <= high and low <= height_mm <= high):
            source_vi = f"{dpi_x:.0f} dpi ghi trong tệp" if declared else "giả định 300 dpi"
            source_en = f"{dpi_x:.0f} dpi recorded in the file" if declared else "assuming 300 dpi"
            raise _bad("bad_seal_size",
                       f"Con dấu in ra sẽ rộng {width_mm:.0f}×{height_mm:.0f} mm ({source_vi}), "
                       f"ngoài khoảng {low:.0f}–{high:.0f} mm của con dấu thật. Vui lòng quét "
                       "con dấu ở đúng kích thước (ví dụ 300 dpi) và cắt sát hình.",
                       f"The seal would print {width_mm:.0f}×{height_mm:.0f} mm ({source_en}), "
                       f"outside a real seal's {low:.0f}–{high:.0f} mm. Please scan the seal at "
                       "its real size (e.g. 300 dpi) and crop it closely.")
    return CheckedPng(kind, data, width, height, round(width_mm, 2), round(height_mm, 2),
                      declared is not None)


def decode_upload(value: str) -> bytes:
    """The base64 a client sends (a `data:image/png;base64,` prefix is allowed)."""
    if value.startswith("data:"):
        value = value.partition(",")[2]
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise _bad("bad_png", "Ảnh phải gửi dưới dạng base64.",
                   "The image must be sent as base64.") from None


def view(row: SignerImage | None) -> dict[str, Any] | None:
    """What the screens show: the image itself (a data URL) and its printed size."""
    if row is None:
        return None
    return {
        "kind": row.kind,
        "width_px": row.width_px, "height_px": row.height_px,
        "width_mm": row.width_mm, "height_mm": row.height_mm,
        "dpi_from_file": row.dpi_from_file,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at.isoformat(),
        "data_url": "data:image/png;base64," + base64.b64encode(row.png).decode("ascii"),
    }


def signature_of(session: Session, user_id: int) -> SignerImage | None:
    return session.exec(select(SignerImage).where(SignerImage.user_id == user_id)).first()


def seal_of(session: Session, body_id: int) -> SignerImage | None:
    return session.exec(select(SignerImage).where(SignerImage.body_id == body_id)).first()


def _store(session: Session, row: SignerImage | None, checked: CheckedPng, kind: ImageKind,
           actor_id: int | None, *, user_id: int | None = None,
           body_id: int | None = None) -> SignerImage:
    if checked.kind != kind:  # a signature's check skips the seal's size rule
        raise ValueError(f"a scan checked as {checked.kind} stored as {kind}")
    row = row or SignerImage(kind=kind.value, user_id=user_id, body_id=body_id, png=b"",
                             sha256="", width_px=0, height_px=0, width_mm=0, height_mm=0)
    row.png = checked.png
    row.sha256 = hashlib.sha256(checked.png).hexdigest()
    row.width_px, row.height_px = checked.width_px, checked.height_px
    row.width_mm, row.height_mm = checked.width_mm, checked.height_mm
    row.dpi_from_file = checked.dpi_from_file
    row.uploaded_at = utcnow()
    row.uploaded_by = actor_id
    session.add(row)
    session.flush()
    return row


def set_own_signature(session: Session, actor: Actor, checked: CheckedPng) -> SignerImage:
    """The person's own signature scan; nobody sets another's (there is no route for it)."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise not_found("người dùng", "user")
    row = _store(session, signature_of(session, actor.user_id), checked, ImageKind.SIGNATURE,
                 actor.user_id, user_id=actor.user_id)
    audit.record(session, actor.user_id, "user.signature_set", user.username,
                 sha256=row.sha256, width_mm=row.width_mm, height_mm=row.height_mm)
    return row


def remove_own_signature(session: Session, actor: Actor) -> bool:
    row = signature_of(session, actor.user_id)
    if row is None:
        return False
    user = session.get(User, actor.user_id)
    session.delete(row)
    audit.record(session, actor.user_id, "user.signature_removed",
                 user.username if user else "", sha256=row.sha256)
    return True


def _body(session: Session, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("cơ quan", "body")
    return body


def set_body_seal(session: Session, actor: Actor | None, body_id: int,
                  checked: CheckedPng) -> SignerImage:
    """The body's seal scan, by an administrator (`actor` None: the demo seeding)."""
    if actor is not None:
        require_admin(actor)
    body = _body(session, body_id)
    actor_id = actor.user_id if actor is not None else None
    row = _store(session, seal_of(session, body_id), checked, ImageKind.SEAL, actor_id,
                 body_id=body_id)
    audit.record(session, actor_id, "body.seal_set", body.name, sha256=row.sha256,
                 width_mm=row.width_mm, height_mm=row.height_mm)
    return row


def remove_body_seal(session: Session, actor: Actor, body_id: int) -> bool:
    require_admin(actor)
    body = _body(session, body_id)
    row = seal_of(session, body_id)
    if row is None:
        return False
    session.delete(row)
    audit.record(session, actor.user_id, "body.seal_removed", body.name, sha256=row.sha256)
    return True


def read_body_seal(session: Session, actor: Actor, body_id: int) -> SignerImage | None:
    require_admin(actor)
    _body(session, body_id)
    return seal_of(session, body_id)


def set_signature_for_demo(session: Session, user_id: int, checked: CheckedPng) -> SignerImage:
    """The demo seeding stores its fictional chair's sample signature (no login there)."""
    return _store(session, signature_of(session, user_id), checked, ImageKind.SIGNATURE,
                  None, user_id=user_id)
