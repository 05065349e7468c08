"""Routes: logging in and out, who am I, and the directory of people and bodies."""

from __future__ import annotations

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import security_events
from meetings.access import may_unlock
from meetings.accounts import Actor
from meetings.admin import users
from meetings.errors import forbidden, nothing_here
from meetings.models import Body, BodyMember, User
from meetings.text import fold
from meetings.views import user_view
from phonghop.auth import parts
from phonghop.logins import CLEAR_OP, account_key, log_in
from phonghop.responses import field_str, json_response, path_int, read_json


async def login(request: Request) -> Response:
    services, sessions = parts(request)
    data = await read_json(request)
    username, password = field_str(data, "username"), field_str(data, "password")
    address = request.client.host if request.client else ""
    user, token = await log_in(services, username, password, address)
    response = json_response({"user": user})
    sessions.set_cookie(response, token)
    return response


async def logout(request: Request) -> Response:
    services, sessions = parts(request)
    token = sessions.token(request)
    if token is not None:
        await sessions.log_out(token)
    response = json_response({"ok": True})
    sessions.clear_cookie(response)
    # The device forgets the meetings it kept (issue 13 §4): Cache Storage, IndexedDB, the
    # service worker. The app deletes its caches and databases itself too (static/js/
    # offline/store.js): a browser that ignores this header (plain http on a LAN address is
    # not a secure origin), or a logout the network lost.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _preparer_bodies(session: Session, actor: Actor) -> list[Body]:
    query = select(Body).order_by(col(Body.name))
    if not actor.is_admin:
        query = query.join(BodyMember, col(BodyMember.body_id) == col(Body.id)).where(
            BodyMember.user_id == actor.user_id, BodyMember.can_prepare == True  # noqa: E712
        )
    return list(session.exec(query))


async def me(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)

    def run(session: Session) -> dict[str, object]:
        user = session.get(User, actor.user_id)
        assert user is not None
        bodies = _preparer_bodies(session, actor)
        return {
            "user": user_view(user),
            "can_prepare": [{"id": b.id, "name": b.name} for b in bodies],
        }

    return json_response(await services.read(run))


async def list_users(request: Request) -> Response:
    """People a preparer can invite to a meeting."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    q = fold(request.query_params.get("q", ""))

    def run(session: Session) -> list[dict[str, object]]:
        if not actor.is_admin and not _preparer_bodies(session, actor):
            raise forbidden(
                "forbidden",
                "Chỉ người chuẩn bị cuộc họp mới xem được danh sách người dùng.",
                "Only people who prepare meetings can list users.",
            )
        users = session.exec(select(User).where(User.active == True).order_by(col(User.full_name)))  # noqa: E712
        # Anyone active may be invited (a guest from another body), so the list is not
        # limited to the preparer's bodies; it gives a preparer names only: who holds which
        # global role (who administers) is the administrators' to know.
        listed: list[dict[str, object]] = [
            user_view(u) if actor.is_admin else
            {"id": u.id, "username": u.username, "full_name": u.full_name}
            for u in users if not q or q in fold(u.full_name) or q in u.username
        ]
        return listed[:200]

    return json_response({"users": await services.read(run)})


async def add_user(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    if not actor.is_admin:
        raise forbidden("forbidden", "Chỉ quản trị hệ thống được tạo tài khoản.",
                        "Only an administrator can create accounts.")
    data = await read_json(request)
    role = data.get("global_role")

    def run(session: Session) -> dict[str, object]:
        # The administrator's own path (meetings.admin.users), so that it is audited too.
        user = users.add_user(session, services.passwords, actor, {
            "username": field_str(data, "username"), "full_name": field_str(data, "full_name"),
            "password": field_str(data, "password"),
            "global_role": role if isinstance(role, str) else None})
        return user_view(user)

    return json_response({"user": await services.write(run)}, status=201)

async def unlock_user(request: Request) -> Response:
    """Clear an account's login throttle (wrong passwords), on every process."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    user_id = path_int(request, "user_id")

    def run(session: Session) -> str:
        user = session.get(User, user_id)
        if user is None or not may_unlock(session, actor, user_id):
            raise nothing_here()
        security_events.record(session, actor.user_id, "login_unlocked", f"user:{user_id}",
                                {"username": user.username})
        return user.username

    username = await services.write(run)
    await services.hub.control({"op": CLEAR_OP, "key": account_key(username)})
    return json_response({"ok": True})


routes = [
    Route("/api/login", login, methods=["POST"]),
    Route("/api/logout", logout, methods=["POST"]),
    Route("/api/me", me, methods=["GET"]),
    Route("/api/users", list_users, methods=["GET"]),
    Route("/api/users", add_user, methods=["POST"]),
    Route("/api/users/{user_id:int}/unlock", unlock_user, methods=["POST"]),
]
