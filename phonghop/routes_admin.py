"""Routes: the administrator's screens — users, bodies with their members, quorum and signing
key, and the audit log (docs/api.md, "Administration"). Administrators only: others get 403
`admin_only`, outsiders 401 as everywhere else."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings.accounts import Actor
from meetings.admin import audit, bodies, keys, users
from meetings.errors import invalid
from phonghop.auth import parts
from phonghop.responses import field_str, is_id, json_response, path_int, read_json


async def _admin(request: Request) -> Actor:
    _services, sessions = parts(request)
    actor = await sessions.require(request)
    users.require_admin(actor)
    return actor


async def list_users(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    text = request.query_params.get("q", "")
    active = {"true": True, "false": False}.get(request.query_params.get("active", ""))
    found = await services.read(lambda s: users.search(s, actor, text, active=active))
    return json_response({"users": found})


async def create_user(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    data = await read_json(request)
    user = await services.write(lambda s: users.user_admin_view(
        users.add_user(s, services.passwords, actor, data)))
    return json_response({"user": user}, status=201)


async def edit_user(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await _admin(request)
    user_id = path_int(request, "user_id")
    data = await read_json(request)
    user = await services.write(
        lambda s: users.user_admin_view(users.edit_user(s, actor, user_id, data)))
    if "global_role" in data:
        await sessions.role_changed(user_id)
    return json_response({"user": user})


async def deactivate_user(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await _admin(request)
    user_id = path_int(request, "user_id")

    def run(session: Session) -> tuple[dict[str, Any], list[str]]:
        user, digests = users.deactivate(session, actor, user_id)
        return users.user_admin_view(user), digests

    user, digests = await services.write(run)
    await sessions.end_logins(user_id, digests)
    return json_response({"user": user, "logins_ended": len(digests)})


async def wipe_devices(request: Request) -> Response:
    """An administrator, or the secretary of a meeting the person is in (meetings.admin.users
    decides): their logins end, so each device wipes itself when it next reaches us."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    user_id = path_int(request, "user_id")
    user, digests = await services.write(lambda s: users.wipe_devices(s, actor, user_id))
    await sessions.end_logins(user_id, digests)
    return json_response({"user": {"id": user.id, "username": user.username,
                                   "full_name": user.full_name},
                          "logins_ended": len(digests)})


async def reactivate_user(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    user_id = path_int(request, "user_id")
    user = await services.write(
        lambda s: users.user_admin_view(users.reactivate(s, actor, user_id)))
    return json_response({"user": user})


async def reset_password(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await _admin(request)
    user_id = path_int(request, "user_id")
    data = await read_json(request)
    # No password given: the server makes one and shows it this once.
    generated = "password" not in data
    password = secrets.token_urlsafe(9) if generated else field_str(data, "password")

    def run(session: Session) -> tuple[dict[str, Any], list[str]]:
        user, digests = users.reset_password(session, services.passwords, actor, user_id,
                                             password)
        return users.user_admin_view(user), digests

    user, digests = await services.write(run)
    await sessions.end_logins(user_id, digests)
    out: dict[str, Any] = {"user": user, "logins_ended": len(digests)}
    if generated:
        out["password"] = password
    return json_response(out)


async def list_bodies(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    found = await services.read(lambda s: bodies.list_bodies(s, actor))
    return json_response({"bodies": found, "positions": list(bodies.POSITIONS)})


async def create_body(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    data = await read_json(request)
    body = await services.write(
        lambda s: bodies.body_admin_view(s, bodies.create_body(s, actor, data)))
    return json_response({"body": body}, status=201)


async def get_body(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    body_id = path_int(request, "body_id")
    return json_response({"body": await services.read(
        lambda s: bodies.get_body(s, actor, body_id))})


async def edit_body(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    body_id = path_int(request, "body_id")
    data = await read_json(request)
    body = await services.write(
        lambda s: bodies.body_admin_view(s, bodies.edit_body(s, actor, body_id, data)))
    return json_response({"body": body})


async def set_member(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    body_id, user_id = path_int(request, "body_id"), path_int(request, "user_id")
    data = await read_json(request)

    def run(session: Session) -> dict[str, Any]:
        bodies.set_member(session, actor, body_id, user_id, data)
        return bodies.get_body(session, actor, body_id)

    return json_response({"body": await services.write(run)})


async def remove_member(request: Request) -> Response:
    services, _ = parts(request)
    actor = await _admin(request)
    body_id, user_id = path_int(request, "body_id"), path_int(request, "user_id")

    def run(session: Session) -> dict[str, Any]:
        bodies.remove_member(session, actor, body_id, user_id)
        return bodies.get_body(session, actor, body_id)

    return json_response({"body": await services.write(run)})


async def set_key(request: Request) -> Response:
    """`{"generate": true}`, or `{"pkcs12": base64, "passphrase": "..."}`."""
    services, _ = parts(request)
    actor = await _admin(request)
    body_id = path_int(request, "body_id")
    data = await read_json(request)
    root = services.keys.root
    if data.get("generate") is True:
        result = await services.write(lambda s: keys.generate_key(s, root, actor, body_id))
    else:
        try:
            p12 = base64.b64decode(field_str(data, "pkcs12"), validate=True)
        except (binascii.Error, ValueError):
            raise invalid("bad_pkcs12", "Tệp PKCS#12 phải gửi dưới dạng base64.",
                          "The PKCS#12 file must be sent as base64.", field="pkcs12") from None
        passphrase = field_str(data, "passphrase", default="").encode()
        result = await services.write(
            lambda s: keys.install_pkcs12(s, root, actor, body_id, p12, passphrase))
    return json_response({"key": result})


def _when(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid("bad_time", f"Tham số '{name}' phải là ngày hoặc thời điểm ISO 8601, ví "
                      "dụ 2026-11-30 hoặc 2026-11-30T14:00+07:00.",
                      f"The parameter '{name}' must be an ISO 8601 date or time, e.g. "
                      "2026-11-30 or 2026-11-30T14:00+07:00.", field=name) from None
    if value.tzinfo is None:
        from meetings.clock import VIETNAM

        value = value.replace(tzinfo=VIETNAM)  # a date typed in the room is Vietnam's
    return value


def _id_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    value = int(raw) if raw.isdigit() and len(raw) <= 10 else None
    if not is_id(value):
        raise invalid("bad_field", f"Tham số '{name}' phải là số hiệu hợp lệ.",
                      f"The parameter '{name}' must be a valid id.", field=name)
    return value


async def list_audit(request: Request) -> Response:
    """Filters: actor (a user id), action (a code or a family: "login"), since and until
    (ISO dates or times; a date alone is in Vietnam time), before (an entry id: the next
    page)."""
    services, _ = parts(request)
    await _admin(request)
    actor_id, before = _id_param(request, "actor"), _id_param(request, "before")
    since, until = _when(request, "since"), _when(request, "until")
    if until is not None and "T" not in (request.query_params.get("until") or ""):
        from datetime import timedelta

        until += timedelta(days=1)  # "until 2026-11-30" includes that whole day
    action = request.query_params.get("action") or None
    found = await services.read(lambda s: audit.entries(
        s, actor_id=actor_id, action=action, since=since, until=until, before_id=before))
    return json_response({"entries": found, "actions": list(audit.ACTIONS)})


routes = [
    Route("/api/admin/users", list_users, methods=["GET"]),
    Route("/api/admin/users", create_user, methods=["POST"]),
    Route("/api/admin/users/{user_id:int}", edit_user, methods=["PATCH"]),
    Route("/api/admin/users/{user_id:int}/deactivate", deactivate_user, methods=["POST"]),
    Route("/api/admin/users/{user_id:int}/reactivate", reactivate_user, methods=["POST"]),
    Route("/api/admin/users/{user_id:int}/password", reset_password, methods=["POST"]),
    Route("/api/users/{user_id:int}/wipe-devices", wipe_devices, methods=["POST"]),
    Route("/api/admin/bodies", list_bodies, methods=["GET"]),
    Route("/api/admin/bodies", create_body, methods=["POST"]),
    Route("/api/admin/bodies/{body_id:int}", get_body, methods=["GET"]),
    Route("/api/admin/bodies/{body_id:int}", edit_body, methods=["PATCH"]),
    Route("/api/admin/bodies/{body_id:int}/members/{user_id:int}", set_member,
          methods=["PUT"]),
    Route("/api/admin/bodies/{body_id:int}/members/{user_id:int}", remove_member,
          methods=["DELETE"]),
    Route("/api/admin/bodies/{body_id:int}/key", set_key, methods=["POST"]),
    Route("/api/admin/audit", list_audit, methods=["GET"]),
]
