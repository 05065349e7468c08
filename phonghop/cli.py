"""The `phonghop` command: serve (the default), demo, user add, db upgrade."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from pathlib import Path

from meetings import db as dbmod
from phonghop.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    changes: dict[str, object] = {}
    if getattr(args, "host", None):
        changes["host"] = args.host
    if getattr(args, "port", None):
        changes["port"] = args.port
    if getattr(args, "data_dir", None):
        changes["data_dir"] = Path(args.data_dir)
    return replace(settings, **changes)  # type: ignore[arg-type]


def serve(settings: Settings) -> None:
    import uvicorn

    from phonghop.app import create_app
    from phonghop.memory import limit_malloc_arenas

    limit_malloc_arenas()
    dbmod.upgrade(settings.db_url)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        ws="phonghop.ws_uvicorn:UvicornWebSocket",
        ws_max_size=1024 * 1024,
        ws_per_message_deflate=settings.ws_deflate,
        log_level="info",
        timeout_graceful_shutdown=5,
    )


def demo(settings: Settings) -> None:
    from meetings.blobs import BlobStore
    from meetings.demo import DEMO_PASSWORD, seed
    from meetings.passwords import Passwords

    dbmod.upgrade(settings.db_url)
    database = dbmod.Database(settings.db_url)
    info = seed(
        database,
        BlobStore(settings.data_dir / "blobs"),
        settings.data_dir / "keys",
        Passwords(fast=settings.fast_passwords),
    )
    database.dispose()
    base = f"http://{settings.host}:{settings.port}"
    print("\nphonghop — bản demo / demo", flush=True)
    print(f"  Đăng nhập / Log in:        {base}/login")
    print(f"  Máy tính bảng / Tablet:    {base}/m/{info.meeting_id}")
    print(f"  Màn hình phòng / Screen:   {base}/m/{info.meeting_id}/screen")
    print(f"  Chuẩn bị / Prepare:        {base}/m/{info.meeting_id}/prepare")
    print(f"  Lưu trữ / Archive:         {base}/archive")
    print(f"  Mật khẩu chung / Password for all: {DEMO_PASSWORD}")
    for username, full_name, what in info.logins:
        print(f"    {username:<12} {full_name:<22} {what}")
    print(flush=True)
    serve(settings)


def user_add(settings: Settings, args: argparse.Namespace) -> int:
    from meetings.accounts import create_user
    from meetings.errors import DomainError
    from meetings.passwords import Passwords

    password = args.password or getpass.getpass("Mật khẩu / Password: ")
    dbmod.upgrade(settings.db_url)
    database = dbmod.Database(settings.db_url)
    try:
        with database.write() as session:
            user = create_user(
                session, Passwords(fast=settings.fast_passwords), username=args.username,
                full_name=args.full_name or args.username, password=password,
                global_role=args.role,
            )
            print(f"created user {user.username} (id {user.id})")
    except DomainError as exc:
        print(f"{exc.vi}\n{exc.en}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phonghop", description="Paperless meeting room server")
    parser.add_argument("--data-dir", help="where the database, files and keys live (./var)")
    sub = parser.add_subparsers(dest="command")
    for name in ("serve", "demo"):
        p = sub.add_parser(name, help=f"{name} (default: serve)")
        p.add_argument("--host")
        p.add_argument("--port", type=int)
        p.add_argument("--data-dir")
    user = sub.add_parser("user", help="manage accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--full-name")
    add.add_argument("--password", help="(prompted when omitted)")
    add.add_argument("--role", choices=["admin", "archivist"])
    database = sub.add_parser("db", help="database schema")
    db_sub = database.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    args = parser.parse_args(argv)
    settings = _settings(args)
    if args.command in (None, "serve"):
        serve(settings)
    elif args.command == "demo":
        demo(settings)
    elif args.command == "user":
        return user_add(settings, args)
    elif args.command == "db":
        dbmod.upgrade(settings.db_url)
        print("database is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
