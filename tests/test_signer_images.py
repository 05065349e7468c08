"""Uploaded scans of a signature and a seal (issue 14 §1): what is refused and why, who may set
which, and the sealed minutes: with scans, the chair's signature box shows them (image
XObjects in its appearance, red and blue ink on the page); without, the box is text only and
nothing is drawn. pdfsig accepts the signature either way."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from meetings.minutes.stamps import seal_png, signature_png
from tests.helpers import error_of
from tests.test_pki_signing import ink_colours
from tests.test_seal_and_archive import pdfsig, run_meeting_to_sealed

SEAL_URL = "/api/admin/bodies/{}/seal-image"
ME_URL = "/api/me/signature-image"


def b64(data: bytes) -> dict[str, str]:
    return {"png": base64.b64encode(data).decode()}


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        out.append((png[at + 4:at + 8], png[at + 8:at + 8 + length]))
        at += 12 + length
    return out


def rebuild(parts: list[tuple[bytes, bytes]]) -> bytes:
    data = b"\x89PNG\r\n\x1a\n"
    for kind, body in parts:
        data += struct.pack(">I", len(body)) + kind + body
        data += struct.pack(">I", zlib.crc32(kind + body))
    return data


def with_dpi(png: bytes, dpi: float | None) -> bytes:
    """The same PNG with its pHYs set to `dpi`, or removed (None)."""
    parts = [(k, b) for k, b in chunks(png) if k != b"pHYs"]
    if dpi is not None:
        ppm = round(dpi / 0.0254)
        parts.insert(1, (b"pHYs", struct.pack(">IIB", ppm, ppm, 1)))
    return rebuild(parts)


def opaque_png(width: int = 200, height: int = 200, alpha: bool = False) -> bytes:
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), alpha)
    pixmap.set_rect(pixmap.irect, (255, 255, 255, 255) if alpha else (255, 255, 255))
    return bytes(pixmap.tobytes("png"))


def test_uploads_that_would_not_print_right_are_refused(login, demo) -> None:
    admin = login("admin")
    url = SEAL_URL.format(demo.body_id)
    seal = seal_png("ỦY BAN NHÂN DÂN XÃ MẪU", "Tỉnh Mẫu")

    error_of(admin.put(url, json=b64(b"%PDF-1.7 not an image")), 422, "not_png")
    error_of(admin.put(url, json={"png": "%%% not base64"}), 422, "bad_png")
    error_of(admin.put(url, json=b64(seal[:400])), 422, "bad_png")  # cut short
    # the chunks' checksums are right, but the picture's data is damaged
    damaged = [(k, b[:20] + bytes(64) + b[84:] if k == b"IDAT" else b) for k, b in chunks(seal)]
    error_of(admin.put(url, json=b64(rebuild(damaged))), 422, "bad_png")
    odd_depth = [(k, b[:8] + b"\x03" + b[9:] if k == b"IHDR" else b) for k, b in chunks(seal)]
    error_of(admin.put(url, json=b64(rebuild(odd_depth))), 422, "bad_png")
    refused = error_of(admin.put(url, json=b64(opaque_png())), 422, "no_transparency")
    assert "trong suốt" in refused["message_vi"] and "transparent" in refused["message_en"]
    # an alpha channel, but a white background that would cover the text
    error_of(admin.put(url, json=b64(opaque_png(alpha=True))), 422, "no_transparency")
    big = seal + b"\0" * (710 * 1024)
    error_of(admin.put(url, json=b64(big)), 422, "image_too_large")
    # a few bytes declaring a huge picture are refused before they are decoded
    huge = rebuild([(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 6, 0, 0, 0)),
                    (b"IDAT", zlib.compress(b"")), (b"IEND", b"")])
    error_of(admin.put(url, json=b64(huge)), 422, "bad_image_size")
    # 426 px at 600 dpi: 18 mm across, smaller than any real seal; at 72 dpi: 150 mm
    small = error_of(admin.put(url, json=b64(with_dpi(seal, 600))), 422, "bad_seal_size")
    assert "18×18 mm" in small["message_vi"] and "600 dpi" in small["message_en"]
    error_of(admin.put(url, json=b64(with_dpi(seal, 72))), 422, "bad_seal_size")
    # none of these was stored: the demo's sample seal is still there
    assert admin.get(url).json()["image"]["width_mm"] == pytest.approx(36, abs=0.5)

    # no pHYs: 300 dpi assumed, so 426 px is 36 mm
    r = admin.put(url, json=b64(with_dpi(seal, None)))
    assert r.status_code == 200, r.text
    image = r.json()["image"]
    assert image["dpi_from_file"] is False and image["width_mm"] == pytest.approx(36.07, abs=0.1)
    assert image["data_url"].startswith("data:image/png;base64,")

    # a signature is scaled to its box, so its printed size is not checked; its background is
    chair = login("chutich")
    error_of(chair.put(ME_URL, json=b64(opaque_png(600, 260))), 422, "no_transparency")
    assert chair.put(ME_URL, json=b64(with_dpi(signature_png("X Y"), 96))).status_code == 200


def test_each_person_sets_only_their_own_signature_and_only_admins_the_seal(
    login, demo
) -> None:
    url = SEAL_URL.format(demo.body_id)
    seal = seal_png("ỦY BAN NHÂN DÂN XÃ KHÁC", "Tỉnh Khác")
    for username in ("chutich", "thuky", "uyvien1", "luutru"):
        client = login(username)
        error_of(client.put(url, json=b64(seal)), 403, "admin_only")
        error_of(client.delete(url), 403, "admin_only")
        error_of(client.get(url), 403, "admin_only")
    error_of(login(None).put(ME_URL, json=b64(signature_png("A"))), 401)
    admin = login("admin")
    error_of(admin.put(SEAL_URL.format(999999), json=b64(seal)), 404)

    # the demo chair's sample signature; a member uploads their own, which changes no one else's
    chair, member = login("chutich"), login("uyvien1")
    before = chair.get(ME_URL).json()["image"]
    assert before is not None
    assert member.get(ME_URL).json()["image"] is None
    mine = signature_png("Hoàng Minh Tuấn")
    assert member.put(ME_URL, json=b64(mine)).status_code == 200
    assert base64.b64decode(member.get(ME_URL).json()["image"]["data_url"].split(",")[1]) == mine
    assert chair.get(ME_URL).json()["image"]["sha256"] == before["sha256"]
    assert member.delete(ME_URL).json() == {"image": None, "removed": True}
    assert member.get(ME_URL).json()["image"] is None
    assert chair.get(ME_URL).json()["image"]["sha256"] == before["sha256"]

    assert admin.delete(url).json()["removed"] is True
    assert admin.get(url).json()["image"] is None
    actions = [e["action"] for e in admin.get("/api/admin/audit").json()["entries"]]
    assert actions[:3] == ["body.seal_removed", "user.signature_removed", "user.signature_set"]


# --- the sealed minutes -------------------------------------------------------------------------


def chair_box(doc: pymupdf.Document) -> tuple[pymupdf.Page, pymupdf.Rect, int]:
    for page in doc:
        for widget in page.widgets():
            if widget.field_name == "ChuToa":
                return page, widget.rect, widget.xref
    raise AssertionError("no ChuToa signature field")


def appearance_images(doc: pymupdf.Document, widget_xref: int) -> list[int]:
    """The image XObjects reachable from the widget's normal appearance stream."""
    kind, value = doc.xref_get_key(widget_xref, "AP/N")
    assert kind == "xref", (kind, value)
    seen: set[int] = set()
    images: list[int] = []
    todo = [int(value.split()[0])]
    while todo:
        xref = todo.pop()
        if xref in seen:
            continue
        seen.add(xref)
        if doc.xref_get_key(xref, "Subtype")[1] == "/Image":
            images.append(xref)
            continue
        kind, xobjects = doc.xref_get_key(xref, "Resources/XObject")
        if kind == "xref":
            xobjects = doc.xref_object(int(xobjects.split()[0]))
        todo += [int(n) for n in re.findall(r"(\d+) 0 R", xobjects if kind != "null" else "")]
    return images


def signature_box(pdf: bytes, out: Path) -> tuple[list[dict[str, Any]], set[str], str]:
    """The chair box's image XObjects (with their colours), the ink colours on the rendered
    page, and the box's text; the page is saved as PNG for people to look at."""
    with pymupdf.open("pdf", pdf) as doc:
        page, rect, xref = chair_box(doc)
        images = []
        for image in appearance_images(doc, xref):
            pixmap = pymupdf.Pixmap(doc, image)
            images.append({"size": (pixmap.width, pixmap.height)})
        page.get_pixmap(dpi=110).save(out)
        ink = ink_colours(page.get_pixmap(dpi=150, clip=rect))
        text = page.get_text(clip=rect)
    return images, ink, text


def test_sealed_minutes_show_uploaded_scans_in_the_chair_box(
    login, tmp_path, artifacts
) -> None:
    """The demo's body and chair have (sample) scans: both are in the appearance."""
    sec, pdf = run_meeting_to_sealed(login)
    images, ink, text = signature_box(pdf, (artifacts or tmp_path) / "signed-with-scans.png")
    assert len(images) == 2, images  # the signature and the seal
    assert ink == {"red", "blue"}
    assert "Thời gian ký" in text and "+07:00" in text
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    assert "Signature is Valid." in pdfsig(path)

    # the scans change afterwards: the sealed PDF does not
    admin = login("admin")
    assert admin.delete(SEAL_URL.format(1)).status_code == 200
    assert login("chutich").delete(ME_URL).status_code == 200
    assert sec.get("/api/meetings/1/minutes.pdf").content == pdf


def test_without_uploads_the_chair_box_is_text_only(login, demo, tmp_path, artifacts) -> None:
    admin = login("admin")
    assert admin.delete(SEAL_URL.format(demo.body_id)).json()["removed"] is True
    assert login("chutich").delete(ME_URL).json()["removed"] is True
    _sec, pdf = run_meeting_to_sealed(login)
    images, ink, text = signature_box(pdf, (artifacts or tmp_path) / "signed-text-only.png")
    assert images == []
    assert ink == set()  # no red seal, no blue signature: nothing drawn by the software
    assert "Ký bởi: UBND xã Tường Tiến" in text.replace("\n", " ")
    assert "Thời gian ký" in text and "+07:00" in text
    with pymupdf.open("pdf", pdf) as doc:
        assert sum(len(p.get_images(full=True)) for p in doc) == 0
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    assert "Signature is Valid." in pdfsig(path)


def test_a_seal_alone_is_shown_at_its_uploaded_size(login, demo, tmp_path) -> None:
    admin = login("admin")
    seal = with_dpi(seal_png("ỦY BAN NHÂN DÂN XÃ TƯỜNG TIẾN", "Tường Tiến"), None)
    assert admin.put(SEAL_URL.format(demo.body_id), json=b64(seal)).status_code == 200
    assert login("chutich").delete(ME_URL).status_code == 200
    _sec, pdf = run_meeting_to_sealed(login)
    images, ink, _text = signature_box(pdf, tmp_path / "seal-only.png")
    assert len(images) == 1 and ink == {"red"}
