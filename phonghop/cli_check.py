"""`phonghop check`: the integrity check from the command line (stored files re-hashed,
record chains re-verified; the report stored like a scheduled one). Exit 0 no damage, 1 damage."""

from __future__ import annotations

import argparse

from meetings import integrity
from meetings.db import Database
from meetings.documents.blobs import BlobStore
from phonghop.settings import Settings

HELP = ("re-hash every stored file and re-verify every meeting's record now · kiểm tra toàn vẹn "
        "tệp lưu trữ và nhật ký cuộc họp")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub.add_parser("check", help=HELP, description=HELP)


def run(settings: Settings) -> int:
    database = Database(settings.db_url)
    try:
        with database.read() as session:
            report = integrity.check(session, BlobStore(settings.data_dir / "blobs"))
        with database.write() as session:
            integrity.store(session, report, trigger="cli")
    finally:
        database.dispose()
    print(f"{report.files_checked} tệp, {report.meetings_checked} cuộc họp đã kiểm tra / "
          f"{report.files_checked} files, {report.meetings_checked} meetings checked")
    for d in report.damage:
        print(f"HƯ HẠI / DAMAGE {d.kind} meeting={d.meeting_id} {d.what}: {d.message}")
    if report.ok:
        print("Không phát hiện hư hại. / No damage found.")
    return 0 if report.ok else 1
