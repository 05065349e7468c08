"""docs/openapi.json is what the route table gives (`python -m phonghop.openapi`), so a new
route missing from it fails here; and schemathesis, generating requests from it, finds no
server error on a live server, logged in as the secretary."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from starlette.responses import JSONResponse
from starlette.routing import Route

from phonghop.openapi import TARGET, current, describe, render
from tests.conftest import LiveServer

COMMITTED = TARGET.read_text() if TARGET.exists() else ""


def test_the_committed_description_is_what_the_routes_give() -> None:
    assert COMMITTED == current(), "docs/openapi.json is out of date: python -m phonghop.openapi"


def test_a_route_missing_from_the_description_is_caught(app) -> None:  # type: ignore[no-untyped-def]
    async def secret_door(_request: object) -> JSONResponse:
        return JSONResponse({})

    app.router.routes.append(Route("/api/meetings/{meeting_id:int}/secret-door", secret_door,
                                   methods=["POST"]))
    described = describe(app)
    assert "/api/meetings/{meeting_id}/secret-door" in described["paths"]
    assert render(described) != COMMITTED  # what the first test compares
    operation = described["paths"]["/api/meetings/{meeting_id}/secret-door"]["post"]
    assert operation["parameters"][0]["name"] == "meeting_id"


def test_every_route_has_its_path_parameters_and_the_error_schema() -> None:
    description = json.loads(COMMITTED)
    assert set(description["components"]["schemas"]["Error"]["required"]) == {
        "error", "message", "message_vi", "message_en"}
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert named == set(path.replace("}", "{").split("{")[1::2]), (method, path)
            assert operation["responses"]["4XX"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}
    # bodies where the route reads them: a JSON object's fields, an upload's form
    present = description["paths"]["/api/meetings/{meeting_id}/present"]["post"]
    assert set(present["requestBody"]["content"]["application/json"]["schema"][
        "properties"]) == {"item_id", "document_id", "page"}
    upload = description["paths"]["/api/meetings/{meeting_id}/items/{item_id}/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


@pytest.mark.server
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data())
def test_schemathesis_finds_no_server_error(live_server: LiveServer, data: st.DataObject
                                            ) -> None:
    case = data.draw(STRATEGY)
    cookie = SESSIONS.get(live_server.url)
    if cookie is None:
        http = live_server.session("thuky")
        cookie = SESSIONS[live_server.url] = f"phonghop_session={http.cookies['phonghop_session']}"
        http.close()
    started = time.monotonic()
    with requests.Session() as session:
        response = case.call(base_url=live_server.url, session=session,
                             headers={"Cookie": cookie}, timeout=60)
    assert response.status_code < 500, (case.method, case.formatted_path, case.body,
                                        response.status_code, response.text[:500])
    kind = response.headers.get("content-type") or [""]
    if response.status_code >= 400 and "application/json" in str(kind):
        body = response.json()  # every refusal is the documented error object
        assert {"error", "message_vi", "message_en"} <= set(body), body
    assert time.monotonic() - started < 60  # a liveness bound, not a speed target


SESSIONS: dict[str, str] = {}
SCHEMA = schemathesis.openapi.from_path(TARGET).exclude(path="/api/logout")  # stays logged in
# Random ids mostly name nothing (404): a third of the requests name the demo's own rows
# instead (each table's first ids), so the routes' real work is fuzzed too.
DEMO_IDS = {name: 1 for name in ("meeting_id", "item_id", "document_id", "vote_id", "note_id",
                                 "upload_id", "request_id", "opinion_id", "body_id", "page")}
DEMO_IDS["user_id"] = 3
STRATEGY = st.one_of(SCHEMA.as_strategy(GenerationMode.POSITIVE, path_parameters=DEMO_IDS),
                     SCHEMA.as_strategy(GenerationMode.POSITIVE),
                     SCHEMA.as_strategy(GenerationMode.NEGATIVE))


def test_the_fuzzed_schema_has_every_operation_but_logout() -> None:
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    assert len(operations) == sum(len(m) for m in json.loads(COMMITTED)["paths"].values()) - 1
    assert Path(TARGET).name == "openapi.json"
