"""Checking what people type into the domain's text fields: present when required, and
within its length; a refusal names the field."""

from __future__ import annotations

import re

from meetings.errors import invalid


def text_field(value: str | None, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(
            "missing_field",
            f"Thiếu thông tin bắt buộc: {field}.",
            f"A required field is missing: {field}.",
            field=field,
        )
    if len(value) > limit:
        raise invalid(
            "too_long",
            f"Trường {field} dài quá {limit} ký tự.",
            f"The field {field} is longer than {limit} characters.",
            field=field,
        )
    return value


_ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")


def email_field(value: str | None) -> str:
    """An e-mail address, or "" for none; anything else is refused."""
    email = (value or "").strip()
    if email and (len(email) > 254 or not _ADDRESS.match(email)):
        raise invalid("bad_email",
                      "Địa chỉ thư điện tử không hợp lệ (ví dụ: nguyenvana@tuongtien.gov.vn).",
                      "The e-mail address is not valid (e.g. nguyenvana@tuongtien.gov.vn).",
                      field="email")
    return email
