"""Property-based tests (hypothesis): whatever arrives, the readers answer with a value or a
typed refusal, never a crash. The frame parser, each command's data (connect and its
positions, presence, vote.cast, present), the HTTP JSON body reader, its field readers and the
multipart form reader; then random frames against a live server, which must answer every one
with a reply or a typed error (never `server_error`) and keep the connection."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.exceptions import HTTPException
from starlette.requests import Request

from meetings.errors import DomainError, Kind
from phonghop.commands import read_ballot, read_connect, read_positions, read_presence
from phonghop.responses import (
    MAX_INT,
    UploadForm,
    field_int,
    field_str,
    field_time,
    int_list,
    read_json,
    read_upload,
)
from realtime.broker import Position
from realtime.protocol import COMMAND_TYPES, Command, ProtocolError, parse_command
from tests.helpers import record_quorum

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False) | st.text(max_size=30))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)
# Data that looks like what a client sends: the right keys, any values.
KEYS = ["meeting_id", "inbox", "positions", "device", "mode", "document_id", "page", "vote_id",
        "choice", "marks", "for_user", "item_id", "offset", "epoch", "meeting:1"]
command_data = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values,
                               max_size=6)
positions = st.dictionaries(
    st.sampled_from(["meeting:1", "meeting:1:staff", "meeting:1:user:5"]) | st.text(max_size=20),
    st.fixed_dictionaries({}, optional={"offset": json_values, "epoch": json_values})
    | json_values, max_size=4,
)


def nested(depth: int, opener: str) -> str:
    return (opener + ('"a":' if opener == "{" else "")) * depth


@st.composite
def frames(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(max_size=300))
    if kind == 1:  # nested past what a recursive reader can follow
        # up to 60 KB: within the frame limit, far past any recursion limit
        return nested(draw(st.integers(1, 12_000)), draw(st.sampled_from("[{")))
    frame: dict[str, Any] = draw(st.fixed_dictionaries({}, optional={
        "id": json_values, "type": st.sampled_from(COMMAND_TYPES) | st.text(max_size=10),
        "data": command_data | json_values}))
    if kind == 2:
        return json.dumps(frame)
    return json.dumps(draw(json_values))


# --- the frame parser ---------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(frames())
def test_any_frame_is_a_command_or_a_typed_error(text: str) -> None:
    try:
        command = parse_command(text)
    except ProtocolError as exc:
        assert exc.code in ("bad_json", "bad_frame", "bad_id", "unknown_type", "bad_data")
        assert exc.vi and exc.en
        return
    assert isinstance(command, Command) and command.type in COMMAND_TYPES
    assert command.id is None or (isinstance(command.id, int)
                                  and not isinstance(command.id, bool))
    assert isinstance(command.data, dict)


def test_a_frame_nested_past_the_reader_is_bad_json() -> None:
    # found by the property above: json.loads raised RecursionError, which nobody caught
    with pytest.raises(ProtocolError) as refused:
        parse_command("[" * 60_000)
    assert refused.value.code == "bad_json"


# --- command data ---------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(command_data, st.integers(1, 5))
def test_connect_data_is_read_or_refused_by_name(data: dict[str, Any], cid: int) -> None:
    try:
        connect = read_connect(cid, data)
    except ProtocolError as exc:
        assert exc.code in ("bad_connect", "bad_meeting", "meeting_required", "bad_positions")
        assert exc.id == cid and exc.vi and exc.en
        return
    assert connect.meeting_id is None or 1 <= connect.meeting_id <= MAX_INT
    assert isinstance(connect.device, str) and len(connect.device) <= 60
    for position in connect.positions.values():
        assert isinstance(position, Position) and position.offset >= 0
        assert isinstance(position.epoch, str) and position.epoch


@settings(max_examples=300, deadline=None)
@given(positions | json_values)
def test_positions_are_read_or_refused_by_name(raw: Any) -> None:
    try:
        read = read_positions(1, raw)
    except ProtocolError as exc:
        assert exc.code == "bad_positions"
        return
    assert set(read) <= (set(raw) if isinstance(raw, dict) else set())
    for channel, position in read.items():
        assert raw[channel] == {"offset": position.offset, "epoch": position.epoch} | {
            k: v for k, v in raw[channel].items() if k not in ("offset", "epoch")}


@settings(max_examples=300, deadline=None)
@given(command_data)
def test_presence_and_ballot_data_are_read_or_refused_by_name(data: dict[str, Any]) -> None:
    try:
        report = read_presence(1, data)
        assert report.mode in ("follow", "browse")
        assert report.page is None or 1 <= report.page <= MAX_INT
    except ProtocolError as exc:
        assert exc.code == "bad_presence"
    try:
        ballot = read_ballot(1, data)
        assert 1 <= ballot.vote_id <= MAX_INT
        assert ballot.choice is not None or ballot.marks is not None
    except ProtocolError as exc:
        assert exc.code == "bad_ballot"


@settings(max_examples=300, deadline=None)
@given(command_data)
def test_field_readers_return_a_value_or_an_invalid_refusal(data: dict[str, Any]) -> None:
    readers = [lambda: field_int(data, "page", optional=True), lambda: field_str(data, "choice"),
               lambda: field_time(data, "offset"), lambda: int_list(data.get("marks"), "marks")]
    for read in readers:
        try:
            read()
        except DomainError as exc:
            assert exc.kind is Kind.INVALID and exc.code in ("bad_field", "bad_time",
                                                             "naive_time")


# --- the HTTP body readers ------------------------------------------------------------------


def request(body: bytes, content_type: str) -> Request:
    chunks = [body]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop() if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": False}

    headers = [(b"content-type", content_type.encode("latin-1", "replace"))]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers,
                    "query_string": b"", "app": object()}, receive)


content_types = st.sampled_from(["application/json", "Application/JSON; charset=utf-8",
                                 "text/plain; a=application/json", "", "application/jsonx",
                                 "multipart/form-data; boundary=b"]) | st.text(max_size=40)
bodies = (st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode())
          | st.integers(1, 30_000).map(lambda n: b'{"a":' * n))


@settings(max_examples=400, deadline=None)
@given(bodies, content_types)
def test_the_json_reader_gives_an_object_or_a_typed_refusal(body: bytes, kind: str) -> None:
    try:
        data = asyncio.run(read_json(request(body, kind)))
    except DomainError as exc:
        assert exc.kind is Kind.INVALID and exc.code in ("json_required", "bad_json")
        return
    assert isinstance(data, dict)


@st.composite
def multipart(draw: st.DrawFn) -> tuple[bytes, str]:
    boundary = draw(st.sampled_from(["b", "----x", "z" * 70]))
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["file", "title", "password", "other"]) | st.text(max_size=5))
        filename = draw(st.none() | st.text(max_size=10))
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else "")
        parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
                     + draw(st.binary(max_size=200)) + b"\r\n")
    tail = draw(st.sampled_from([f"--{boundary}--\r\n".encode(), b"", b"--garbage"]))
    body = draw(st.sampled_from([b"".join(parts) + tail, draw(st.binary(max_size=200))]))
    return body, f"multipart/form-data; boundary={boundary}"


# Starlette 1.10 leaves the temporary file of a file part the body never ends (no closing
# boundary) out of the form, so nothing closes it but the garbage collector, at once (a
# ResourceWarning). The answer is still the right refusal (file_required).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@settings(max_examples=300, deadline=None)
@given(multipart())
def test_the_form_reader_gives_a_form_or_a_typed_refusal(sent: tuple[bytes, str]) -> None:
    body, kind = sent
    try:
        form = asyncio.run(read_upload(request(body, kind), 1))
    except DomainError as exc:
        assert exc.kind in (Kind.INVALID, Kind.TOO_LARGE)
        return
    except HTTPException as exc:  # a broken multipart body: answered 400 as JSON
        assert exc.status_code == 400
        return
    assert isinstance(form, UploadForm) and isinstance(form.data, bytes)


# --- against a live server ------------------------------------------------------------------


live_commands = st.fixed_dictionaries({
    "type": st.sampled_from(["presence", "vote.cast", "present", "connect", "pong"]),
    "data": command_data | json_values,
}, optional={"id": st.integers(1, 10**6) | json_values})


@pytest.mark.server
@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(["thuky", "uyvien1"]), st.lists(live_commands | frames(), min_size=1,
                                                       max_size=25))
def test_a_live_server_answers_random_frames_without_a_server_error(
    fuzz_server: tuple[str, str, dict[str, str]], username: str, sent: list[Any],
) -> None:
    ws_url, _, cookies = fuzz_server
    asyncio.run(exchange(ws_url, cookies[username], sent))


async def exchange(ws_url: str, cookie: str, sent: list[Any]) -> None:
    import websockets

    async with websockets.connect(ws_url, additional_headers={"Cookie": cookie},
                                  max_size=None) as ws:
        await ws.send(json.dumps({"id": 0, "type": "connect", "data": {"meeting_id": 1}}))
        while json.loads(await asyncio.wait_for(ws.recv(), 20)).get("id") != 0:
            pass
        for item in sent:
            await ws.send(item if isinstance(item, str) else json.dumps(item))
        # a marker after them: commands are answered in order, so once it is, all were
        await ws.send(json.dumps({"id": MARKER, "type": "presence", "data": {"mode": "follow"}}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if message.get("type") == "error":
                assert message["error"] != "server_error", message
                assert message["message_vi"] and message["message_en"]
            if message.get("id") == MARKER:
                assert message["type"] == "reply", message
                break
        assert ws.close_code is None  # never closed for what it sent


MARKER = 2**31 - 1  # an id no generated command has


@pytest.fixture
def fuzz_server(settings, demo, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A live server where the meeting runs with a vote open, no rate limit in the way."""
    import httpx

    from tests.conftest import free_port, start_server, stop_server
    from tests.wsclient import cookie_for

    port = free_port()
    process = start_server(settings, port, tmp_path / "server.log",
                           {"PHONGHOP_WS_COMMANDS_PER_SECOND": "100000"})
    url = f"http://127.0.0.1:{port}"
    try:
        cookies = {name: asyncio.run(cookie_for(url, name)) for name in ("thuky", "uyvien1")}
        with httpx.Client(base_url=url, headers={"Cookie": cookies["thuky"]}) as http:
            assert http.post(f"/api/meetings/{demo.meeting_id}/start").status_code == 200
            record_quorum(http, demo.meeting_id)
            r = http.post(f"/api/meetings/{demo.meeting_id}/votes", json={"question": "Thử?"})
            assert r.status_code in (200, 201), r.text
        yield f"ws://127.0.0.1:{port}/ws", url, cookies
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log, log[-3000:]
    finally:
        stop_server(process)
