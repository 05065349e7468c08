"""The `phonghop` command: serve (the default), demo, db upgrade, and the administrator's
`user` and `body` commands (phonghop.cli_admin).

Settings come from PHONGHOP_* variables, then the command line (`--host`, `--port`,
`--data-dir`); `Settings` makes the data dir absolute against the folder the command was
started from."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import replace
from pathlib import Path

from meetings import db as dbmod
from phonghop import cli_archive, cli_check, cli_verify
from phonghop.cli_admin import add_parsers
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
    # uvicorn configures its own loggers only: this gives phonghop's error lines (an upload
    # reader that could not start, a missing tool) a level and a name on stderr.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:    %(name)s: %(message)s")
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
    from meetings.demo.seed import DEMO_PASSWORD, seed
    from meetings.documents.blobs import BlobStore
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


DATA_DIR_HELP = ("where the database, stored files and keys live (default: var, in the folder "
                 "the command is started from; PHONGHOP_DATA_DIR)")
SERVE_HELP = "run the server (the default command) · chạy máy chủ"
DEMO_HELP = ("seed the demo (a commune People's Committee, its people and one meeting; the "
             "first time only), print the logins, then run the server · tạo dữ liệu mẫu rồi "
             "chạy máy chủ")


def main(argv: list[str] | None = None) -> int:
    # What the server writes (the database and its WAL, the secret key, signing keys,
    # uploads) is readable by its own user only, whatever umask it was started with.
    os.umask(0o077)
    parser = argparse.ArgumentParser(
        prog="phonghop", description="phonghop: a paperless meeting room server · "
        "phòng họp không giấy",
        epilog="Settings are PHONGHOP_* environment variables (docs/settings.md); --host, "
        "--port and --data-dir override them. `phonghop COMMAND --help` tells more.")
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for name, text in (("serve", SERVE_HELP), ("demo", DEMO_HELP)):
        p = sub.add_parser(name, help=text, description=text)
        # SUPPRESS: an option left out here keeps the value given before the command
        # (`phonghop --data-dir x serve`), instead of resetting it to None.
        p.add_argument("--host", default=argparse.SUPPRESS,
                       help="address to listen on (default: 127.0.0.1; PHONGHOP_HOST)")
        p.add_argument("--port", type=int, default=argparse.SUPPRESS,
                       help="port to listen on (default: 8000; PHONGHOP_PORT)")
        p.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
    add_parsers(sub)
    database = sub.add_parser(
        "db", help="the database: `db upgrade` applies migrations · cơ sở dữ liệu")
    db_sub = database.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    cli_verify.add_parser(sub)
    cli_archive.add_parser(sub)
    cli_check.add_parser(sub)
    args = parser.parse_args(argv)
    settings = _settings(args)
    if args.command in (None, "serve"):
        serve(settings)
    elif args.command == "demo":
        demo(settings)
    elif args.command in ("user", "body"):
        return int(args.handler(settings, args))
    elif args.command == "check":
        return cli_check.run(settings)
    elif args.command == "verify":
        return cli_verify.run(settings, args)
    elif args.command == "archive":
        return cli_archive.run(settings, args)
    elif args.command == "db":
        dbmod.upgrade(settings.db_url)
        print("database is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
