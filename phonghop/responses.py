"""JSON in and out for the HTTP API: parsing bodies, and turning refusals into
`{"error": code, "message": ...}` responses in Vietnamese and English."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meetings.errors import DomainError, Kind, invalid

STATUS = {
    Kind.UNAUTHENTICATED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.INVALID: 422,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
}

HTTP_TEXT = {
    400: ("Yêu cầu không hợp lệ.", "Bad request."),
    404: ("Không tìm thấy địa chỉ này.", "There is nothing at this address."),
    405: ("Phương thức không được hỗ trợ ở địa chỉ này.", "Method not allowed here."),
    413: ("Dữ liệu gửi lên quá lớn.", "The request is too large."),
}


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def error_response(err: DomainError) -> JSONResponse:
    return JSONResponse(err.as_dict(), status_code=STATUS[err.kind])


async def domain_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(exc)


async def http_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    vi, en = HTTP_TEXT.get(exc.status_code, ("Lỗi yêu cầu.", "Request error."))
    body = {"error": f"http_{exc.status_code}", "message": f"{vi} / {en}",
            "message_vi": vi, "message_en": en}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def read_json(request: Request) -> dict[str, Any]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise invalid(
            "json_required",
            "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
            "The request body must be JSON (Content-Type: application/json).",
        )
    body = await request.body()
    if len(body) > 1_000_000:
        raise DomainError(Kind.TOO_LARGE, "too_large", "Dữ liệu gửi lên quá lớn.",
                          "The request body is too large.")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise invalid("bad_json", "Nội dung gửi lên không phải JSON hợp lệ.",
                      "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid("bad_json", "Nội dung gửi lên phải là một đối tượng JSON.",
                      "The request body must be a JSON object.")
    return data


def field_str(data: dict[str, Any], name: str, *, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        raise invalid("bad_field", f"Trường '{name}' phải là chuỗi ký tự.",
                      f"The field '{name}' must be a string.", field=name)
    return value


def field_int(data: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid("bad_field", f"Trường '{name}' phải là số nguyên.",
                      f"The field '{name}' must be an integer.", field=name)
    return value


def field_time(data: dict[str, Any], name: str) -> datetime:
    raw = data.get(name)
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        raise invalid(
            "bad_time",
            f"Trường '{name}' phải là thời điểm ISO 8601, ví dụ 2026-11-26T14:00+07:00.",
            f"The field '{name}' must be an ISO 8601 time, e.g. 2026-11-26T14:00+07:00.",
            field=name,
        ) from None
    if value.tzinfo is None:
        raise invalid(
            "naive_time",
            f"Trường '{name}' cần có múi giờ, ví dụ +07:00.",
            f"The field '{name}' needs a time zone, e.g. +07:00.",
            field=name,
        )
    return value


def path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    assert isinstance(value, int)
    return value
