"""An OpenAPI 3.1 description of the HTTP API, generated from the app's route table:
`python -m phonghop.openapi` writes docs/openapi.json (`--check` only says whether it is
current). A test keeps the committed file equal to what the routes give, and fuzzes the
server from it (tests/test_openapi.py).

What the route table knows goes in exactly: every path and method, its path parameters (ids
of 1 to 9 digits, as phonghop.DatabaseId matches them), and the refusal every route may give
(`{"error", "message", "message_vi", "message_en"}`, phonghop.responses). What it does not
know is read from each endpoint's source where it is plain: a JSON body's fields from the
`field_*` readers that take them, an upload's multipart form, the query parameters it reads.
docs/api.md stays the description people read.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from phonghop.app import APP_PAGES, create_app
from phonghop.auth import COOKIE
from phonghop.settings import Settings

TARGET = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
PUBLIC = {("POST", "/api/login"), ("GET", "/healthz"), ("GET", "/sw.js")}  # no login

ERROR = {
    "type": "object",
    "required": ["error", "message", "message_vi", "message_en"],
    "properties": {
        "error": {"type": "string", "description": "a code a program can test"},
        "message": {"type": "string", "description": "Vietnamese / English"},
        "message_vi": {"type": "string"},
        "message_en": {"type": "string"},
        "field": {"type": "string", "description": "the field at fault, when one is"},
    },
}
REFUSED = {"description": "Refused: what was wrong and what to do, in Vietnamese and English",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

# How each field reader of phonghop.responses reads its field.
FIELD_READERS = {
    "field_str": {"type": "string"},
    "field_int": {"type": "integer"},
    "field_time": {"type": "string", "format": "date-time"},
}


def _path(route: Route) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)


def _source(endpoint: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(endpoint)
    except (OSError, TypeError):
        return ""


def _json_body(source: str) -> dict[str, Any] | None:
    found = re.search(r"(\w+) = await read_json\(request\)", source)
    if found is None:
        return None
    name = re.escape(found.group(1))
    properties: dict[str, Any] = {}
    for reader, field in re.findall(rf"(field_\w+)\({name}, \"(\w+)\"", source):
        properties.setdefault(field, dict(FIELD_READERS.get(reader, {})))
    for field in re.findall(rf"int_list\({name}\.get\(\"(\w+)\"\)", source):
        properties.setdefault(field, {"type": "array", "items": {"type": "integer"}})
    for field in re.findall(rf"{name}(?:\.get\(|\[)\"(\w+)\"", source):
        properties.setdefault(field, {})
    for field in re.findall(rf"\"(\w+)\" in {name}\b", source):
        properties.setdefault(field, {})
    return {"type": "object", "properties": dict(sorted(properties.items()))}


def _operation(method: str, path: str, route: Route) -> dict[str, Any]:
    source = _source(route.endpoint)
    doc = inspect.getdoc(route.endpoint) or ""
    operation: dict[str, Any] = {
        "operationId": f"{route.endpoint.__module__.rsplit('.', 1)[-1]}.{route.name}.{method}",
        "summary": doc.split("\n\n", 1)[0].replace("\n", " ") if doc else route.name,
    }
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999}}
        for name in route.param_convertors
    ]
    for name in sorted(set(re.findall(r"query_params\.get\(\"(\w+)\"", source))):
        params.append({"name": name, "in": "query", "required": False,
                       "schema": {"type": "string"}})
    if params:
        operation["parameters"] = params
    if method in ("POST", "PUT", "PATCH"):
        body = _json_body(source)
        if "read_upload(" in source:
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string"}, "password": {"type": "string"}}}}}}
        elif body is not None:
            operation["requestBody"] = {"required": "if request.headers" not in source,
                                        "content": {"application/json": {"schema": body}}}
    operation["responses"] = {
        "2XX": {"description": "Done"},
        "4XX": REFUSED,
        "503": REFUSED | {"description": "The database or the cluster's broker is away for "
                                         "the moment: nothing was done; try again "
                                         "(Retry-After)"},
    }
    if (method, path) in PUBLIC:
        operation["security"] = []
    return operation


def describe(app: Starlette) -> dict[str, Any]:
    """The OpenAPI description of `app`'s HTTP routes (not the web app's pages or files)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in app.routes:
        if not isinstance(route, Route) or route.path in APP_PAGES:
            continue
        path = _path(route)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            paths.setdefault(path, {})[method.lower()] = _operation(method, path, route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "phonghop",
            "version": "1",
            "description": "The HTTP API of phonghop, generated from its route table by "
                           "`python -m phonghop.openapi`. docs/api.md describes each route; "
                           "the WebSocket at /ws is in docs/protocol.md.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": COOKIE}},
        },
        "security": [{"session": []}],
    }


def render(description: dict[str, Any]) -> str:
    return json.dumps(description, ensure_ascii=False, indent=2) + "\n"


def current() -> str:
    """docs/openapi.json as the routes of this checkout give it."""
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(data_dir=Path(scratch), secret_key="openapi"))
        return render(describe(app))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phonghop.openapi",
                                     description="Write docs/openapi.json from the routes.")
    parser.add_argument("--check", action="store_true",
                        help="only check that docs/openapi.json is current (exit 1 if not)")
    args = parser.parse_args(argv)
    text = current()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is out of date: run python -m phonghop.openapi", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
