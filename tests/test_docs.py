"""Docs that tests keep honest: every route, message type and setting is documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from starlette.routing import Route

from meetings.events import EVENT_TYPES
from phonghop.app import APP_PAGES
from phonghop.settings import Settings
from phonghop.websocket import PATH
from realtime.protocol import COMMAND_TYPES, CONTROL_TYPES, Close

DOCS = Path(__file__).resolve().parent.parent / "docs"


def plain(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def test_every_http_route_is_in_api_md(app) -> None:
    api = (DOCS / "api.md").read_text()
    missing = []
    for route in app.routes:
        if isinstance(route, Route) and route.path not in APP_PAGES:
            for method in sorted((route.methods or set()) - {"HEAD"}):
                if f"`{method} {plain(route.path)}" not in api:
                    missing.append(f"{method} {plain(route.path)}")
    assert missing == []
    assert f"WebSocket `{PATH}`" in api


def test_every_message_type_is_in_api_md_and_protocol_md() -> None:
    api = (DOCS / "api.md").read_text()
    protocol = (DOCS / "protocol.md").read_text()
    for name in (*EVENT_TYPES, *COMMAND_TYPES, *CONTROL_TYPES):
        assert f"- `{name}`" in api, name
        assert f"`{name}`" in protocol, name


def test_every_close_code_is_in_protocol_md() -> None:
    protocol = (DOCS / "protocol.md").read_text()
    for code in Close:
        assert f"| {code.value} |" in protocol, code


def test_every_setting_is_in_settings_md() -> None:
    documented = (DOCS / "settings.md").read_text()
    for f in fields(Settings):
        assert f"`PHONGHOP_{f.name.upper()}`" in documented, f.name


def test_every_refusal_an_upload_can_give_is_in_api_md() -> None:
    from meetings.documents.ingest import FAILURES, MESSAGES

    api = (DOCS / "api.md").read_text()
    refusals = api[api.index("**Refusals** of an upload"):api.index("### Uploads")]
    for code in (*MESSAGES, *FAILURES, "file_required", "file_too_large", "storage_full"):
        assert f"`{code}`" in refusals, code
