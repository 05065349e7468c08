"""Annotations survive a new version, through the real server (issue 11 §3): a member
annotates version 1 over HTTP, the secretary uploads version 2 with a page inserted and the
last page gone, and the member's annotations are found moved on version 2 — or listed as
unplaced with their old page, never lost — while their tablet and those they shared with
hear it live."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from meetings.db import Database
from meetings.models import Annotation
from tests import document_versions as v
from tests.conftest import LiveServer, start_server, stop_server
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server

PER_PAGE = 5


def upload(client: httpx.Client, url: str, data: bytes, name: str) -> dict[str, Any]:
    r = client.post(url, files={"file": (name, data, "application/pdf")},
                    headers={"Prefer": "wait=60"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def words(client: httpx.Client, document_id: int, page: int, version: int | None = None
          ) -> dict[str, Any]:
    query = "" if version is None else f"?version={version}"
    r = client.get(f"/api/documents/{document_id}/pages/{page}/words{query}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def change(client: httpx.Client, annotation: dict[str, Any], key: str) -> dict[str, Any]:
    r = client.post("/api/annotations/changes", json={"device": "tablet-a", "changes": [
        {"key": key, "op": "put", "annotation": annotation}]})
    assert r.status_code == 200, r.text
    (result,) = r.json()["results"]
    assert result["status"] == "applied", result
    return dict(result["annotation"])


async def test_annotations_move_to_the_new_version_and_the_rest_are_listed_unplaced(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    secretary = live_server.session("thuky")
    member = live_server.session("uyvien1")
    colleague = live_server.session("uyvien2")
    book = [v.paragraphs(PER_PAGE, 900 + n) for n in range(4)]
    v1 = upload(secretary, f"/api/meetings/{meeting}/items/1/documents", v.pdf(book),
                "bao-cao.pdf")
    document_id = v1["document"]["id"]
    # The member's tablet takes the words from the server, as it does to snap a highlight.
    old = [words(member, document_id, n) for n in range(1, 5)]
    assert old[0]["version"] == 1
    sentence = v.sentences(PER_PAGE * 3, 902)[6]  # page 3
    lost = v.sentences(PER_PAGE * 3, 903)[2]  # page 4, which version 2 no longer has
    made = [
        v.highlight("hl-page3-aaaa", old, 3, sentence),
        v.ink_over("ink-page2-aaaa", old, 2, v.sentences(PER_PAGE * 3, 901)[3]),
        v.ink_over("ink-shared-aaa", old, 3, sentence),
        v.highlight("hl-page4-aaaa", old, 4, lost),
        {"id": "note-page4-aaa", "kind": "note", "page": 4, "color": "#ff9800",
         "data": {"x": 0.95, "y": 0.05, "text": "Trang này còn không?"}},
    ]
    before = {}
    for n, annotation in enumerate(made):
        body = {**annotation, "document_id": document_id, "version": 1}
        before[annotation["id"]] = change(member, body, f"k{n}")
    for shared in ("ink-shared-aaa", "note-page4-aaa"):
        r = member.put(f"/api/annotations/{shared}/sharing", json={"meeting": True,
                                                                    "users": []})
        assert r.status_code == 200, r.text
        before[shared] = r.json()["annotation"]  # sharing counts as a change (rev + 1)
    assert {a["id"] for a in colleague.get(
        f"/api/documents/{document_id}/annotations").json()["annotations"]} == {
        "ink-shared-aaa", "note-page4-aaa"}

    owner_tablet = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien1"),
                          meeting)
    reader_tablet = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien2"),
                           meeting)
    await owner_tablet.connect()
    await reader_tablet.connect()
    try:
        inserted = v.paragraphs(PER_PAGE, 950)
        v2_pdf = v.pdf([book[0], inserted, book[1], book[2]])
        await asyncio.to_thread(upload, secretary, f"/api/documents/{document_id}/versions",
                                v2_pdf, "bao-cao-v2.pdf")
        listed = member.get(f"/api/documents/{document_id}/annotations")
        assert listed.status_code == 200, listed.text
        placed = {a["id"]: a for a in listed.json()["annotations"]}
        unplaced = {a["id"]: a for a in listed.json()["unplaced"]}
        assert set(placed) == {"hl-page3-aaaa", "ink-page2-aaaa", "ink-shared-aaa"}
        assert set(unplaced) == {"hl-page4-aaaa", "note-page4-aaa"}

        highlight = placed["hl-page3-aaaa"]
        assert (highlight["version"], highlight["page"], highlight["placement"]) == (2, 4,
                                                                                     "placed")
        assert highlight["rev"] == before["hl-page3-aaaa"]["rev"] + 1
        assert highlight["origin"] == {"version": 1, "page": 3}
        new_page = words(member, document_id, 4)
        assert new_page["version"] == 2
        assert v.under(new_page, highlight["data"]["rects"]) == sentence
        position = highlight["data"]["target"]["position"]
        assert new_page["text"][position["start"]:position["end"]] == sentence

        ink = placed["ink-page2-aaaa"]
        assert (ink["version"], ink["page"]) == (2, 3)
        assert ink["data"] == before["ink-page2-aaaa"]["data"]  # same place on its page
        assert placed["ink-shared-aaa"]["page"] == 4

        for ident in ("hl-page4-aaaa", "note-page4-aaa"):
            kept = unplaced[ident]
            assert (kept["version"], kept["page"], kept["placement"]) == (1, 4, "unplaced")
            assert kept["data"] == before[ident]["data"]  # nothing lost
            assert kept["rev"] == before[ident]["rev"] + 1
        # Each says why, in both languages: the highlighted passage is not in the new
        # version; the note's page (its text) is not either.
        assert unplaced["hl-page4-aaaa"]["placement_reason"]["code"] == "text_not_found"
        assert unplaced["note-page4-aaa"]["placement_reason"]["code"] == "page_not_found"
        for kept in unplaced.values():
            assert kept["placement_reason"]["vi"] and kept["placement_reason"]["en"]
        assert all(a["placement_reason"] is None for a in placed.values())
        # The unplaced list shows the old page beside them.
        image = member.get(f"/api/documents/{document_id}/pages/4?version=1&width=320")
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/")

        # The owner's other device hears each move; the colleague the stroke was shared
        # with sees it on its new page, and never sees the member's private ones.
        for ident, page in (("hl-page3-aaaa", 4), ("ink-page2-aaaa", 3),
                            ("hl-page4-aaaa", 4)):
            heard = await owner_tablet.wait_for(
                "annotation.saved", lambda d, i=ident: d["annotation"]["id"] == i)
            assert heard["data"]["annotation"]["page"] == page
            assert heard["data"]["device"] != "tablet-a"
        heard = await reader_tablet.wait_for(
            "annotation.saved", lambda d: d["annotation"]["id"] == "ink-shared-aaa")
        assert (heard["data"]["annotation"]["version"], heard["data"]["annotation"]["page"]
                ) == (2, 4)
        assert not any(e["data"].get("annotation", {}).get("id", "").startswith("hl-")
                       for e in reader_tablet.events if e["type"] == "annotation.saved")
        # The shared note that could not be placed is taken from the colleague's view.
        await reader_tablet.wait_for("annotation.deleted",
                                     lambda d: d["id"] == "note-page4-aaa")
        seen = colleague.get(f"/api/documents/{document_id}/annotations").json()
        assert [(a["id"], a["version"], a["page"]) for a in seen["annotations"]] == [
            ("ink-shared-aaa", 2, 4)]
        assert seen["unplaced"] == []
    finally:
        await owner_tablet.close()
        await reader_tablet.close()


def test_a_server_stopped_before_the_carry_over_does_it_when_it_starts_again(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    secretary = live_server.session("thuky")
    member = live_server.session("uyvien1")
    book = [v.paragraphs(PER_PAGE, 700 + n) for n in range(3)]
    v1 = upload(secretary, f"/api/meetings/{meeting}/items/1/documents", v.pdf(book),
                "to-trinh.pdf")
    document_id = v1["document"]["id"]
    old = [words(member, document_id, n) for n in range(1, 4)]
    sentence = v.sentences(PER_PAGE * 3, 702)[5]
    made = {**v.highlight("hl-restart-aa", old, 3, sentence), "document_id": document_id,
            "version": 1}
    first = change(member, made, "k-restart")
    upload(secretary, f"/api/documents/{document_id}/versions",
           v.pdf([v.paragraphs(PER_PAGE, 750), *book]), "to-trinh-v2.pdf")
    stop_server(live_server.process)
    # As if the server had stopped after version 2 became current and before its words
    # were read: the highlight is still placed on version 1, as it was made.
    database = Database(live_server.settings.db_url)
    try:
        with database.write() as session:
            row = session.get(Annotation, "hl-restart-aa")
            assert row is not None and (row.version, row.page) == (2, 4)
            row.version, row.page, row.placement = 1, 3, "placed"
            row.data = json.dumps(first["data"], ensure_ascii=False)
            session.add(row)
    finally:
        database.dispose()
    live_server.process = start_server(live_server.settings, live_server.port,
                                       live_server.log.with_suffix(".2.log"))
    member = live_server.session("uyvien1")
    deadline = time.monotonic() + 60
    while True:
        (found,) = member.get(f"/api/documents/{document_id}/annotations").json()["annotations"]
        if found["version"] == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (found["version"], found["page"], found["placement"]) == (2, 4, "placed")
    assert v.under(words(member, document_id, 4), found["data"]["rects"]) == sentence
