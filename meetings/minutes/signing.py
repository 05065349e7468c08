"""PAdES signatures on PDF files: signing with a PKCS#12 key, and verifying offline.

Signatures are PAdES baseline B-B (ETSI.CAdES.detached, SHA-256), readable by Adobe Reader,
poppler's pdfsig and pyHanko. Nothing here touches the network: no OCSP, CRL or time-stamp
server is asked, and verification trusts only the roots it is given.

A visible signature shows, inside the box the minutes reserved for it, the signer's uploaded
scan of their handwritten signature with the body's uploaded seal over its left third (either
only when uploaded: nothing is drawn by the software; without them the box is text only), and
the lines "Ký bởi"
(the signer as `signer_name` reads the signing certificate), the signer's title and "Thời
gian ký" in ISO 8601 with the Vietnam offset (+07:00). The
appearance is drawn with PyMuPDF as a one-page PDF and embedded by pyHanko as the signature
field's appearance stream, so later signatures can be added without breaking earlier ones.

Both entry points are synchronous and run pyHanko's own event loop: call them from a worker
thread, not from inside a running asyncio loop.
"""

# PyMuPDF 2.0 ships partial annotations; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import binascii
import io
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pymupdf
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from meetings import clock
from meetings.minutes.fonts import SerifStyle, font_dir
from meetings.minutes.layout import SignatureBox

MM = 72 / 25.4
_TEXT_SIZE = 7.0
_TEXT_LEADING = 8.4


@dataclass(frozen=True)
class SignatureAppearance:
    """What the box shows besides the signer's name, which comes from the certificate."""

    box: SignatureBox
    signer_title: str
    seal_png: bytes | None
    signature_png: bytes | None
    # The seal's printed width as uploaded (meetings.minutes.signer_images); None: read from
    # the PNG's resolution.
    seal_width_mm: float | None = None


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str  # `signer_name` of the signing certificate
    organization: str
    signing_time: datetime | None  # as the signer's software recorded it
    intact: bool  # the signed bytes are unchanged
    valid: bool  # intact, cryptographically sound, and later changes (if any) are allowed
    trusted: bool  # the certificate chains to one of the given roots
    covers_whole_document: bool  # nothing was appended after this signature
    summary: str  # Vietnamese / English, for people
    # What was changed after this signature, as pyHanko's difference analysis reads the later
    # revisions: "none", "lta_updates" (validation data, document timestamps), "form_filling"
    # (e.g. a later signature), "annotations", "other" (page content, anything else), or
    # "unknown" when the analysis could not explain the changes (treated as "other").
    modification: str = "unknown"
    chain: tuple[str, ...] = ()  # the certification path, signer first, when it was trusted
    timestamp: datetime | None = None  # an RFC 3161 signature timestamp's time, if any
    # Revocation at signing time: "checked" when revocation data was found and used,
    # "not_checked" when none was embedded (the check is offline: nothing is fetched).
    revocation: str = "not_checked"

    @property
    def modified_after(self) -> bool:
        """Content was changed after signing: more than validation data or later signatures."""
        return not self.intact or self.modification in ("annotations", "other", "unknown")


def signer_name(subject: Mapping[str, Any]) -> str:
    """The one name a signer goes by everywhere (the signature's box, the minutes page, the
    archive, `Minutes.signer_name`): the common name of the signing certificate's subject (a
    person, or the body itself for a body's key), else its organization; one line, NFC."""
    name = str(subject.get("common_name") or subject.get("organization_name") or "")
    return " ".join(unicodedata.normalize("NFC", name).split())


def _load_signer(p12: bytes, passphrase: bytes) -> tuple[signers.SimpleSigner, str]:
    """The signer in a PKCS#12 file, and the name its certificate gives it."""
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[],
                                                       passphrase=passphrase)
    except ValueError as exc:
        signer = None
        error: Exception | None = exc
    else:
        error = None
    if signer is None or signer.signing_cert is None:
        raise ValueError(
            "Không mở được khóa ký số: sai mật khẩu hoặc tệp PKCS#12 hỏng. / Could not open "
            "the signing key: wrong passphrase or damaged PKCS#12 file."
        ) from error
    return signer, signer_name(signer.signing_cert.subject.native)


def signer_of(p12: bytes, passphrase: bytes) -> str:
    """`signer_name` of the certificate in a PKCS#12 file: who a signature with it names."""
    return _load_signer(p12, passphrase)[1]


def sign_pdf(
    pdf: bytes,
    p12: bytes,
    passphrase: bytes,
    *,
    field_name: str,
    signing_time: datetime,
    reason: str,
    location: str,
    appearance: SignatureAppearance | None = None,
) -> bytes:
    """Sign pdf as an incremental update; invisible unless an appearance is given."""
    if signing_time.utcoffset() is None:
        raise ValueError("signing_time must carry a time zone (naive datetime given)")
    signer, name = _load_signer(p12, passphrase)

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    if appearance is None:
        field_spec = fields.SigFieldSpec(sig_field_name=field_name)
        style: StaticStampStyle | None = None
    else:
        box = appearance.box
        field_spec = fields.SigFieldSpec(
            sig_field_name=field_name, on_page=box.page, box=_pdf_space(pdf, box)
        )
        style = StaticStampStyle(
            background=_PdfPageContent(_appearance_pdf(appearance, name, signing_time)),
            background_opacity=1.0,
            border_width=0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )
    pdf_signer = _PdfSignerAt(
        metadata, signer, signing_time, stamp_style=style, new_field_spec=field_spec
    )
    output = pdf_signer.sign_pdf(writer)
    return bytes(output.getvalue())


def verify_pdf(pdf: bytes, trust_roots_pem: list[bytes]) -> list[SignatureCheck]:
    """Check every signature in pdf against the given trust roots, offline.

    No signatures: an empty list. A damaged file: checks with valid=False saying why.
    Raises ValueError only when the bytes are not a PDF at all."""
    if b"%PDF-" not in pdf[:1024]:
        raise ValueError("Tệp không phải PDF. / The file is not a PDF.")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file must not take the caller down
        return [_broken("", f"không đọc được tệp PDF / unreadable PDF: {exc}")]

    roots = [cert for pem in trust_roots_pem for cert in load_certs_from_pemder_data(pem)]
    checks: list[SignatureCheck] = []
    for signature in embedded:
        field = str(signature.field_name)
        try:
            context = ValidationContext(
                trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
            )
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception as exc:  # a damaged signature is reported, not raised
            checks.append(_broken(field, str(exc)))
            continue
        certificate = status.signing_cert
        subject = certificate.subject.native if certificate is not None else {}
        intact = bool(status.intact)
        valid = bool(
            intact and status.valid and (status.docmdp_ok or status.modification_level is None)
        )
        trusted = bool(valid and status.trusted)
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        modification = _modification(status, whole)
        checks.append(
            SignatureCheck(
                field=field,
                signer=signer_name(subject),
                organization=str(subject.get("organization_name", "")),
                signing_time=_signing_time(status.signer_reported_dt, signature),
                intact=intact,
                valid=valid,
                trusted=trusted,
                covers_whole_document=whole,
                summary=_summary(intact, valid, trusted, whole, modification),
                modification=modification,
                chain=_chain(status) if trusted else (),
                timestamp=_timestamp(status),
                revocation="checked" if status.revocation_details is not None else "not_checked",
            )
        )
    return checks


def _modification(status: Any, whole: bool) -> str:
    """The modification level of the revisions after a signature, as a plain code."""
    if whole:
        return "none"
    level = getattr(status, "modification_level", None)
    if level is None:
        return "unknown"
    return {
        "NONE": "none",
        "LTA_UPDATES": "lta_updates",
        "FORM_FILLING": "form_filling",
        "ANNOTATIONS": "annotations",
    }.get(getattr(level, "name", ""), "other")


def _chain(status: Any) -> tuple[str, ...]:
    path = getattr(status, "validation_path", None)
    if path is None:
        return ()
    try:
        certificates = list(path)
    except TypeError:  # an older pyhanko-certvalidator path object
        return ()
    return tuple(signer_name(c.subject.native) for c in reversed(certificates))


def _timestamp(status: Any) -> datetime | None:
    validity = getattr(status, "timestamp_validity", None)
    moment = getattr(validity, "timestamp", None) if validity is not None else None
    return moment if isinstance(moment, datetime) else None


class _PdfSignerAt(signers.PdfSigner):
    """A PdfSigner that records the given signing time instead of the clock's."""

    def __init__(
        self,
        metadata: signers.PdfSignatureMetadata,
        signer: signers.Signer,
        signing_time: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(metadata, signer, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: Any, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


class _PdfPageContent(content.PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage
    reads from a file name only)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = b"/Appearance" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobject
        x0, y0, x1, y1 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x0), height=abs(y1 - y0))
        return name + b" Do"


def _appearance_pdf(
    appearance: SignatureAppearance, signer: str, signing_time: datetime
) -> bytes:
    """One page the size of the box: the signature, the seal over its left third, and three
    text lines at the bottom."""
    x0, y0, x1, y1 = appearance.box.rect
    width, height = x1 - x0, y1 - y0
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    lines = [
        f"Ký bởi: {signer}",
        _one_line(appearance.signer_title),
        f"Thời gian ký: {clock.iso_vietnam(signing_time)}",
    ]
    lines = [line for line in lines if line]
    text_height = len(lines) * _TEXT_LEADING + 2
    image_area = pymupdf.Rect(0, 0, width, height - text_height)
    _draw_images(page, image_area, appearance.signature_png, appearance.seal_png,
                 appearance.seal_width_mm)

    regular = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.REGULAR.value))
    bold = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    writer = pymupdf.TextWriter(page.rect)
    has_images = appearance.signature_png is not None or appearance.seal_png is not None
    top = image_area.y1 if has_images else (height - text_height) / 2
    for index, line in enumerate(lines):
        font = bold if index == 0 else regular
        size = _TEXT_SIZE
        line_width = font.text_length(line, fontsize=size)
        if line_width > width - 4:
            size *= (width - 4) / line_width
            line_width = width - 4
        baseline = top + index * _TEXT_LEADING + _TEXT_SIZE
        writer.append(pymupdf.Point((width - line_width) / 2, baseline), line, font, size)
    writer.write_text(page)
    doc.subset_fonts()
    data = bytes(doc.tobytes(garbage=4, deflate=True))
    doc.close()
    return data


def _draw_images(
    page: pymupdf.Page, area: pymupdf.Rect, signature: bytes | None, seal: bytes | None,
    seal_width_mm: float | None = None,
) -> None:
    """Decree 30, appendix I: the seal, at real size, covers about the left third of the
    handwritten signature. Both are centred in area as a group. Only uploaded scans are
    placed here; with neither, the box is text only."""
    pad = 1 * MM
    middle_y = (area.y0 + area.y1) / 2
    real = seal_width_mm * MM if seal_width_mm else _real_size(seal) if seal else 0.0
    diameter = min(real, area.height + 2 * MM) if seal is not None else 0.0
    if signature is None:
        if seal is not None:
            center = pymupdf.Point((area.x0 + area.x1) / 2, max(middle_y, diameter / 2))
            page.insert_image(_square(center, diameter), stream=seal)
        return
    if seal is None:
        inset = max(pad, (area.width - 52 * MM) / 2)
        page.insert_image(_fit(signature, area + (inset, pad, -inset, -pad)), stream=signature)
        return
    # seal right edge = signature left + a third of its width; the group fills the width.
    sig_width = min((area.width - 2 * pad - diameter) * 1.5, 58 * MM)
    group = diameter + sig_width * 2 / 3
    left = area.x0 + (area.width - group) / 2
    sig_x0 = left + diameter - sig_width / 3
    sig_rect = _fit(
        signature, pymupdf.Rect(sig_x0, area.y0 + pad, sig_x0 + sig_width, area.y1 - pad)
    )
    page.insert_image(sig_rect, stream=signature)
    center = pymupdf.Point(left + diameter / 2, max(middle_y, diameter / 2))
    page.insert_image(_square(center, diameter), stream=seal)


def _square(center: pymupdf.Point, side: float) -> pymupdf.Rect:
    half = side / 2
    return pymupdf.Rect(center.x - half, center.y - half, center.x + half, center.y + half)


def _fit(png: bytes, area: pymupdf.Rect) -> pymupdf.Rect:
    """The largest rectangle of the image's aspect ratio centred in area."""
    pixmap = pymupdf.Pixmap(png)
    scale = min(area.width / pixmap.width, area.height / pixmap.height)
    w, h = pixmap.width * scale, pixmap.height * scale
    cx, cy = (area.x0 + area.x1) / 2, (area.y0 + area.y1) / 2
    return pymupdf.Rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _real_size(png: bytes) -> float:
    """Printed width in points, from the PNG's resolution (seals are shown at real size)."""
    pixmap = pymupdf.Pixmap(png)
    dpi = pixmap.xres if pixmap.xres and pixmap.xres > 72 else 300
    return float(pixmap.width / dpi * 72)


def _pdf_space(pdf: bytes, box: SignatureBox) -> tuple[int, int, int, int]:
    """The box in PDF user space (bottom-left origin, whole points as pyHanko takes them),
    honouring the page's boxes."""
    with pymupdf.open("pdf", pdf) as doc:
        if not 0 <= box.page < doc.page_count:
            raise ValueError(
                f"signature box on page {box.page + 1}, but the PDF has {doc.page_count} pages"
            )
        rect = pymupdf.Rect(box.rect) * ~doc[box.page].transformation_matrix
    return (round(rect.x0), round(rect.y0), round(rect.x1), round(rect.y1))


def _signing_time(reported: datetime | None, signature: Any) -> datetime | None:
    if reported is not None:
        return reported
    moment = signature.self_reported_timestamp
    return moment if isinstance(moment, datetime) else None


def _summary(intact: bool, valid: bool, trusted: bool, whole: bool,
             modification: str = "none") -> str:
    if not intact:
        return (
            "Tài liệu đã bị sửa sau khi ký: chữ ký không còn giá trị. / The document was "
            "altered after signing: the signature is no longer valid."
        )
    if modification in ("annotations", "other", "unknown"):
        return (
            "Tài liệu đã bị sửa đổi sau khi ký (một phiên bản bổ sung thay đổi nội dung): chữ ký "
            "không còn xác nhận nội dung đang hiển thị. / The document was modified after "
            "signing (a later revision changes its content): the signature no longer vouches "
            "for what is shown."
        )
    if not valid:
        return (
            "Chữ ký không hợp lệ hoặc tài liệu bị thay đổi trái phép sau khi ký. / The "
            "signature is invalid or the document was changed in a way signing does not allow."
        )
    vi = "Chữ ký hợp lệ"
    en = "Signature valid"
    if trusted:
        vi += ", chứng thư chữ ký số được tin cậy"
        en += ", certificate trusted"
    else:
        vi += (", nhưng chứng thư chữ ký số không do tổ chức cung cấp dịch vụ chứng thực chữ ký "
               "số được tin cậy cấp")
        en += ", but the certificate does not chain to a trusted root"
    if whole:
        vi += ", bao trùm toàn bộ tài liệu."
        en += ", covering the whole document."
    else:
        vi += "; sau khi ký tài liệu chỉ được thêm chữ ký hoặc điền biểu mẫu."
        en += "; after it, only signatures or form fields were added."
    return f"{vi} / {en}"


def _broken(field: str, reason: str) -> SignatureCheck:
    return SignatureCheck(
        field=field,
        signer="",
        organization="",
        signing_time=None,
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_document=False,
        summary=f"Không kiểm tra được chữ ký / The signature could not be checked: {reason}",
    )


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
