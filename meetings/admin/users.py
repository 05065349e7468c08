"""The administrator's work on people: create, edit (name, title, contact), global role,
deactivate (their logins end at once) and reactivate, reset a password, wipe a person's
devices, search.

Every function takes the acting administrator and refuses anyone else; every change writes
an audit entry (meetings.admin.audit).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from meetings.access import runs_a_meeting_of
from meetings.accounts import Actor, create_user
from meetings.admin import audit
from meetings.errors import conflict, forbidden, invalid, not_found
from meetings.fields import email_field, text_field
from meetings.models import AuthSession, GlobalRole, User, utcnow
from meetings.passwords import Passwords
from meetings.text import fold

SEARCH_LIMIT = 200


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise forbidden("admin_only",
                        "Chỉ quản trị hệ thống mới làm được việc này.",
                        "Only an administrator can do this.")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise not_found("người dùng", "User")
    return user


def _role(value: Any) -> str | None:
    if value in (None, "", "none"):
        return None
    if value not in {r.value for r in GlobalRole}:
        raise invalid("bad_role", "Vai trò không hợp lệ: chọn quản trị, lưu trữ hoặc không có.",
                      "Unknown role: choose admin, archivist or none.", field="global_role")
    return str(value)


def _phone(value: str | None) -> str:
    phone = text_field(value, "phone", 32, required=False)
    if phone and not all(c.isdigit() or c in "+-. ()" for c in phone):
        raise invalid("bad_phone", "Số điện thoại chỉ gồm chữ số, dấu cách và + - . ( ).",
                      "A phone number holds digits, spaces and + - . ( ) only.", field="phone")
    return phone


def user_admin_view(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "full_name": u.full_name, "title": u.title,
            "email": u.email, "phone": u.phone, "global_role": u.global_role,
            "active": u.active, "created_at": u.created_at.isoformat()}


def add_user(session: Session, passwords: Passwords, actor: Actor | None, data: dict[str, Any]
             ) -> User:
    """A new account; `actor` None is the command line (the first administrator)."""
    if actor is not None:
        require_admin(actor)
    user = create_user(
        session, passwords, username=str(data.get("username") or ""),
        full_name=text_field(data.get("full_name") or data.get("username"), "full_name", 200),
        password=str(data.get("password") or ""), global_role=_role(data.get("global_role")))
    user.title = text_field(data.get("title"), "title", 200, required=False)
    user.email = email_field(data.get("email"))
    user.phone = _phone(data.get("phone"))
    session.add(user)
    session.flush()
    audit.record(session, actor.user_id if actor else None, "user.created", user.username,
                 global_role=user.global_role)
    return user


def edit_user(session: Session, actor: Actor, user_id: int, data: dict[str, Any]) -> User:
    """Name, title and contact; the role with `global_role` (audited on its own)."""
    require_admin(actor)
    user = _user(session, user_id)
    changed: dict[str, Any] = {}
    for field, limit in (("full_name", 200), ("title", 200)):
        if field in data:
            value = text_field(data[field], field, limit, required=field == "full_name")
            if value != getattr(user, field):
                changed[field] = value
    if "email" in data and (email := email_field(data["email"])) != user.email:
        changed["email"] = email
    if "phone" in data and (phone := _phone(data["phone"])) != user.phone:
        changed["phone"] = phone
    for field, value in changed.items():
        setattr(user, field, value)
    if changed:
        audit.record(session, actor.user_id, "user.edited", user.username, fields=sorted(changed))
    if "global_role" in data:
        set_role(session, actor, user_id, data["global_role"])
    session.add(user)
    return user


def set_role(session: Session, actor: Actor, user_id: int, role: Any) -> User:
    require_admin(actor)
    user = _user(session, user_id)
    new = _role(role)
    if new == user.global_role:
        return user
    if user.id == actor.user_id:
        raise conflict("own_account",
                       "Không thể tự thay đổi vai trò của chính mình; nhờ một quản trị khác.",
                       "You cannot change your own role; ask another administrator.")
    audit.record(session, actor.user_id, "user.role", user.username,
                 before=user.global_role, after=new)
    user.global_role = new
    session.add(user)
    return user


def deactivate(session: Session, actor: Actor, user_id: int) -> tuple[User, list[str]]:
    """The person can no longer log in, and every login they have ends now. Returns the
    digests of the logins revoked (the web layer forgets them and closes their sockets)."""
    require_admin(actor)
    user = _user(session, user_id)
    if user.id == actor.user_id:
        raise conflict("own_account",
                       "Không thể tự khóa tài khoản của chính mình; nhờ một quản trị khác.",
                       "You cannot deactivate your own account; ask another administrator.")
    open_logins = _end_logins(session, user_id)
    if user.active:
        user.active = False
        session.add(user)
        audit.record(session, actor.user_id, "user.deactivated", user.username,
                     logins_ended=len(open_logins))
    return user, [login.token_hash for login in open_logins]


def reactivate(session: Session, actor: Actor, user_id: int) -> User:
    require_admin(actor)
    user = _user(session, user_id)
    if not user.active:
        user.active = True
        session.add(user)
        audit.record(session, actor.user_id, "user.reactivated", user.username)
    return user


def reset_password(session: Session, passwords: Passwords, actor: Actor, user_id: int,
                   password: str) -> tuple[User, list[str]]:
    """A new password; the person's logins end (whoever knew the old one is out)."""
    require_admin(actor)
    user = _user(session, user_id)
    if len(password or "") < 8:
        raise invalid("weak_password", "Mật khẩu cần ít nhất 8 ký tự.",
                      "A password needs at least 8 characters.", field="password")
    user.password_hash = passwords.hash(password)
    session.add(user)
    open_logins = _end_logins(session, user_id)
    audit.record(session, actor.user_id, "user.password_reset", user.username)
    return user, [login.token_hash for login in open_logins]


def wipe_devices(session: Session, actor: Actor, user_id: int) -> tuple[User, list[str]]:
    """Every login of the person ends; each of their devices deletes what it kept (the
    meetings' pages, the outboxes) the next time it reaches the server, which then answers it
    as logged out (a tablet away from the Wi-Fi now does it when it comes back). An
    administrator may, and the secretary of a meeting the person takes part in. The person
    logs in again with their password."""
    # Anyone else is answered as for a person who does not exist: the route must not tell
    # an outsider which ids are people (as the login unlock does).
    if not actor.is_admin and not runs_a_meeting_of(session, actor.user_id, user_id):
        raise not_found("người dùng", "User")
    user = _user(session, user_id)
    open_logins = _end_logins(session, user_id)
    audit.record(session, actor.user_id, "user.devices_wiped", user.username,
                 logins_ended=len(open_logins))
    return user, [login.token_hash for login in open_logins]


def _end_logins(session: Session, user_id: int) -> list[AuthSession]:
    """Revoke every open login of the person; the logins revoked."""
    now = utcnow()
    open_logins = list(session.exec(select(AuthSession).where(
        AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))).all())
    for login in open_logins:
        login.revoked_at = now
        session.add(login)
    return open_logins


def search(session: Session, actor: Actor, text: str = "", *, active: bool | None = None
           ) -> list[dict[str, Any]]:
    """Users whose username, name, title or e-mail holds the words typed (without
    diacritics: "nguyen thu" finds "Nguyễn Thị Thu"), by name."""
    require_admin(actor)
    query = select(User).order_by(col(User.full_name), col(User.id))
    if active is not None:
        query = query.where(User.active == active)
    words = fold(text).split()
    if words and len(text) <= 200:
        # Folding happens in Python (SQLite and PostgreSQL fold differently); a bounded
        # scan is fine at the scale of one installation's users (thousands).
        users = [u for u in session.exec(query)
                 if all(w in fold(" ".join((u.username, u.full_name, u.title, u.email)))
                        for w in words)]
        return [user_admin_view(u) for u in users[:SEARCH_LIMIT]]
    return [user_admin_view(u) for u in session.exec(query.limit(SEARCH_LIMIT))]
