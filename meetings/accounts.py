"""People and their logins: creating users, checking passwords, login sessions.

A login is a random token held by the browser (signed, HttpOnly cookie) whose SHA-256 is
stored; logging out revokes it, so a stolen old cookie is worth nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meetings.errors import DomainError, Kind, conflict, invalid
from meetings.models import AuthSession, GlobalRole, User, utcnow
from meetings.passwords import Passwords

SESSION_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in person, as far as authorisation cares."""

    user_id: int
    username: str
    full_name: str
    global_role: str | None

    @property
    def is_admin(self) -> bool:
        return self.global_role == GlobalRole.ADMIN.value

    @property
    def is_archivist(self) -> bool:
        return self.global_role in (GlobalRole.ARCHIVIST.value, GlobalRole.ADMIN.value)


def actor_of(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.username, user.full_name, user.global_role)


def create_user(
    session: Session,
    passwords: Passwords,
    *,
    username: str,
    full_name: str,
    password: str,
    global_role: str | None = None,
) -> User:
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace(
        "-", ""
    ).isalnum():
        raise invalid(
            "bad_username",
            "Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang (tối đa 64 ký tự).",
            "A username holds letters, digits, dots, underscores and dashes (at most 64).",
        )
    if len(password) < 8:
        raise invalid(
            "weak_password",
            "Mật khẩu cần ít nhất 8 ký tự.",
            "A password needs at least 8 characters.",
        )
    if global_role is not None and global_role not in {r.value for r in GlobalRole}:
        raise invalid("bad_role", "Vai trò không hợp lệ.", "Unknown role.")
    if session.exec(select(User).where(User.username == username)).first():
        raise conflict(
            "username_taken",
            f"Tên đăng nhập '{username}' đã có người dùng.",
            f"The username '{username}' is taken.",
        )
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        password_hash=passwords.hash(password),
        global_role=global_role,
    )
    session.add(user)
    session.flush()
    return user


def bad_login() -> DomainError:
    return DomainError(
        Kind.UNAUTHENTICATED,
        "bad_credentials",
        "Sai tên đăng nhập hoặc mật khẩu. Kiểm tra lại và thử lần nữa.",
        "Wrong username or password. Check them and try again.",
    )


@dataclass(frozen=True)
class LoginCandidate:
    """What checking a password needs, read before the check: the check itself (Argon2id,
    a third of a second) runs with no transaction open and no lock held."""

    user_id: int
    password_hash: str


def normal_username(username: str) -> str:
    return username.strip().lower()


def find_login(session: Session, username: str) -> LoginCandidate | None:
    """The active account of that name, or None (unknown or disabled: the same answer)."""
    row = session.execute(
        sa.select(col(User.id), col(User.password_hash))
        .where(col(User.username) == normal_username(username), col(User.active) == True)  # noqa: E712
    ).first()
    return None if row is None else LoginCandidate(row[0], row[1])


def start_login(session: Session, candidate: LoginCandidate) -> tuple[User, str]:
    """After the password was checked: the account, read again (it may have been disabled or
    its password changed meanwhile), and a new login token."""
    user = session.get(User, candidate.user_id)
    if user is None or not user.active or user.password_hash != candidate.password_hash:
        raise bad_login()
    return user, open_session(session, user)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User) -> str:
    """Start a login and return the token for the cookie."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=token_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


def resolve_session(session: Session, token: str) -> Actor | None:
    # Columns, not entities: every tablet's handshake asks this (a reconnect storm asks it
    # 1,000 times at once), and loading ORM objects made it several times slower.
    row = session.execute(
        sa.select(*(col(c) for c in (
            AuthSession.revoked_at, AuthSession.expires_at, User.active, User.id,
            User.username, User.full_name, User.global_role)))
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(col(AuthSession.token_hash) == token_digest(token))
    ).first()
    if row is None:
        return None
    revoked_at, expires_at, active, user_id, username, full_name, global_role = row
    if revoked_at is not None or expires_at <= utcnow() or not active:
        return None
    return Actor(user_id, username, full_name, global_role)


def close_session(session: Session, token: str) -> int | None:
    """Revoke a login; returns the user it belonged to."""
    auth = session.exec(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    ).first()
    if auth is None or auth.revoked_at is not None:
        return None
    auth.revoked_at = utcnow()
    session.add(auth)
    return auth.user_id
