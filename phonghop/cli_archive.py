"""`phonghop archive import PACKAGE.zip [...]`: import archival packages into this server.

Each package is checked whole before anything is written (the bag, the record chain, the
minutes' signatures against the trust roots in `{data_dir}/keys/trust/`), then its meetings
are recreated in one transaction, as `POST /api/archive/import` does. Exit status: 0 every
package imported, 2 one refused (its reason printed in Vietnamese and English; the packages
before it stay imported).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from meetings import archive_import
from meetings import db as dbmod
from meetings.documents.blobs import BlobStore
from meetings.errors import DomainError
from meetings.minutes.drafting import KeyStore
from phonghop.services import limits_for
from phonghop.settings import Settings

HELP = ("the archive: `archive import PACKAGE.zip` brings sealed meetings from an archival "
        "package · nhập gói hồ sơ lưu trữ")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("archive", help=HELP, description=HELP)
    archive_sub = p.add_subparsers(dest="archive_command", required=True)
    imp = archive_sub.add_parser("import", help="import archival packages (BagIt zip) · nhập gói")
    imp.add_argument("packages", nargs="+", metavar="PACKAGE.zip")


def run(settings: Settings, args: argparse.Namespace) -> int:
    dbmod.upgrade(settings.db_url)
    database = dbmod.Database(settings.db_url)
    data_dir = settings.data_dir
    blobs = BlobStore(data_dir / "blobs")
    roots = KeyStore(data_dir / "keys").trust_roots()
    limits = limits_for(settings)
    try:
        for name in args.packages:
            try:
                meetings = archive_import.read(Path(name).read_bytes(), roots, limits)
                with database.read() as session:
                    archive_import.ensure_new(session, meetings)
                archive_import.read_words(meetings, limits, data_dir / "tmp")
                fresh = archive_import.new_files(blobs, meetings)
                try:
                    with database.write() as session:
                        ids = archive_import.restore(session, blobs, None, meetings)
                except BaseException:
                    archive_import.forget(blobs, fresh)  # never a half import
                    raise
            except OSError as exc:
                print(f"{name}: Không đọc được tệp / Cannot read the file: {exc}",
                      file=sys.stderr)
                return 2
            except DomainError as exc:
                print(f"{name}: {exc.vi}\n{name}: {exc.en}", file=sys.stderr)
                return 2
            print(f"{name}: đã nhập / imported: " + ", ".join(f"meeting {i}" for i in ids))
    finally:
        database.dispose()
    return 0

