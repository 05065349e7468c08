"""Archival packages (issue 15 §3): a sealed meeting, or a set, exported as a BagIt 1.0 bag in
a zip, validated by bagit-python (not the code that wrote it); the bag holds the archive's own
signed minutes byte for byte, every document version as presented, the record with its hash
chain, and the Thông tư 05/2025 metadata; a changed byte makes the validator fail."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import bagit
import pytest

from meetings import record
from meetings.models import RecordEntry
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed


def unpack(data: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert all(not n.startswith("/") and ".." not in n for n in names)
        archive.extractall(into)
    (top,) = {n.split("/")[0] for n in names}
    return into / top


def test_a_sealed_meeting_exports_as_a_valid_bagit_1_0_bag(login, tmp_path) -> None:
    _sec, signed = run_meeting_to_sealed(login)
    archivist = login("luutru")
    r = archivist.get("/api/archive/1/package.zip")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert 'filename="phonghop-1.zip"' in r.headers["content-disposition"]
    bag_dir = unpack(r.content, tmp_path)

    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any missing, extra or changed file
    assert bag.version_info == (1, 0)
    assert (bag_dir / "bagit.txt").read_text() == ("BagIt-Version: 1.0\n"
                                                  "Tag-File-Character-Encoding: UTF-8\n")
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["Source-Organization"] == "UBND xã Tường Tiến"
    payload = sorted(bag.payload_files())
    assert "data/1/bien-ban.pdf" in payload and "data/1/ho-so.json" in payload

    # the archive's own signed minutes, byte for byte
    assert (bag_dir / "data/1/bien-ban.pdf").read_bytes() == signed
    # every document version as presented, each named in the metadata with its digest
    meta = json.loads((bag_dir / "data/1/ho-so.json").read_text())
    for field in ("ma_ho_so", "tieu_de", "thoi_han_luu_tru", "muc_do_tiep_can", "ngon_ngu",
                  "thoi_gian_bat_dau", "thoi_gian_ket_thuc", "tu_khoa", "tong_so_tai_lieu",
                  "so_luong_trang"):
        assert field in meta, field
    assert meta["ma_ho_so"] == "BB-UBND.2026.01" and meta["ngon_ngu"] == "Tiếng Việt"
    assert meta["thoi_gian_bat_dau"].endswith("+07:00")
    minutes, *documents = meta["tai_lieu"]
    assert minutes["ten_loai"] == "Biên bản" and minutes["so"] == "01"
    assert minutes["nguoi_ky"] == "UBND xã Tường Tiến"
    assert minutes["sha256"] == hashlib.sha256(signed).hexdigest()
    assert documents and meta["tong_so_tai_lieu"] == 1 + len(documents)
    for document in documents:
        for field in ("so", "ky_hieu", "ngay", "ten_loai", "co_quan_ban_hanh", "trich_yeu",
                      "nguoi_ky", "so_trang"):
            assert field in document, field
        data = (bag_dir / document["tep"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document["sha256"]
        assert data.startswith(b"%PDF")
    assert meta["so_luong_trang"] == sum(d["so_trang"] for d in meta["tai_lieu"])
    assert {d["tep"] for d in documents} == {p for p in payload if "/tai-lieu/" in p}

    # the record: its chain verifies from the file alone and ends past the signed digest
    log = json.loads((bag_dir / "data/1/nhat-ky.json").read_text())
    rows = [RecordEntry(meeting_id=1, seq=e["seq"], at=datetime.fromisoformat(e["at"]),
                        actor_id=e["actor_id"], kind=e["kind"], data=e["data"],
                        prev_digest=e["prev_digest"], digest=e["digest"])
            for e in log["entries"]]
    assert log["intact"] and record.verify_chain(rows) is not None
    assert meta["ma_bam_nhat_ky"] in {r.digest for r in rows}

    # the validator is real: one changed byte in a document fails it
    victim = bag_dir / documents[0]["tep"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()


def test_packages_are_for_archivists_and_sealed_meetings(login) -> None:
    archivist = login("luutru")
    early = archivist.get("/api/archive/1/package.zip")  # not sealed yet: not in the archive
    assert early.status_code in (403, 404) and early.json()["error"] in ("forbidden", "not_found")
    run_meeting_to_sealed(login)
    error_of(login("uyvien1").get("/api/archive/1/package.zip"), 403)
    error_of(login(None).get("/api/archive/1/package.zip"), 401)
    error_of(archivist.get("/api/archive/999/package.zip"), 404, "not_found")
    error_of(archivist.get("/api/archive/package.zip", params={"ids": "1,x"}), 422, "bad_ids")
    error_of(archivist.get("/api/archive/package.zip"), 422, "bad_ids")
    error_of(archivist.get("/api/archive/package.zip", params={"ids": "1,999"}), 404)
    r = archivist.get("/api/archive/package.zip", params={"ids": "1,1"})
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert any(n.endswith("/data/1/bien-ban.pdf") for n in archive.namelist())
