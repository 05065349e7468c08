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
