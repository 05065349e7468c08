"""Small helpers shared by the HTTP tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert a refusal: its status, its code, and a message in both languages."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "message", "message_vi", "message_en"}, body
    assert body["message_vi"] and body["message_en"] and body["message_vi"] != body["message_en"]
    if code is not None:
        assert body["error"] == code, body
    return body


def snapshot(client: TestClient, meeting_id: int) -> dict[str, Any]:
    r = client.get(f"/api/meetings/{meeting_id}")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def first_document(client: TestClient, meeting_id: int) -> dict[str, Any]:
    doc: dict[str, Any] = snapshot(client, meeting_id)["items"][0]["documents"][0]
    return doc


def start(client: TestClient, meeting_id: int) -> None:
    r = client.post(f"/api/meetings/{meeting_id}/start")
    assert r.status_code == 200, r.text


def record_quorum(client: Any, meeting_id: int, *, absent: tuple[str, ...] = ()) -> list[int]:
    """The secretary records every voter (chair and members) present but `absent`, so that a
    vote may open under the law's quorum (two thirds of a People's Committee's members:
    the demo body's). Works with a TestClient or an httpx client. Returns the ids recorded."""
    r = client.get(f"/api/meetings/{meeting_id}")
    assert r.status_code == 200, r.text
    recorded = []
    for p in r.json()["participants"]:
        if p["role"] in ("chair", "member") and p["username"] not in absent:
            a = client.post(f"/api/meetings/{meeting_id}/attendance",
                            json={"user_id": p["user_id"], "state": "present"})
            assert a.status_code == 200, a.text
            recorded.append(p["user_id"])
    return recorded


async def record_quorum_async(client: Any, meeting_id: int, *,
                              absent: tuple[str, ...] = ()) -> list[int]:
    """`record_quorum` with an httpx.AsyncClient."""
    r = await client.get(f"/api/meetings/{meeting_id}")
    assert r.status_code == 200, r.text
    recorded = []
    for p in r.json()["participants"]:
        if p["role"] in ("chair", "member") and p["username"] not in absent:
            a = await client.post(f"/api/meetings/{meeting_id}/attendance",
                                  json={"user_id": p["user_id"], "state": "present"})
            assert a.status_code == 200, a.text
            recorded.append(p["user_id"])
    return recorded
