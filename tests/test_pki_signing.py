"""Signed minutes as an archivist would check them: pyHanko and poppler's pdfsig both accept
the signatures, and both reject a file with one changed byte."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pymupdf
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from meetings.minutes import pki
from meetings.minutes.layout import (
    ComposedMinutes,
    MinutesAttendee,
    MinutesData,
    MinutesItem,
    MinutesPerson,
    MinutesVote,
    compose_minutes,
)
from meetings.minutes.signing import SignatureAppearance, sign_pdf, verify_pdf
from meetings.minutes.stamps import seal_png, signature_png
from tests.conftest import IN_CI, in_ci

BODY = "UBND xã Tường Tiến"
CHAIR, SECRETARY = "Nguyễn Văn Đức", "Trần Thị Hằng"
CHAIR_PASS, SECRETARY_PASS = b"chu-toa-2026", b"thu-ky-2026"
VIETNAM = timezone(timedelta(hours=7))
SECRETARY_SIGNED = datetime(2026, 11, 26, 15, 0, 0, tzinfo=VIETNAM)
CHAIR_SIGNED = datetime(2026, 11, 26, 8, 4, 5, tzinfo=UTC)  # 15:04:05 in Hà Nội


@dataclass(frozen=True)
class Pki:
    ca_key: bytes
    ca_cert: bytes
    chair_p12: bytes
    secretary_p12: bytes


@pytest.fixture(scope="module")
def keys() -> Pki:
    ca_key, ca_cert = pki.create_ca("phonghop CA thử nghiệm", BODY)
    return Pki(
        ca_key=ca_key,
        ca_cert=ca_cert,
        chair_p12=pki.issue_signer(
            ca_key,
            ca_cert,
            common_name=CHAIR,
            organization=BODY,
            email="duc@tuongtien.example",
            passphrase=CHAIR_PASS,
        ),
        secretary_p12=pki.issue_signer(
            ca_key, ca_cert, common_name=SECRETARY, organization=BODY, passphrase=SECRETARY_PASS
        ),
    )


def minutes_data() -> MinutesData:
    rule = "quá nửa tổng số thành viên"
    return MinutesData(
        parent_body="UBND tỉnh Hưng Yên",
        body=BODY,
        body_code="UBND",
        number=7,
        place_name="Tường Tiến",
        meeting_date=date(2026, 11, 26),
        title="Phiên họp thường kỳ tháng 11 năm 2026",
        location="Phòng họp số 1",
        started_at=datetime(2026, 11, 26, 14, 0, tzinfo=VIETNAM),
        ended_at=datetime(2026, 11, 26, 14, 55, tzinfo=VIETNAM),
        chair=MinutesPerson(CHAIR, "Chủ tịch UBND xã"),
        secretary=MinutesPerson(SECRETARY, "Công chức Văn phòng - Thống kê"),
        attendees=(
            MinutesAttendee(CHAIR, "Chủ tịch UBND xã", "chair", True),
            MinutesAttendee(SECRETARY, "Công chức Văn phòng - Thống kê", "secretary", True),
            MinutesAttendee("Phạm Quốc Việt", "Phó Chủ tịch UBND xã", "member", True),
        ),
        items=tuple(
            MinutesItem(
                position=i,
                title=f"Dự thảo Nghị quyết số {i}",
                presenter="Phạm Quốc Việt",
                documents=("Tờ trình",),
                conclusion="Thống nhất thông qua; giao Văn phòng hoàn thiện hồ sơ.",
                votes=(MinutesVote("Thông qua dự thảo", "named", 2, True, rule, yes=2, basis=2,
                                   basis_text="tổng số thành viên"),),
            )
            for i in range(1, 6)
        ),
        general_conclusion="Cuộc họp hoàn thành chương trình đề ra.",
        recipients=("Thường trực HĐND xã",),
        record_digest="ab" * 32,
        draft=False,
    )


@pytest.fixture(scope="module")
def composed() -> ComposedMinutes:
    return compose_minutes(minutes_data())


@pytest.fixture(scope="module")
def signed(keys: Pki, composed: ComposedMinutes) -> bytes:
    """Signed by the secretary, then the chair, as in a real meeting, with the demo's sample
    images (meetings.minutes.stamps) standing in for uploaded scans of their signatures and the
    body's seal."""
    by_secretary = sign_pdf(
        composed.pdf,
        keys.secretary_p12,
        SECRETARY_PASS,
        field_name="ThuKy",
        signing_time=SECRETARY_SIGNED,
        reason="Thư ký ký biên bản",
        location="Tường Tiến",
        appearance=SignatureAppearance(
            box=composed.secretary_box,
            signer_title="Công chức Văn phòng - Thống kê",
            seal_png=None,
            signature_png=signature_png(SECRETARY),
        ),
    )
    pdf = sign_pdf(
        by_secretary,
        keys.chair_p12,
        CHAIR_PASS,
        field_name="ChuToa",
        signing_time=CHAIR_SIGNED,
        reason="Chủ tọa ký biên bản",
        location="Tường Tiến",
        appearance=SignatureAppearance(
            box=composed.chair_box,
            signer_title="Chủ tịch UBND xã",
            seal_png=seal_png(BODY, "Tỉnh Hưng Yên"),
            signature_png=signature_png(CHAIR),
        ),
    )
    artifacts = os.environ.get("PHONGHOP_TEST_ARTIFACTS")
    if artifacts:
        save_artifacts(Path(artifacts), pdf)
    return pdf


def save_artifacts(directory: Path, pdf: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "signed-minutes.pdf"
    path.write_bytes(pdf)
    with pymupdf.open("pdf", pdf) as doc:
        last = doc.page_count
    for page, name in ((1, "signed-minutes-page-1"), (last, "signed-minutes-last-page")):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "80",
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(path),
                str(directory / name),
            ],
            check=True,
        )


# --- certificates ---------------------------------------------------------------------------


def test_ca_certificate_is_a_ca(keys: Pki) -> None:
    ca = x509.load_pem_x509_certificate(keys.ca_cert)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert ca.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"


def test_signer_p12_holds_key_certificate_and_chain(keys: Pki) -> None:
    credentials = pki.load_p12(keys.chair_p12, CHAIR_PASS)
    certificate = credentials.certificate
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == CHAIR
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == BODY
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    extended = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in extended
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert [c.subject for c in credentials.chain] == [
        x509.load_pem_x509_certificate(keys.ca_cert).subject
    ]
    assert certificate.issuer == credentials.chain[0].subject


def test_p12_needs_its_passphrase(keys: Pki) -> None:
    with pytest.raises(ValueError, match="passphrase"):
        pki.load_p12(keys.chair_p12, b"wrong")
    with pytest.raises(ValueError, match="passphrase"):
        pki.issue_signer(
            keys.ca_key, keys.ca_cert, common_name="A", organization="B", passphrase=b""
        )


# --- verification by pyHanko ----------------------------------------------------------------


def test_pyhanko_verifies_both_signatures(keys: Pki, signed: bytes) -> None:
    secretary, chair = verify_pdf(signed, [keys.ca_cert])
    assert (secretary.field, secretary.signer) == ("ThuKy", SECRETARY)
    assert (chair.field, chair.signer) == ("ChuToa", CHAIR)
    for check in (secretary, chair):
        assert check.intact and check.valid and check.trusted, check.summary
        assert check.organization == BODY
    assert chair.covers_whole_document
    assert not secretary.covers_whole_document  # the chair signed after, in an update
    assert secretary.signing_time == SECRETARY_SIGNED
    assert chair.signing_time == CHAIR_SIGNED


def test_signature_from_another_ca_is_valid_but_not_trusted(signed: bytes) -> None:
    _, other_ca = pki.create_ca("Another CA", "Somewhere else")
    checks = verify_pdf(signed, [other_ca])
    assert [c.valid for c in checks] == [True, True]
    assert [c.trusted for c in checks] == [False, False]
    assert all("not chain to a trusted root" in c.summary for c in checks)


def test_unsigned_pdf_has_no_signatures(keys: Pki, composed: ComposedMinutes) -> None:
    assert verify_pdf(composed.pdf, [keys.ca_cert]) == []


def test_not_a_pdf_is_refused_clearly(keys: Pki) -> None:
    with pytest.raises(ValueError, match="not a PDF"):
        verify_pdf(b"PK\x03\x04 a zip file", [keys.ca_cert])


def test_truncated_file_is_reported_not_raised(keys: Pki, signed: bytes) -> None:
    for cut in (len(signed) // 2, len(signed) - 200, 2000):
        checks = verify_pdf(signed[:cut], [keys.ca_cert])
        assert not any(c.valid for c in checks)


def test_wrong_passphrase_is_refused(keys: Pki, composed: ComposedMinutes) -> None:
    with pytest.raises(ValueError, match="passphrase"):
        sign_pdf(
            composed.pdf,
            keys.chair_p12,
            b"nope",
            field_name="ChuToa",
            signing_time=CHAIR_SIGNED,
            reason="",
            location="",
        )


def test_invisible_signature_verifies(keys: Pki, composed: ComposedMinutes) -> None:
    pdf = sign_pdf(
        composed.pdf,
        keys.chair_p12,
        CHAIR_PASS,
        field_name="ChuToa",
        signing_time=CHAIR_SIGNED,
        reason="Chủ tọa ký",
        location="Tường Tiến",
    )
    (check,) = verify_pdf(pdf, [keys.ca_cert])
    assert check.valid and check.trusted and check.covers_whole_document
    with pymupdf.open("pdf", pdf) as doc:
        (widget,) = [w for page in doc for w in page.widgets()]
        assert widget.field_name == "ChuToa" and widget.rect.is_empty


# --- the visible signature ------------------------------------------------------------------


def test_visible_signature_shows_who_when_signature_and_seal(
    signed: bytes, composed: ComposedMinutes
) -> None:
    with pymupdf.open("pdf", signed) as doc:
        page = doc[composed.chair_box.page]
        widgets = {w.field_name: w.rect for w in page.widgets()}
        for name, box in (("ThuKy", composed.secretary_box), ("ChuToa", composed.chair_box)):
            assert tuple(widgets[name]) == pytest.approx(box.rect, abs=1)
        colours = {
            name: ink_colours(page.get_pixmap(dpi=72, clip=pymupdf.Rect(box.rect)))
            for name, box in (("ThuKy", composed.secretary_box), ("ChuToa", composed.chair_box))
        }
        assert colours["ThuKy"] == {"blue"}
        assert colours["ChuToa"] == {"blue", "red"}
        doc.bake()  # turn the appearances into page content to read their text
        text = " ".join(doc[composed.chair_box.page].get_text().split())
    assert f"Ký bởi: {CHAIR}" in text
    assert "Chủ tịch UBND xã" in text
    assert "Thời gian ký: 2026-11-26T15:04:05+07:00" in text
    assert "Thời gian ký: 2026-11-26T15:00:00+07:00" in text


def test_without_scans_the_visible_signature_is_text_only(
    keys: Pki, composed: ComposedMinutes, signed: bytes
) -> None:
    """Nothing uploaded, nothing drawn: no image, no ink, only who, what title and when."""
    pdf = sign_pdf(
        composed.pdf, keys.chair_p12, CHAIR_PASS, field_name="ChuToa",
        signing_time=CHAIR_SIGNED, reason="Chủ tọa ký", location="Tường Tiến",
        appearance=SignatureAppearance(box=composed.chair_box, signer_title="Chủ tịch UBND xã",
                                       seal_png=None, signature_png=None),
    )
    (check,) = verify_pdf(pdf, [keys.ca_cert])
    assert check.valid and check.trusted
    with pymupdf.open("pdf", pdf) as doc:
        page = doc[composed.chair_box.page]
        assert ink_colours(page.get_pixmap(dpi=72, clip=pymupdf.Rect(composed.chair_box.rect))) \
            == set()
        doc.bake()
        assert sum(len(p.get_images(full=True)) for p in doc) == 0
        text = " ".join(doc[composed.chair_box.page].get_text().split())
    assert f"Ký bởi: {CHAIR}" in text and "Thời gian ký: 2026-11-26T15:04:05+07:00" in text
    with pymupdf.open("pdf", signed) as doc:  # the same check finds the scans when there are
        doc.bake()
        assert sum(len(p.get_images(full=True)) for p in doc) == 3


def test_signed_file_embeds_every_font(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, rule, *rows = lines
    emb = header.index(" emb ") + 1
    assert len(rows) >= 4  # the minutes' four styles and the appearances' own subsets
    for row in rows:
        assert "Liberation Serif" in row and row[emb : emb + 3] == "yes", row


def ink_colours(pixmap: pymupdf.Pixmap) -> set[str]:
    found = set()
    samples, n = pixmap.samples, pixmap.n
    for i in range(0, len(samples), n):
        r, g, b = samples[i], samples[i + 1], samples[i + 2]
        if b > 120 and r < 90 and g < 110:
            found.add("blue")
        if r > 170 and g < 80 and b < 80:
            found.add("red")
    return found


def test_stamps_are_transparent_pngs_of_real_size() -> None:
    seal = pymupdf.Pixmap(seal_png(BODY, "Tỉnh Hưng Yên"))
    assert seal.alpha and seal.xres == 300
    assert seal.width / 300 * 25.4 == pytest.approx(36, abs=1.5)
    assert seal.pixel(2, 2)[3] == 0  # transparent corner
    assert seal_png(BODY, "Tỉnh Hưng Yên") == seal_png(BODY, "Tỉnh Hưng Yên")
    ink = pymupdf.Pixmap(signature_png(CHAIR))
    assert ink.alpha and ink.pixel(0, 0)[3] == 0
    assert signature_png(CHAIR) == signature_png(CHAIR)
    assert signature_png(CHAIR) != signature_png(SECRETARY)


# --- verification by poppler's pdfsig (NSS) -------------------------------------------------


@pytest.fixture(scope="module")
def nss_db(keys: Pki, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An NSS database that trusts our CA, for pdfsig (libnss3-tools' certutil)."""
    directory = tmp_path_factory.mktemp("nss")
    ca = directory / "ca.pem"
    ca.write_bytes(keys.ca_cert)
    database = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", database, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", database, "-n", "phonghop test CA", "-t", "C,C,C", "-i", str(ca)],
        check=True,
    )
    return database


def pdfsig(pdf: bytes, nss_db: str, directory: Path) -> list[str]:
    """pdfsig's report, one block of lines per signature (it exits 0 even for a bad one)."""
    path = directory / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, str(path)], capture_output=True, text=True, check=False
    )
    blocks = re.split(r"^Signature #\d+:$", result.stdout, flags=re.MULTILINE)[1:]
    assert blocks, result.stdout + result.stderr
    return blocks


def test_pdfsig_finds_both_signatures_valid_and_trusted(
    signed: bytes, nss_db: str, tmp_path: Path
) -> None:
    secretary, chair = pdfsig(signed, nss_db, tmp_path)
    for block, name in ((secretary, SECRETARY), (chair, CHAIR)):
        assert f"Signer Certificate Common Name: {name}" in block
        assert "Signature Type: ETSI.CAdES.detached" in block
        assert "Signing Hash Algorithm: SHA-256" in block
        assert "Signature Validation: Signature is Valid." in block
        assert "Certificate Validation: Certificate is Trusted." in block
    assert "Signing Time: Nov 26 2026 08:04:05" in chair  # pdfsig prints UTC
    assert "Total document signed" in chair
    assert "Not total document signed" in secretary


def test_one_changed_byte_is_caught_by_both(
    keys: Pki, signed: bytes, nss_db: str, tmp_path: Path, composed: ComposedMinutes
) -> None:
    tampered = bytearray(signed)
    position = content_stream_byte(signed, composed.chair_box.page)
    for start, length, _, _ in byte_ranges(signed):
        assert start <= position < start + length, "the byte must be covered by both signatures"
    tampered[position] ^= 0x01

    checks = verify_pdf(bytes(tampered), [keys.ca_cert])
    assert checks
    assert not any(c.intact or c.valid for c in checks)
    for block in pdfsig(bytes(tampered), nss_db, tmp_path):
        assert "Signature is Valid." not in block
        assert "Digest Mismatch" in block


def content_stream_byte(pdf: bytes, page_index: int) -> int:
    """An offset in the middle of a page's content stream in the original revision."""
    with pymupdf.open("pdf", pdf) as doc:
        kind, value = doc.xref_get_key(doc[page_index].xref, "Contents")
    match = re.search(r"(\d+) 0 R", value)
    assert kind in ("xref", "array") and match, value
    header = re.search(rb"(?<![0-9])" + match.group(1).encode() + rb" 0 obj", pdf)
    assert header
    start = pdf.index(b"stream", header.end()) + len(b"stream\n")
    end = pdf.index(b"endstream", start)
    return (start + end) // 2


def byte_ranges(pdf: bytes) -> list[tuple[int, int, int, int]]:
    found = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert len(found) == 2
    return [(int(a), int(b), int(c), int(d)) for a, b, c, d in found]


def test_tools_present_when_ci() -> None:
    """On CI a missing pdfsig, pdffonts, pdftoppm or certutil is a failure, never a skip."""
    if IN_CI:
        for tool in ("pdfsig", "pdffonts", "pdftoppm", "certutil"):
            assert shutil.which(tool), f"{tool} missing: install poppler-utils, libnss3-tools"


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", "github-actions", "woodpecker"])
def test_any_ci_value_but_false_means_ci(value: str) -> None:
    assert in_ci(value)


@pytest.mark.parametrize("value", [None, "", "false", "False", "0", " 0 ", "no"])
def test_an_empty_or_false_ci_is_a_developer_machine(value: str | None) -> None:
    assert not in_ci(value)
