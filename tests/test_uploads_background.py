"""Uploads fit the deployment: the answer comes as soon as the bytes are stored (202, with the
upload) or within a bounded wait, never after a slow file's minutes; the reading goes on in
the background and its stages and outcome (the document, or the very refusal the answer used
to give) reach the secretary over the staff channel and at a status route, after a reload
too, whichever process answers; a good file queued behind slow bad ones says it waits; an
upload whose server died is shown as interrupted, never as reading for ever."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from meetings.documents.ingest import MESSAGES
from tests import hostile_files as h
from tests.conftest import LiveServer, start_server
from tests.helpers import error_of
from tests.test_documents_hostile import assert_nothing_left_behind
from tests.test_documents_hostile import secretary as logged_in_secretary
from tests.wsclient import Tablet, cookie_for

secretary = logged_in_secretary  # the fixture, shared with the hostile-file tests
ASYNC = {"Prefer": "respond-async"}
FINISHED = {"ready", "refused", "failed"}


def send(client: Any, data: bytes, filename: str, headers: dict[str, str] | None = None,
         path: str = "/api/meetings/1/items/1/documents") -> Any:
    return client.post(path, files={"file": (filename, data, "application/octet-stream")},
                       headers=headers or {})


def followed(client: TestClient, upload_id: int, within: float = 120) -> dict[str, Any]:
    """The upload's status, asked again until it is finished."""
    deadline = time.monotonic() + within
    while True:
        upload: dict[str, Any] = client.get(f"/api/uploads/{upload_id}").json()["upload"]
        if upload["stage"] in FINISHED or time.monotonic() > deadline:
            return upload
        time.sleep(0.2)


def test_a_slow_bad_file_is_answered_at_once_and_followed_to_its_refusal(secretary) -> None:  # type: ignore[no-untyped-def]
    client = secretary(ingest_cpu_seconds=4)
    r = send(client, h.content_bomb(), "bomb.pdf", ASYNC)
    assert r.status_code == 202, r.text
    assert r.headers["preference-applied"] == "respond-async"
    upload = r.json()["upload"]
    assert r.headers["location"] == f"/api/uploads/{upload['id']}"
    # answered while the file is still being read
    assert upload["stage"] in ("waiting", "reading") and "error" not in upload
    assert upload["filename"] == "bomb.pdf" and upload["item_id"] == 1
    assert client.get("/healthz").json()["ok"] is True
    done = followed(client, upload["id"])
    assert done["stage"] == "refused"
    # the very refusal the answer used to be
    vi, en = MESSAGES["too_complex"]
    assert done["error"] == {"error": "too_complex", "message": f"{vi} / {en}",
                             "message_vi": vi, "message_en": en, "details": {"reason": "time"}}
    assert_nothing_left_behind()
    assert list((client.app.state.services.settings.data_dir / "uploads").iterdir()) == []


def test_the_answer_waits_a_bounded_time_then_says_where_the_file_is(secretary) -> None:  # type: ignore[no-untyped-def]
    # The bomb's 10 CPU seconds take at least 10 s of wall time, longer than the 8 s wait.
    client = secretary(ingest_cpu_seconds=10, upload_wait_seconds=8.0)
    # a good file is read within the wait: the answer is the document, as it always was
    good = send(client, h.simple_pdf(), "bao-cao.pdf", {"Prefer": "wait=30"})
    assert good.status_code == 201, good.text
    assert good.json()["document"]["filename"] == "bao-cao.pdf"
    assert good.json()["upload"]["stage"] == "ready"
    # a refusal within the wait is answered as it always was
    error_of(send(client, h.truncated(), "cut.pdf"), 422, "broken_pdf")
    # a slow one: no more than the wait (the server's, whatever the client asks)
    # 202 is the proof it was answered before the reader's limit: after it, the answer would
    # be the refusal itself
    slow = send(client, h.content_bomb(), "bomb.pdf", {"Prefer": "wait=600"})
    assert slow.status_code == 202, slow.text
    # followed at length: on a busy machine 10 CPU seconds can take minutes of wall time
    done = followed(client, slow.json()["upload"]["id"], within=240)
    assert done["stage"] in FINISHED, done
    assert done["error"]["error"] == "too_complex", done


def test_a_new_version_goes_the_same_way(secretary) -> None:  # type: ignore[no-untyped-def]
    client = secretary()
    document_id = client.get("/api/meetings/1").json()["items"][0]["documents"][0]["id"]
    path = f"/api/documents/{document_id}/versions"
    r = send(client, h.simple_pdf("Phiên bản hai"), "v2.pdf", ASYNC, path=path)
    assert r.status_code == 202 and r.json()["upload"]["document_id"] == document_id
    done = followed(client, r.json()["upload"]["id"])
    assert done["stage"] == "ready" and done["document_id"] == document_id
    versions = client.get(f"/api/documents/{document_id}/versions").json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    # the same file again: refused as it always was, now in the upload's outcome
    same = client.get(f"/api/documents/{document_id}/file").content
    again = followed(client, send(client, same, "v2.pdf", ASYNC, path=path).json()["upload"]["id"])
    assert again["stage"] == "refused" and again["error"]["error"] == "same_version"


def test_the_meetings_uploads_are_the_preparers_only(secretary, settings) -> None:  # type: ignore[no-untyped-def]
    client = secretary(ingest_cpu_seconds=4)
    bomb = send(client, h.content_bomb(), "bomb.pdf", ASYNC).json()["upload"]
    good = followed(client, send(client, h.simple_pdf(), "ok.pdf", ASYNC).json()["upload"]["id"])
    # after a reload: the meeting's uploads, newest first, the running one included
    listed = client.get("/api/meetings/1/uploads").json()["uploads"]
    assert [u["id"] for u in listed] == [good["id"], bomb["id"]]
    assert listed[0]["stage"] == "ready" and listed[0]["document_id"] is not None
    assert listed[1]["stage"] not in FINISHED
    error_of(client.delete(f"/api/uploads/{bomb['id']}"), 409, "upload_running")
    # a member learns nothing of them: the very answer of an upload that does not exist
    member = TestClient(client.app)
    assert member.post("/api/login", json={"username": "uyvien1",
                                           "password": "phonghop2026"}).status_code == 200
    error_of(member.get("/api/meetings/1/uploads"), 403, "forbidden")
    missing = member.get("/api/uploads/987654")
    assert member.get(f"/api/uploads/{good['id']}").json() == missing.json()
    assert missing.status_code == 404
    error_of(member.delete(f"/api/uploads/{good['id']}"), 404, "not_found")
    # a finished one can be put away
    assert client.delete(f"/api/uploads/{good['id']}").json() == {"ok": True}
    assert [u["id"] for u in client.get("/api/meetings/1/uploads").json()["uploads"]] == \
        [bomb["id"]]
    assert followed(client, bomb["id"])["stage"] == "refused"


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live server below reads uploads with a 5 s CPU limit (set before it starts)."""
    monkeypatch.setenv("PHONGHOP_INGEST_CPU_SECONDS", "5")


@pytest.mark.server
async def test_a_good_file_behind_two_slow_ones_says_it_waits_then_is_ready(
        slow_reader: None, live_server: LiveServer) -> None:
    """Two slow bad files take both reading slots; the good file sent after them is answered
    at once and the secretary hears it wait, then be read, then be ready, while the bad ones
    are refused, over the staff channel. A member's tablet hears none of it."""
    staff = Tablet(live_server.ws_url, await cookie_for(live_server.url, "thuky"), 1)
    member = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien1"), 1)
    await staff.connect()
    await member.connect()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as sec:
        assert (await sec.post("/api/login", json={"username": "thuky",
                                                   "password": "phonghop2026"})).status_code == 200
        ids = []
        for name, data in (("a.pdf", h.content_bomb()), ("b.pdf", h.content_bomb()),
                           ("tot.pdf", h.simple_pdf("Tờ trình số 12"))):
            r = await sec.post("/api/meetings/1/items/1/documents", headers=ASYNC,
                               files={"file": (name, data, "application/pdf")})
            assert r.status_code == 202, r.text
            ids.append(r.json()["upload"]["id"])
        good = ids[2]
        # both reading slots are busy with the bad files: the good one says it waits its turn
        assert (await sec.get(f"/api/uploads/{good}")).json()["upload"]["stage"] == "waiting"

        def stages(upload_id: int) -> list[str]:
            return [e["data"]["stage"] for e in staff.events
                    if e["type"] == "upload.status" and e["data"]["id"] == upload_id]

        await staff.wait_for("upload.status", lambda d: d["id"] == good
                             and d["stage"] == "ready", within=120)
        assert stages(good)[0] == "waiting"
        assert stages(good)[-3:] == ["reading", "indexing", "ready"]
        for bad in ids[:2]:
            refused = await staff.wait_for("upload.status", lambda d, bad=bad: d["id"] == bad
                                           and d["stage"] == "refused", within=60)
            assert refused["data"]["error"]["error"] == "too_complex"
        document_id = (await sec.get(f"/api/uploads/{good}")).json()["upload"]["document_id"]
        hits = (await sec.get(f"/api/documents/{document_id}/search?q=to trinh")).json()["hits"]
        assert [hit["page"] for hit in hits] == [1]  # ready means searchable
    assert not [e for e in member.events if e["type"] == "upload.status"]
    await member.wait_for("agenda.changed", lambda d: d.get("document", {}).get("id")
                          == document_id)
    for tablet in (staff, member):
        await tablet.close()


@pytest.mark.server
def test_an_upload_whose_server_was_killed_is_shown_interrupted(
        slow_reader: None, live_server: LiveServer) -> None:
    sec = live_server.session("thuky")
    r = send(sec, h.content_bomb(), "bomb.pdf", ASYNC)
    sec.close()
    assert r.status_code == 202
    upload_id = r.json()["upload"]["id"]
    stored = live_server.settings.data_dir / "uploads" / f"{upload_id}.upload"
    assert stored.exists() and stored.stat().st_mode & 0o077 == 0  # kept for the server only
    os.kill(live_server.process.pid, signal.SIGKILL)
    live_server.process.wait()
    live_server.process = start_server(live_server.settings, live_server.port,
                                       live_server.log)
    sec = live_server.session("thuky")
    upload = sec.get(f"/api/uploads/{upload_id}").json()["upload"]
    sec.close()
    assert upload["stage"] == "failed"
    assert upload["error"]["error"] == "interrupted"
    assert "tải tệp lên lại" in upload["error"]["message_vi"]
    assert not stored.exists()
    assert_nothing_left_behind()
