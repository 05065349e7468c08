"""The cleaned copy that tablets are shown holds no active content, whether the annotation or
action that carried it was an object of its own or written inline; annotations that carry a
file or play something are gone whole; and the version's report counts what the cleaned copy
really lost. Each cleaned file is read back by a second reader (pypdf) as well as PyMuPDF."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pymupdf
import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, TextStringObject

from meetings.documents import cleaning
from meetings.documents.ingest_worker import Refusal, read_pdf
from tests import hostile_files as h
from tests.test_documents_hostile import secretary as logged_in_secretary
from tests.test_documents_hostile import upload

secretary = logged_in_secretary  # the fixture, shared with the other hostile-file tests

ACTIVE_KEYS = {f"/{key}" for key in cleaning.ACTIVE_KEYS}
ACTIVE_ACTIONS = {f"/{action}" for action in cleaning.ACTIVE_ACTIONS}
REMOVED_ANNOTATIONS = {"/Widget", *(f"/{c}" for c in cleaning.CARRIERS)}


def reachable(pdf: bytes) -> Iterator[Any]:
    """Every dictionary, array and string pypdf reaches from the trailer, each object once."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        yield obj
        if isinstance(obj, DictionaryObject):
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def active_content(pdf: bytes) -> list[str]:
    """What a second reader finds active in a PDF: scripts, actions that leave the document,
    form fields, file-carrying or multimedia annotations, embedded files, `javascript:`."""
    found = []
    for obj in reachable(pdf):
        if isinstance(obj, DictionaryObject):
            found += [f"key {key}" for key in obj if key in ACTIVE_KEYS]
            if obj.get("/S") in ACTIVE_ACTIONS:
                found.append(f"action {obj['/S']}")
            if obj.get("/Subtype") in REMOVED_ANNOTATIONS:
                found.append(f"annotation {obj['/Subtype']}")
            if obj.get("/Type") == "/EmbeddedFile":
                found.append("embedded file")
        elif isinstance(obj, TextStringObject | str) and (
                "javascript:" in obj.lower() or "setup.exe" in obj):
            found.append(f"string {obj}")
    return found


def served(client, data: bytes, filename: str) -> tuple[bytes, dict[str, int]]:  # type: ignore[no-untyped-def]
    """Upload; the cleaned PDF tablets are shown and the version's report of what was removed."""
    r = upload(client, data, filename)
    assert r.status_code == 201, r.text
    document_id = r.json()["document"]["id"]
    pdf = client.get(f"/api/documents/{document_id}/pdf").content
    removed = client.get(f"/api/documents/{document_id}/versions").json()["versions"][0]["removed"]
    return pdf, removed


def test_links_written_inline_in_the_annotation_array_are_removed(secretary) -> None:  # type: ignore[no-untyped-def]
    data = h.inline_links()
    original = pymupdf.open(stream=data)
    assert any(link.get("uri", "").startswith("javascript:")
               for link in original[0].get_links())  # a reader follows it
    assert len(active_content(data)) >= 3
    pdf, removed = served(secretary(), data, "lien-ket.pdf")
    assert active_content(pdf) == []
    clean = pymupdf.open(stream=pdf)
    kinds = [link["kind"] for link in clean[0].get_links()]
    assert kinds == [pymupdf.LINK_GOTO]  # the link to the page itself is kept
    annots = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]
    assert [a.get_object()["/Subtype"] for a in annots] == ["/Link"]
    # the report names what the copy really lost: three links and their actions
    assert removed == {"links": 3, "widgets": 0, "attachments": 0, "actions": 3, "files": 0,
                       "keys": 0}


def test_annotations_that_carry_a_file_or_play_something_are_removed_whole(secretary) -> None:  # type: ignore[no-untyped-def]
    data = h.carrier_annotations()
    assert h.EXE[:40] in data
    subtypes = {str(a.get_object()["/Subtype"])
                for a in pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Annots"]}
    assert subtypes == {"/FileAttachment", "/Popup", "/Sound", "/Movie", "/Screen", "/RichMedia",
                        "/3D"}
    pdf, removed = served(secretary(), data, "dinh-kem.pdf")
    assert active_content(pdf) == []
    assert h.EXE[:40] not in pdf
    left = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get("/Annots") or []
    assert [a.get_object()["/Subtype"] for a in left] == ["/Popup"]  # no paperclip, no player
    # PyMuPDF sees the paperclip and the screen in the original, nothing in the copy
    assert [a.type[1] for a in pymupdf.open(stream=data)[0].annots()] == ["FileAttachment",
                                                                          "Screen"]
    clean = pymupdf.open(stream=pdf)
    assert list(clean[0].annots()) == []
    assert clean.embfile_count() == 0
    assert removed["attachments"] == 6 and removed["files"] == 2 and removed["actions"] == 1


def test_the_classic_active_file_is_clean_for_a_second_reader_too(secretary) -> None:  # type: ignore[no-untyped-def]
    data = h.active_content()
    assert active_content(data)
    pdf, removed = served(secretary(), data, "macro.pdf")
    assert active_content(pdf) == []
    assert removed["links"] == 2 and removed["widgets"] == 1 and removed["files"] == 1


def test_a_plain_file_reports_nothing_removed(secretary) -> None:  # type: ignore[no-untyped-def]
    _, removed = served(secretary(), h.simple_pdf(), "bao-cao.pdf")
    assert removed == dict.fromkeys(cleaning.KINDS, 0)


def test_what_cleaning_missed_is_refused_not_reported_as_removed(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The report is read from the saved copy: a cleaning that removed nothing cannot claim
    it did, and a copy that still holds active content is never shown."""
    source = tmp_path / "in.pdf"
    source.write_bytes(h.inline_links())
    job = {"input": str(source), "clean": str(tmp_path / "clean.pdf"), "max_pages": 10,
           "max_page_mm": 2000, "max_image_pixels": 10**8}
    monkeypatch.setattr(cleaning, "strip", lambda doc: None)
    with pytest.raises(Refusal) as refused:
        read_pdf(job)
    assert refused.value.code == "active_content"
    monkeypatch.undo()
    assert read_pdf(job)["removed"]["links"] == 3
