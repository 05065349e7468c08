"""`phonghop verify FILE`: check a minutes file's signatures from the command line.

Trust roots are those the server installed (`{data_dir}/keys/trust/*.pem`) plus any given
with `--trust`; the server's database, when there is one, says whether the file is the
archive's own signed minutes. Exit status: 0 every signature sound, 1 not (or unsigned),
2 not a PDF or unreadable.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from meetings import archive
from meetings.db import Database
from meetings.minutes.drafting import KeyStore
from meetings.minutes.verification import ArchivedCopy, FileVerification, report, verify_file
from phonghop.settings import Settings

HELP = ("check the signatures of a signed minutes PDF, what changed after each, and whether it "
        "is the archive's copy · kiểm tra chữ ký số của biên bản")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("verify", help=HELP, description=HELP)
    p.add_argument("file", help="the PDF to check")
    p.add_argument("--trust", action="append", default=[], metavar="PEM",
                   help="also trust this CA certificate (PEM); repeatable")
    p.add_argument("--no-archive", action="store_true",
                   help="do not look the file up in the server's database")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def _lookup(settings: Settings) -> tuple[Database | None, object]:
    url = settings.db_url
    if url.startswith("sqlite") and not (settings.data_dir / "phonghop.db").exists():
        return None, None
    try:
        database = Database(url)
    except Exception:  # no database here: the file is checked on its own
        return None, None

    def lookup(sha256: str) -> ArchivedCopy | None:
        try:
            with database.read() as session:
                return archive.archived_copy(session, None, sha256)
        except Exception:  # an empty or unmigrated database holds no archive
            return None

    return database, lookup


def run(settings: Settings, args: argparse.Namespace) -> int:
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its own words are in the report
    try:
        pdf = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"Không đọc được tệp / Cannot read the file: {exc}", file=sys.stderr)
        return 2
    roots = KeyStore(settings.data_dir / "keys").trust_roots()
    roots += [Path(p).read_bytes() for p in args.trust]
    database, lookup = (None, None) if args.no_archive else _lookup(settings)
    try:
        result = verify_file(pdf, roots, lookup)  # type: ignore[arg-type]
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        if database is not None:
            database.dispose()
    if args.json:
        print(json.dumps(report(result), ensure_ascii=False, indent=2))
    else:
        print(_text(result))
    return 0 if result.verdict == "valid" else 1


def _text(result: FileVerification) -> str:
    verdict = {"valid": "HỢP LỆ / VALID", "invalid": "KHÔNG HỢP LỆ / INVALID",
               "unsigned": "KHÔNG CÓ CHỮ KÝ / UNSIGNED"}[result.verdict]
    lines = [f"{verdict}", result.summary, f"SHA-256: {result.sha256}"]
    for n, c in enumerate(result.signatures, start=1):
        when = c.signing_time.isoformat() if c.signing_time else "?"
        lines += [
            f"Chữ ký {n} / Signature {n}: {c.signer} ({c.organization}) — {c.field}",
            f"  Thời gian ký / Signing time: {when}",
            f"  Chuỗi chứng thư / Trust chain: {' → '.join(c.chain) or '—'}",
            f"  Dấu thời gian / Timestamp: {c.timestamp.isoformat() if c.timestamp else '—'}",
            f"  Thu hồi / Revocation: {c.revocation}",
            f"  Sửa sau khi ký / Modified after signing: "
            f"{'CÓ / YES' if c.modified_after else 'không / no'} ({c.modification})",
            f"  {c.summary}",
        ]
    if result.archived is not None:
        a = result.archived
        if a.disposed_at is not None:
            lines.append(f"Kho lưu trữ / Archive: cuộc họp / meeting {a.meeting_id} «{a.title}», "
                         f"số / number {a.number}/{a.code}, đã tiêu hủy / disposed of "
                         f"{a.disposed_at.isoformat()} ({a.disposed_by}: {a.disposal_reason})")
        else:
            matches = "khớp / matches" if a.record_intact else "KHÔNG khớp / does NOT match"
            lines.append(f"Kho lưu trữ / Archive: cuộc họp / meeting {a.meeting_id} «{a.title}», "
                         f"số / number {a.number}/{a.code}, nhật ký / record {matches}")
    return "\n".join(lines)
