"""GET /api/documents/{id}/annotated.pdf (issue 11 §4): my annotated copy holds my annotations
and the shared ones I may see, as standard PDF annotations a second library reads back, and
nobody else's private ones; the document policy of the cleaned PDF holds (no downloads, as in a
confidential meeting: refused)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdf

from tests.helpers import error_of, first_document
from tests.room import user_id


def put(client: Any, *annotations: dict[str, Any]) -> None:
    r = client.post("/api/annotations/changes", json={"device": "d", "changes": [
        {"key": f"k-{a['id']}", "op": "put", "annotation": a} for a in annotations]})
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(annotations), r.text


def one(document_id: int, ident: str, kind: str, data: dict[str, Any], page: int = 1
        ) -> dict[str, Any]:
    return {"id": ident, "document_id": document_id, "version": 1, "page": page, "kind": kind,
            "color": "#1565c0", "data": data}


def annots(pdf: bytes) -> list[dict[str, Any]]:
    out = []
    for n, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages, start=1):
        for ref in page.get("/Annots") or []:
            a = ref.get_object()
            if a["/Subtype"] == "/Popup":  # a sticky note's open window, part of the note
                continue
            out.append({"page": n, "subtype": a["/Subtype"], "name": a.get("/NM"),
                        "contents": a.get("/Contents")})
    return out


def test_my_annotated_copy_holds_mine_and_the_shared_ones_only(login, tmp_path: Path,
                                                                artifacts: Path | None) -> None:
    member, other = login("uyvien1"), login("uyvien2")
    doc = first_document(member, 1)
    d = doc["id"]
    put(member,
        one(d, "copy-ink-01", "ink", {"points": [[0.1, 0.1, 0.3], [0.3, 0.2, 0.8],
                                                 [0.5, 0.15, 0.5]], "width": 0.004}),
        one(d, "copy-hl-001", "highlight", {"rects": [[0.1, 0.2, 0.6, 0.23]]}),
        one(d, "copy-note-1", "note", {"x": 0.9, "y": 0.1, "text": "Hỏi lại số liệu"}, page=2),
        one(d, "copy-text-1", "text", {"rect": [0.1, 0.5, 0.7, 0.56], "text": "Đồng ý",
                                       "size": 0.02}))
    put(other,
        one(d, "their-shared", "note", {"x": 0.5, "y": 0.5, "text": "Chia sẻ cho cả phòng"}),
        one(d, "their-private", "note", {"x": 0.5, "y": 0.6, "text": "Của riêng tôi"}))
    assert other.put("/api/annotations/their-shared/sharing",
                     json={"meeting": True}).status_code == 200
    r = member.get(f"/api/documents/{d}/annotated.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    got = annots(r.content)
    names = {a["name"]: a for a in got}
    assert set(names) == {"copy-ink-01", "copy-hl-001", "copy-note-1", "copy-text-1",
                          "their-shared"}
    assert names["copy-ink-01"]["subtype"] == "/Ink"
    assert names["copy-hl-001"]["subtype"] == "/Highlight"
    assert names["copy-note-1"]["subtype"] == "/Text" and names["copy-note-1"]["page"] == 2
    assert names["copy-text-1"]["subtype"] == "/FreeText"
    assert "Của riêng tôi" not in r.content.decode("latin-1")
    # the copy renders
    pdf = tmp_path / "annotated.pdf"
    pdf.write_bytes(r.content)
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", "40", "-f", "1", "-l", "1",
                    "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))
    if artifacts is not None:
        shutil.copy(pdf, artifacts / "annotated-member.pdf")
    # the other member's copy has only their own
    theirs = {a["name"] for a in annots(other.get(f"/api/documents/{d}/annotated.pdf").content)}
    assert theirs == {"their-shared", "their-private"}
    # an administrator who is not in the meeting: the document, without anyone's annotations
    assert annots(login("admin").get(f"/api/documents/{d}/annotated.pdf").content) == []
    assert user_id(login("admin"), "uyvien1") > 0


def test_the_document_policy_holds(login) -> None:
    member, sec = login("uyvien1"), login("thuky")
    doc = first_document(member, 1)
    assert sec.put("/api/meetings/1/document-policy",
                   json={"confidential": False, "downloads": False}).status_code == 200
    error_of(member.get(f"/api/documents/{doc['id']}/annotated.pdf"), 403, "downloads_off")
    assert sec.put("/api/meetings/1/document-policy",
                   json={"confidential": True, "downloads": True}).status_code == 200
    error_of(member.get(f"/api/documents/{doc['id']}/annotated.pdf"), 403, "downloads_off")
    error_of(login("luutru").get(f"/api/documents/{doc['id']}/annotated.pdf"), 404, "not_found")
