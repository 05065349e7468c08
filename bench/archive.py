"""Archive search benchmark (issue 15 §1): N sealed meetings with P pages of Vietnamese text
(synthetic, from a vocabulary of administrative Vietnamese with a Zipf-like frequency),
loaded straight into the index through `meetings.archive_search.bulk_store`, on SQLite FTS5
and on PostgreSQL. Reported per engine: indexing time, index size, and p50/p95/p99 latency
of `archive_search.search` (the whole answer: ranking, filters, access, snippets) over a mixed
set of queries; beside it, in the same run and on the same folded text, the baseline: the
same search with the engine replaced by a plain LIKE scan.

One JSON object per line; the last is the summary.

Measured 2026-11-30 on the shared 2-core machine, 10,000 meetings, 200,000 pages of 250 words,
160 queries an engine (half by an admin, half by an archivist of one body of 20), p50/p95/p99:

- before (one ranked query after a "floor" query, filters applied after choosing the newest
  1,000, rank-everything fallback; load average 9-13): SQLite FTS5 indexing 180 s, 917 MB,
  83/298/505 ms (LIKE scan 154/1,389/2,891); PostgreSQL 459 s, 786 MB, 55/132/183 ms (LIKE
  336/27,877/29,195).
- after (one walk down the index with the filters, the body narrowed by the index, ranks for
  the rows returned), loaded afresh (load average 8-13, other jobs running): SQLite indexing
  167 s, 923 MB, 40/151/322 ms (LIKE 177/2,048/3,014); PostgreSQL 288 s, 790 MB,
  103/264/361 ms (LIKE 95/15,882/25,474; measured right after the load, probably beside
  autovacuum's first pass over the fresh tables: the bench now runs VACUUM ANALYZE first).
- after, the same databases reused with --reuse-sqlite and --pg-database (load average 3-5):
  SQLite 23/49/57 ms (LIKE 84/1,137/1,259); PostgreSQL 26/54/150 ms (LIKE 123/11,585/11,741).

The figures move with the machine's load more than with anything else: compare each with the
LIKE baseline of its own run (which since "after" walks newest first like the engines).

    .venv/bin/python bench/archive.py                               # 10,000 meetings, 200,000 pages
    .venv/bin/python bench/archive.py --meetings 1000 --pages 20000 --engines sqlite
    .venv/bin/python bench/archive.py --keep-sqlite /tmp/a.db --pg-database keep   # load, keep
    .venv/bin/python bench/archive.py --reuse-sqlite /tmp/a.db --pg-database keep  # queries only
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from support import emit, percentile  # noqa: E402

from meetings import archive_search  # noqa: E402
from meetings.accounts import Actor  # noqa: E402
from meetings.archive_search import Engine, Filters  # noqa: E402
from meetings.db import Database, upgrade  # noqa: E402
from meetings.models import (  # noqa: E402
    ArchiveEntry,
    ArchiveMeeting,
    Body,
    BodyMember,
    GlobalRole,
    Meeting,
    MeetingStatus,
    User,
)

PG_ADMIN = os.environ.get("PHONGHOP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

# Administrative Vietnamese, most frequent first (the generator draws with weights 1/rank).
VOCABULARY = (
    "của và các có được trong cho là với đã theo về này việc năm xã ủy ban nhân dân tỉnh "
    "thực hiện công tác kế hoạch báo cáo quản lý đơn vị cơ quan nhiệm vụ triển khai tình hình "
    "kinh tế xã hội đầu tư phát triển hội đồng nghị quyết quyết định chủ tịch phó thành viên "
    "đại biểu biên bản cuộc họp kết luận biểu quyết thông qua tán thành dự toán ngân sách thu "
    "chi vốn dự án công trình giao thông thủy lợi trường học y tế giáo dục văn hóa an ninh "
    "quốc phòng trật tự an toàn đất đai tài nguyên môi trường nông nghiệp sản xuất lúa diện "
    "tích năng suất chăn nuôi hộ nghèo chính sách bảo hiểm lao động việc làm chuyển đổi số "
    "dịch vụ công trực tuyến hồ sơ thủ tục hành chính cải cách giải quyết khiếu nại tố cáo "
    "kiểm tra giám sát thanh tra phòng chống tham nhũng lãng phí tiết kiệm đê điều kè kênh "
    "mương trạm bơm thiên tai bão lũ cứu nạn tỷ đồng triệu phần trăm tăng giảm so với cùng kỳ "
    "đạt vượt chỉ tiêu giao ước thôn tổ dân phố nhà văn hóa đường trục nâng cấp xây dựng "
    "cải tạo sửa chữa mở rộng quy hoạch điều chỉnh phê duyệt thẩm định tờ trình đề án "
    "phương án chương trình mục tiêu quốc gia nông thôn mới đô thị văn minh giảm nghèo bền "
    "vững đề nghị kiến nghị ý kiến thảo luận thống nhất bổ sung hoàn thiện trình ký ban hành "
    "văn phòng thống kê tài chính kế toán địa chính xây dựng tư pháp hộ tịch công an quân sự "
    "mặt trận tổ quốc đoàn thanh niên hội phụ nữ nông dân cựu chiến binh người cao tuổi"
).split()
RARE = ["kè đá hộc", "trạm bơm Đồng Xá", "hạ tầng số", "đê tả Luộc", "cống Tiên Kiều",
        "nhà văn hóa thôn Đông", "kênh Bắc Hưng Hải", "cầu Phố Giác"]
WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]

QUERIES: list[dict[str, str]] = [
    {"q": "ngân sách"},                      # common, two words
    {"q": "ngan sach du toan"},              # no diacritics, four words
    {"q": "dự toán ngân sách"},              # another order
    {"q": "biên bản kết luận"},
    {"q": "kè đá hộc"},                      # rare phrase
    {"q": "ke da hoc"},
    {"q": "trạm bơm Đồng Xá"},
    {"q": "cong tien kieu"},
    {"q": "chuyển đổi số dịch vụ công"},     # five common words
    {"q": "của"},                            # the most common word of all
    {"q": "thủy lợi", "vote": "passed"},
    {"q": "đê điều", "from": "2025-01-01", "to": "2025-06-30"},
    {"q": "nông thôn mới", "body": "3"},
    {"q": "giải quyết khiếu nại", "signer": "nguyen van"},
    {"q": "không có từ này"},                # nothing found
    {"q": "", "number": "05/BB-UBND"},       # filters only
]


def page_text(rng: random.Random, words: int) -> str:
    body = rng.choices(VOCABULARY, weights=WEIGHTS, k=words)
    if rng.random() < 0.02:
        body.insert(rng.randrange(len(body)), rng.choice(RARE))
    return " ".join(body).capitalize() + "."


class LikeScan:
    """The baseline: every folded passage scanned with LIKE for each word (word-bounded),
    newest first, no index, no rank."""

    name = "like-scan"
    kind = ArchiveEntry.__table__.c.kind  # type: ignore[attr-defined]
    meeting_id = ArchiveEntry.__table__.c.meeting_id  # type: ignore[attr-defined]

    def index(self, session: Session, ids: list[int]) -> None:
        return None

    def newest(self, session: Session, words: list[str], where: list[Any], limit: int,
               bodies: list[int] | None = None) -> list[tuple[int, float]]:
        padded = sa.literal(" ") + col(ArchiveEntry.folded) + sa.literal(" ")
        query = (sa.select(col(ArchiveEntry.id))
                 .join(ArchiveMeeting,
                       col(ArchiveMeeting.meeting_id) == col(ArchiveEntry.meeting_id))
                 .where(*where, *(padded.like(f"% {word} %") for word in words))
                 .order_by(col(ArchiveEntry.id).desc()).limit(limit))
        return [(int(i), 0.0) for (i,) in session.execute(query).all()]

    def size(self, session: Session) -> int:
        return 0


def load(db: Database, meetings: int, pages: int, words: int, seed: int) -> dict[str, Any]:
    """Bodies, people, sealed meetings and their facets; then the passages through the
    module, timed."""
    rng = random.Random(seed)
    with db.write() as s:
        bodies = []
        for i in range(20):
            body = Body(name=f"UBND xã Số {i + 1}", code="UBND")
            s.add(body)
            bodies.append(body)
        user = User(username="bench", full_name="Bench", password_hash="x",
                    global_role=GlobalRole.ADMIN.value)
        archivist = User(username="luutru", full_name="Lưu Trữ", password_hash="x",
                         global_role=GlobalRole.ARCHIVIST.value)
        s.add_all([user, archivist])
        s.flush()
        s.add(BodyMember(body_id=bodies[2].id or 0, user_id=archivist.id or 0, voting=False))
        start = datetime(2020, 1, 1, tzinfo=UTC)
        s.execute(sa.insert(Meeting), [
            {"id": m + 1, "body_id": bodies[m % 20].id, "title": f"Phiên họp số {m + 1}",
             "search_text": "", "place": "", "starts_at": start + timedelta(hours=6 * m),
             "status": MeetingStatus.SEALED.value, "created_by": user.id, "current_page": 1,
             "created_at": start, "cancel_reason": "", "kind": "regular"}
            for m in range(meetings)])
        s.execute(sa.insert(ArchiveMeeting), [
            {"meeting_id": m + 1, "body_id": bodies[m % 20].id,
             "starts_at": start + timedelta(hours=6 * m), "number": m // 20 % 60 + 1,
             "code": "UBND", "signers": "| nguyen van " + rng.choice("abcdefgh") + " |",
             "participants": "|", "votes_passed": rng.randint(0, 2),
             "votes_failed": rng.randint(0, 1)} for m in range(meetings)])
        admin = Actor(user.id or 0, "bench", "Bench", GlobalRole.ADMIN.value)
        scoped = Actor(archivist.id or 0, "luutru", "Lưu Trữ", GlobalRole.ARCHIVIST.value)
    began = time.perf_counter()
    entry_id = 0
    per_meeting = max(1, pages // meetings)
    engine = None
    for first in range(0, meetings, 200):
        rows: list[dict[str, Any]] = []
        for m in range(first + 1, min(meetings, first + 200) + 1):
            for p in range(per_meeting):
                entry_id += 1
                rows.append({"id": entry_id, "meeting_id": m, "kind": "document",
                             "title": f"Tài liệu {m}", "document_id": m, "version": 1,
                             "page": p + 1, "text": page_text(rng, words)})
        with db.write() as s:
            engine = engine or archive_search.engine_for(s)
            archive_search.bulk_store(s, engine, rows)
    indexing = time.perf_counter() - began
    with db.read() as s:
        assert engine is not None
        size = engine.size(s)
    return {"indexing_s": round(indexing, 1), "index_bytes": size, "passages": entry_id,
            "actors": (admin, scoped)}


def latencies(db: Database, actors: tuple[Actor, Actor], engine: Engine | None, rounds: int
              ) -> tuple[list[float], list[int], dict[str, list[float]]]:
    times: list[float] = []
    found: list[int] = []
    each: dict[str, list[float]] = {}
    for r in range(rounds):
        for i, q in enumerate(QUERIES):
            actor = actors[(i + r) % 2]
            f = Filters(text=q.get("q", ""), body_id=int(q["body"]) if "body" in q else None,
                        date_from=datetime.fromisoformat(q["from"]).replace(tzinfo=UTC)
                        if "from" in q else None,
                        date_to=datetime.fromisoformat(q["to"]).replace(tzinfo=UTC)
                        if "to" in q else None,
                        number=q.get("number", ""), signer=q.get("signer", ""),
                        vote=q.get("vote", ""), limit=20)
            began = time.perf_counter()
            with db.read() as s:
                out = archive_search.search(s, actor, f, engine)
            times.append((time.perf_counter() - began) * 1000)
            each.setdefault(_label(q), []).append(times[-1])
            if r == 0:
                found.append(len(out["meetings"]))
    return times, found, each


def _label(q: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in q.items())


def slowest(each: dict[str, list[float]], n: int = 5) -> dict[str, float]:
    """The queries with the highest median: where the time goes."""
    medians = {label: percentile(t, 0.5) for label, t in each.items()}
    return {label: round(ms, 1) for label, ms in
            sorted(medians.items(), key=lambda kv: -kv[1])[:n]}


def summary(times: list[float]) -> dict[str, float]:
    return {f"p{int(q * 100)}_ms": round(percentile(times, q), 2) for q in (0.5, 0.95, 0.99)}


def reuse(db: Database) -> dict[str, Any]:
    """A database a previous run loaded (--reuse-sqlite): its size and actors; no indexing."""
    with db.read() as s:
        size = archive_search.engine_for(s).size(s)
        passages = s.execute(sa.select(sa.func.count()).select_from(ArchiveEntry)).scalar()
        users = {u.username: u for u in s.exec(sa.select(User)).scalars()}  # type: ignore[call-overload]
    admin, archivist = users["bench"], users["luutru"]
    return {"indexing_s": None, "index_bytes": size, "passages": passages, "reused": True,
            "actors": (Actor(admin.id, "bench", "Bench", GlobalRole.ADMIN.value),
                       Actor(archivist.id, "luutru", "Lưu Trữ", GlobalRole.ARCHIVIST.value))}


def run_engine(name: str, url: str, args: argparse.Namespace, reused: bool = False
               ) -> dict[str, Any]:
    upgrade(url)  # (a reused database at an older head gets the newer migrations)
    db = Database(url)
    try:
        loaded = reuse(db) if reused else load(db, args.meetings, args.pages, args.words,
                                                args.seed)
        actors = loaded.pop("actors")
        if name == "postgresql":
            # as autovacuum would after a bulk load: without it, the queries measured run
            # beside autovacuum's pass over the freshly loaded tables and set hint bits
            vacuum = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"),
                                      isolation_level="AUTOCOMMIT")
            with vacuum.connect() as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
            vacuum.dispose()
        latencies(db, actors, None, 1)  # warm the caches
        times, found, each = latencies(db, actors, None, args.rounds)
        base_times, base_found, _ = latencies(db, actors, LikeScan(), max(1, args.rounds // 5))
        record = {"engine": name, **loaded, "queries": len(times), **summary(times),
                  "found_per_query": found, "slowest_p50_ms": slowest(each),
                  "baseline": {"engine": "like-scan", "queries": len(base_times),
                               **summary(base_times), "found_per_query": base_found}}
        emit(record)
        return record
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=200_000)
    parser.add_argument("--words", type=int, default=250, help="words per page")
    parser.add_argument("--rounds", type=int, default=10, help="times the query set runs")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--reuse-sqlite", default="",
                        help="measure the queries on a SQLite file an earlier run loaded "
                             "(its indexing time is that run's)")
    parser.add_argument("--keep-sqlite", default="",
                        help="load into this SQLite file and keep it (for --reuse-sqlite)")
    parser.add_argument("--pg-database", default="",
                        help="load into this PostgreSQL database and keep it; when it exists "
                             "already, measure the queries on it (its indexing time is the "
                             "loading run's)")
    args = parser.parse_args()
    emit({"bench": "archive", "meetings": args.meetings, "pages": args.pages,
          "words_per_page": args.words, "queries": len(QUERIES), "rounds": args.rounds})
    results = []
    with tempfile.TemporaryDirectory(prefix="phonghop-bench-archive-") as tmp:
        for name in args.engines:
            if name == "sqlite":
                path = args.reuse_sqlite or args.keep_sqlite or f"{tmp}/archive.db"
                results.append(run_engine(name, f"sqlite:///{path}", args,
                                          reused=bool(args.reuse_sqlite)))
                continue
            admin = sa.create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"),
                                     isolation_level="AUTOCOMMIT")
            dbname = args.pg_database or f"phonghop_bench_archive_{os.getpid()}"
            with admin.connect() as conn:
                exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                      {"d": dbname}).scalar() is not None
                if not exists:
                    conn.execute(sa.text(f'CREATE DATABASE "{dbname}"'))
            try:
                results.append(run_engine(name, PG_ADMIN.rsplit("/", 1)[0] + f"/{dbname}", args,
                                          reused=exists))
            finally:
                if not args.pg_database:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
                admin.dispose()
    emit({"summary": "archive", "target_p95_ms": 100,
          "engines": {r["engine"]: {"p95_ms": r["p95_ms"], "baseline_p95_ms":
                                    r["baseline"]["p95_ms"], "indexing_s": r["indexing_s"],
                                    "index_mb": round(r["index_bytes"] / 1e6, 1),
                                    "passages": r["passages"],
                                    "p95_under_target": r["p95_ms"] < 100} for r in results}})


if __name__ == "__main__":
    main()
