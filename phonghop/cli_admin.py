"""The administrator's commands: `phonghop user add`, `phonghop body add|list|member add|key`.

They run on the server's own database (PHONGHOP_DATABASE_URL or the data dir's SQLite), with
the same domain functions as the administrator's screens (meetings.admin), so every change is
checked the same way and written to the audit log (with no actor: the command line).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from meetings import db as dbmod
from meetings.admin import bodies, keys, users
from meetings.body_names import BodyKind
from meetings.errors import DomainError, Kind
from meetings.models import Body, User
from meetings.passwords import Passwords
from phonghop.settings import Settings

USER_HELP = "manage accounts: `user add` · quản lý tài khoản"
BODY_HELP = ("manage bodies (cơ quan): `body add`, `body list`, `body member add`, `body key` "
             "· quản lý cơ quan, thành viên, khóa ký số")
KINDS = [k.value for k in BodyKind]


def _run(settings: Settings, work: Callable[[Session], None]) -> int:
    """One transaction on the server's database; a refusal is printed in both languages."""
    dbmod.upgrade(settings.db_url)
    database = dbmod.Database(settings.db_url)
    try:
        with database.write() as session:
            work(session)
    except DomainError as exc:
        print(f"{exc.vi}\n{exc.en}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return 0


def _user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.username == name.strip().lower())).first()
    if user is None and name.isdigit() and len(name) <= 9:
        user = session.get(User, int(name))
    if user is None:
        raise DomainError(Kind.NOT_FOUND, "not_found", f"Không có người dùng '{name}'.",
                          f"There is no user '{name}'.")
    return user


def user_add(settings: Settings, args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("Mật khẩu / Password: ")
    data = {"username": args.username, "full_name": args.full_name or args.username,
            "password": password, "global_role": args.role, "title": args.title or "",
            "email": args.email or "", "phone": args.phone or ""}

    def work(session: Session) -> None:
        user = users.add_user(session, Passwords(fast=settings.fast_passwords), None, data)
        print(f"created user {user.username} (id {user.id})")

    return _run(settings, work)


def body_add(settings: Settings, args: argparse.Namespace) -> int:
    data: dict[str, Any] = {"name": args.name, "code": args.code or "", "kind": args.kind,
                            "parent_name": args.parent or "", "place_name": args.place or "",
                            "signer_title": args.signer_title or ""}
    if args.quorum:
        numerator, _, denominator = args.quorum.partition("/")
        if not (numerator.isdigit() and denominator.isdigit()):
            print("--quorum: một phân số, ví dụ 1/2 / a fraction, e.g. 1/2", file=sys.stderr)
            return 2
        data["quorum"] = [int(numerator), int(denominator)]
        data["allow_zero_quorum"] = args.allow_zero_quorum
    if args.recipient:
        data["recipients"] = args.recipient

    def work(session: Session) -> None:
        body = bodies.create_body(session, None, data)
        print(f"created body {body.name} (id {body.id}, kind {body.kind}, quorum "
              f"{body.quorum_numerator}/{body.quorum_denominator})")

    return _run(settings, work)


def body_list(settings: Settings, _args: argparse.Namespace) -> int:
    def work(session: Session) -> None:
        for body in session.exec(select(Body).order_by(Body.id)):  # type: ignore[arg-type]
            view = bodies.body_admin_view(session, body)
            print(f"{body.id}\t{body.name}\tBB-{body.code or '?'}\t{body.kind}\t"
                  f"{view['quorum_text_vi']}\t{len(view['members'])} thành viên\t"
                  f"{'có khóa ký số' if body.signing_p12_path else 'chưa có khóa ký số'}")

    return _run(settings, work)


def body_member_add(settings: Settings, args: argparse.Namespace) -> int:
    def work(session: Session) -> None:
        body = bodies.find_body(session, args.body)
        user = _user(session, args.user)
        assert body.id is not None and user.id is not None
        bodies.set_member(session, None, body.id, user.id,
                          {"title": args.title or "", "voting": not args.non_voting,
                           "can_prepare": args.can_prepare})
        for flag, field in ((args.secretary, "default_secretary_id"),
                            (args.chair, "default_chair_id")):
            if flag:
                bodies.edit_body(session, None, body.id, {field: user.id})
        print(f"{user.username} is a member of {body.name}: {args.title or '-'}"
              f"{'' if not args.non_voting else ' (non-voting)'}")

    return _run(settings, work)


def body_key(settings: Settings, args: argparse.Namespace) -> int:
    root = settings.data_dir / "keys"
    if bool(args.generate) == bool(args.pkcs12):
        print("Chọn một: --generate hoặc --pkcs12 TỆP / Choose one: --generate or "
              "--pkcs12 FILE", file=sys.stderr)
        return 2
    p12 = Path(args.pkcs12).read_bytes() if args.pkcs12 else b""
    passphrase = b""
    if args.pkcs12:
        passphrase = (args.passphrase if args.passphrase is not None else getpass.getpass(
            "Mật khẩu tệp PKCS#12 / PKCS#12 passphrase: ")).encode()

    def work(session: Session) -> None:
        body = bodies.find_body(session, args.body)
        assert body.id is not None
        result = (keys.generate_key(session, root, None, body.id) if args.generate
                  else keys.install_pkcs12(session, root, None, body.id, p12, passphrase))
        print(f"signing key of {body.name}: {result['signer']}")

    return _run(settings, work)


def add_parsers(sub: Any) -> None:
    """The `user` and `body` commands, for phonghop.cli's parser."""
    user = sub.add_parser("user", help=USER_HELP, description=USER_HELP)
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create an account · tạo tài khoản")
    add.add_argument("username")
    add.add_argument("--full-name", help="họ và tên")
    add.add_argument("--password", help="(prompted when omitted)")
    add.add_argument("--role", choices=["admin", "archivist"], help="global role")
    add.add_argument("--title", help='chức vụ, e.g. "Chủ tịch UBND xã"')
    add.add_argument("--email", help="where invitations go")
    add.add_argument("--phone")
    add.set_defaults(handler=user_add)

    body = sub.add_parser("body", help=BODY_HELP, description=BODY_HELP)
    body_sub = body.add_subparsers(dest="body_command", required=True)
    b_add = body_sub.add_parser(
        "add", help="create a body · tạo cơ quan",
        description="Create a body. A people_committee (UBND) or people_council (HĐND) gets "
        "the quorum the law fixes (two thirds); an `other` body gets at least half unless "
        "--quorum says otherwise.")
    b_add.add_argument("name", help='e.g. "UBND xã Tường Tiến"')
    b_add.add_argument("--code", help='the minutes\' number suffix, e.g. "BB-UBND"')
    b_add.add_argument("--kind", choices=KINDS, default=BodyKind.OTHER.value)
    b_add.add_argument("--parent", help="parent body (printed above an `other` body's name)")
    b_add.add_argument("--place", help="place name in the minutes' date line")
    b_add.add_argument("--signer-title", help="title under the chair's signature")
    b_add.add_argument("--quorum", help="for an `other` body: a fraction such as 1/2")
    b_add.add_argument("--allow-zero-quorum", action="store_true",
                       help="accept --quorum 0/1 (no quorum), on purpose")
    b_add.add_argument("--recipient", action="append",
                       help="a default recipient of the minutes (repeat for each)")
    b_add.set_defaults(handler=body_add)
    b_list = body_sub.add_parser("list", help="list bodies · danh sách cơ quan")
    b_list.set_defaults(handler=body_list)
    member = body_sub.add_parser("member", help="members of a body · thành viên")
    member_sub = member.add_subparsers(dest="member_command", required=True)
    m_add = member_sub.add_parser(
        "add", help="add a person to a body, or change their position · thêm thành viên")
    m_add.add_argument("body", help="the body's id, name or code")
    m_add.add_argument("user", help="username")
    m_add.add_argument("--title", help='position: "Chủ tịch", "Phó Chủ tịch", "Ủy viên"...')
    m_add.add_argument("--non-voting", action="store_true",
                       help="does not vote (a secretary, an observer)")
    m_add.add_argument("--can-prepare", action="store_true",
                       help="may create and prepare the body's meetings (the secretariat)")
    m_add.add_argument("--secretary", action="store_true",
                       help="the body's default secretary")
    m_add.add_argument("--chair", action="store_true", help="the body's default chair")
    m_add.set_defaults(handler=body_member_add)
    key = body_sub.add_parser(
        "key", help="the body's signing key · khóa ký số",
        description="Give the body its signing key: --generate issues one from this "
        "installation's own CA (kept in DATA_DIR/keys, trusted by its archive); --pkcs12 "
        "installs a certificate the body already holds.")
    key.add_argument("body", help="the body's id, name or code")
    key.add_argument("--generate", action="store_true")
    key.add_argument("--pkcs12", metavar="FILE")
    key.add_argument("--passphrase", help="the PKCS#12 passphrase (prompted when omitted)")
    key.set_defaults(handler=body_key)
