"""JSON in and out for the HTTP API: parsing bodies, and turning refusals into
`{"error": code, "message": ...}` responses in Vietnamese and English."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meetings.errors import DomainError, Kind, invalid

log = logging.getLogger("phonghop.responses")

STATUS = {
    Kind.UNAUTHENTICATED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.INVALID: 422,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
    Kind.INTERNAL: 500,
    Kind.STORAGE_FULL: 507,
    Kind.UNAVAILABLE: 503,
    Kind.TOO_MANY: 429,
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
    response = JSONResponse(err.as_dict(), status_code=STATUS[err.kind])
    if err.kind == Kind.TOO_MANY:
        response.headers["Retry-After"] = str(err.details.get("retry_after", 1))
    return response


async def domain_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(exc)


# The database cannot be reached (restarting, failed over, a pool exhausted): nothing was done,
# and asking again shortly will work. Answered 503 with Retry-After, never 500.
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 2


def database_unavailable() -> DomainError:
    return DomainError(
        Kind.UNAVAILABLE, "database_unavailable",
        "Máy chủ tạm thời không kết nối được cơ sở dữ liệu; thao tác chưa được thực hiện. Vui "
        "lòng thử lại sau ít giây.",
        "The server cannot reach its database for the moment; nothing was done. Please try "
        "again in a few seconds.",
    )


def broker_unavailable() -> DomainError:
    return DomainError(
        Kind.UNAVAILABLE, "broker_unavailable",
        "Máy chủ tạm thời không liên lạc được với các máy chủ khác trong cụm; vui lòng thử lại "
        "sau ít giây.",
        "The server cannot reach the other servers of its cluster for the moment; please try "
        "again in a few seconds.",
    )


async def broker_down_handler(_request: Request, exc: Exception) -> Response:
    log.warning("broker unavailable: %s", exc)
    response = error_response(broker_unavailable())
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def database_down_handler(_request: Request, exc: Exception) -> Response:
    log.warning("database unavailable: %s", exc)
    response = error_response(database_unavailable())
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def http_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    vi, en = HTTP_TEXT.get(exc.status_code, ("Lỗi yêu cầu.", "Request error."))
    body = {"error": f"http_{exc.status_code}", "message": f"{vi} / {en}",
            "message_vi": vi, "message_en": en}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def read_json(request: Request) -> dict[str, Any]:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise invalid(
            "json_required",
            "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
            "The request body must be JSON (Content-Type: application/json).",
        )
    body = await request.body()  # at most phonghop.bodies.JSON_BYTES: BodyLimit stops it
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
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


# Every integer the database stores is a signed 32-bit one; a larger number names nothing.
MAX_INT = 2**31 - 1  # PostgreSQL INTEGER, the type of every id and count column


def is_int(value: object) -> TypeGuard[int]:
    """A JSON integer the database can hold (not a bool, not a float like 1e20)."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT


def is_id(value: object) -> TypeGuard[int]:
    """A JSON value that can be the id of a row: a positive 32-bit integer (PostgreSQL INTEGER)."""
    return is_int(value) and value > 0


def field_int(data: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not is_int(value):
        raise invalid("bad_field", f"Trường '{name}' phải là số nguyên.",
                      f"The field '{name}' must be an integer.", field=name)
    return value


def int_list(value: Any, name: str) -> list[int]:
    """A JSON list of integers (ids), or a refusal naming the field."""
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise invalid("bad_field", f"Trường '{name}' phải là danh sách số nguyên.",
                      f"The field '{name}' must be a list of integers.", field=name)
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


@dataclass(frozen=True)
class UploadForm:
    """A multipart upload as the form sent it: the file's bytes and name, and the optional
    title and PDF password."""

    data: bytes
    filename: str
    title: str
    password: str


def too_large(max_mb: int) -> DomainError:
    return DomainError(Kind.TOO_LARGE, "file_too_large", f"Tệp vượt quá giới hạn {max_mb} MB.",
                       f"The file is larger than the limit of {max_mb} MB.")


async def read_upload(request: Request, max_mb: int) -> UploadForm:
    """Read a multipart upload (field `file`, optional `title` and `password`), refusing a file
    over `max_mb` (the whole body is bounded before it is read: phonghop.bodies)."""
    limit = max_mb * 1024 * 1024
    async with request.form(max_files=1, max_fields=10, max_part_size=1024 * 1024) as form:
        upload = form.get("file")
        title = form.get("title")
        password = form.get("password")
        if not isinstance(upload, UploadFile):
            raise invalid(
                "file_required",
                "Vui lòng chọn một tệp (PDF, Word, Excel, PowerPoint...) để tải lên "
                "(trường 'file').",
                "Choose a file (PDF, Word, Excel, PowerPoint...) to upload (field 'file').",
            )
        data = await upload.read()
        filename = upload.filename or "tai-lieu.pdf"
    if len(data) > limit:
        raise too_large(max_mb)
    return UploadForm(data, filename, title if isinstance(title, str) else "",
                      password if isinstance(password, str) else "")
