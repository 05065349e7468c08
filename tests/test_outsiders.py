"""Outsiders learn nothing of which ids exist: anything outside the actor's reach answers the
very same 404 `not_found` as an id that names nothing, on every route that takes an id."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Route

from tests.room import MISSING, PLAUSIBLE, populate


@pytest.fixture
def existing(login, settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return populate(login, settings)


def fill(path: str, ids: dict[str, int] | None) -> str:
    def one(m: re.Match[str]) -> str:
        return str(MISSING if ids is None else ids[m.group(1)])

    return re.sub(r"\{(\w+):int\}", one, path)


def id_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    for route in app.routes:
        if isinstance(route, Route) and ":int}" in route.path:
            out += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return out


def ask(client, method: str, path: str, body: dict[str, Any] | None = None
        ):  # type: ignore[no-untyped-def]
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, path, json={} if body is None else body)
    return client.request(method, path)


def test_an_outsider_cannot_tell_an_existing_id_from_a_missing_one(app, login,
                                                                    existing) -> None:
    outsider = login("ngoai")
    differ = []
    routes = id_routes(app)
    for method, path in routes:
        real, made_up = fill(path, existing), fill(path, None)
        for body in (None, PLAUSIBLE):
            a, b = ask(outsider, method, real, body), ask(outsider, method, made_up, body)
            if (a.status_code, a.content) != (b.status_code, b.content):
                differ.append(f"{method} {real}: {a.status_code} {a.text[:90]} | "
                              f"{made_up}: {b.status_code} {b.text[:90]}")
    assert len(routes) >= 50
    assert not differ, "\n".join(differ)


def test_another_members_note_is_as_missing_as_no_note(login, existing) -> None:
    other = login("uyvien2")
    for method in ("PUT", "DELETE"):
        a = ask(other, method, f"/api/notes/{existing['note_id']}")
        b = ask(other, method, f"/api/notes/{MISSING}")
        assert (a.status_code, a.content) == (b.status_code, b.content), (a.text, b.text)
