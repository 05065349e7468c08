"""Secret ballots cannot be linked to their voters by anyone reading the database: the threat
model of docs/api.md ("Secret ballots"), checked on the real database and its files.

(a) While the vote is open, SQL can pair a receipt with its content row (PostgreSQL's `xmin`,
    physical order), but the content is sealed: one length, a fresh nonce per ballot, a key
    derived from a secret the database never holds.
(b) Once the vote is closed or cancelled, the contents and the vote's salt are deleted and the
    database's files forget them: neither the SQLite main file, nor its WAL, nor a backup taken
    right after, nor PostgreSQL's table files hold any byte of a sealed ballot.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from meetings.votes.secrecy import Secrecy
from tests.helpers import record_quorum, start
from tests.test_votes_crash import add_members

# Never rerun (Makefile, RERUNS): a protection that fails once has failed.
pytestmark = pytest.mark.flaky(reruns=0)

VOTERS = ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3")


def cast_all(login, vote_id: int, choices: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    names = list(VOTERS) + [f"kin{i:04d}" for i in range(len(choices) - len(VOTERS))]
    for name, choice in zip(names, choices, strict=True):
        ballot = {"marks": choice} if isinstance(choice, list) else {"choice": choice}
        r = login(name).post(f"/api/votes/{vote_id}/ballots", json=ballot)
        assert r.status_code == 201 and r.json() == {"vote_id": vote_id, "secret": True}, r.text


def sealed_rows(app, vote_id: int) -> tuple[list[tuple[int, bytes]], bytes | None]:  # type: ignore[no-untyped-def]
    """What SQL shows of an open secret vote: receipts paired with content rows (on
    PostgreSQL by transaction id, the attack the review found; on SQLite one ballot per
    transaction here, so by order), and the vote's salt."""
    with app.state.services.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            pairs = conn.execute(text(
                "SELECT r.user_id, s.sealed FROM ballot_receipts r JOIN secret_ballots s "
                "ON s.xmin::text = r.xmin::text WHERE r.vote_id = :v"), {"v": vote_id}).all()
        else:
            sealed = conn.execute(text("SELECT sealed FROM secret_ballots WHERE vote_id = :v"),
                                  {"v": vote_id}).scalars().all()
            users = conn.execute(text("SELECT user_id FROM ballot_receipts WHERE vote_id = :v "
                                      "ORDER BY id"), {"v": vote_id}).scalars().all()
            pairs = list(zip(users, sealed))  # noqa: B905  (none once the vote ends)
        salt = conn.execute(text("SELECT ballot_salt FROM votes WHERE id = :v"),
                            {"v": vote_id}).scalar_one()
    return [(u, bytes(s)) for u, s in pairs], (bytes(salt) if salt is not None else None)


@pytest.mark.parametrize("election", [False, True])
def test_while_open_sql_pairs_a_voter_only_with_ciphertext(login, app, demo, settings,  # type: ignore[no-untyped-def]
                                                           election) -> None:
    add_members(settings, demo.body_id, 1, 10, prefix="kin")
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    body = {"question": "Bầu tổ trưởng", "kind": "secret"}
    if election:
        body |= {"options": ["Phạm Văn Hải", "Vũ Thị Lan", "Đỗ Quang Vinh"], "min_marks": 1,
                 "max_marks": 2, "rule": {"basis": "cast"}}
    vote_id = sec.post("/api/meetings/1/votes", json=body).json()["vote"]["id"]
    choices: list = ([[0], [1], [0, 2], [2], [0, 1]] * 4)[:16] if election else \
        ["yes"] * 8 + ["no"] * 5 + ["abstain"] * 3  # type: ignore[type-arg]
    cast_all(login, vote_id, choices)
    pairs, salt = sealed_rows(app, vote_id)
    assert len(pairs) == len(choices) and len({u for u, _ in pairs}) == len(choices)
    blobs = [s for _, s in pairs]
    # one length for every ballot, a fresh nonce each: equal choices do not look equal
    assert len({len(b) for b in blobs}) == 1
    assert len(set(blobs)) == len(blobs)
    # no plaintext shows (needles of 3 bytes at least: a 2-byte one turns up in random bytes)
    plain = {json.dumps(c, separators=seps).encode() for c in choices
             for seps in ((",", ":"), (", ", ": "))} | {b"yes", b"abstain", b'"no"'}
    for b in blobs:
        for word in plain:
            assert word not in b
    # the key is not in the database: the salt alone (or any secret but the server's) opens
    # nothing; the server's secret does
    assert salt is not None and len(salt) == 32
    options = 3 if election else 0
    for guess in (salt, b"phonghop.ballots:", settings.db_url.encode()):
        with pytest.raises(ValueError):
            Secrecy(guess.ljust(16, b"\0")).for_vote(vote_id, salt, options).open(blobs[0])
    opened = [app.state.services.secrecy.for_vote(vote_id, salt, options).open(b)
              for b in blobs]
    assert sorted(json.loads(o) if election else o for o in opened) == sorted(choices)
    # and the count at close is right
    closed = sec.post(f"/api/votes/{vote_id}/close").json()["vote"]
    if election:
        assert closed["counts"]["marks"] == [sum(0 in c for c in choices),
                                             sum(1 in c for c in choices),
                                             sum(2 in c for c in choices)]
        assert closed["counts"]["ballots"] == len(choices)
    else:
        assert (closed["counts"]["yes"], closed["counts"]["no"],
                closed["counts"]["abstain"]) == (8, 5, 3)


def _wait_for_forgetting(app) -> None:  # type: ignore[no-untyped-def]
    tasks = app.state.services.tasks
    deadline = time.monotonic() + 30
    while "forget-secret-ballots" in tasks.names() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "forget-secret-ballots" not in tasks.names()


def _database_files(app, settings) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """The bytes of every file the database keeps this vote's rows in."""
    engine = app.state.services.db.engine
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        files = {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}
        assert path.name in files
        backup = path.parent / f"backup-{time.monotonic_ns()}.db"
        with sqlite3.connect(path) as source, sqlite3.connect(backup) as target:
            source.backup(target)
        files["backup"] = backup.read_bytes()
        return files
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        data_dir = Path(conn.exec_driver_sql("SHOW data_directory").scalar_one())
        out = {}
        for table in ("secret_ballots", "votes", "ballot_receipts"):
            rel = conn.execute(text("SELECT pg_relation_filepath(:t)"), {"t": table}).scalar_one()
            for segment in sorted(data_dir.glob(rel + "*")):  # the table and its forks
                out[f"{table}: {segment.name}"] = segment.read_bytes()
        return out


@pytest.mark.parametrize("ending", ["close", "cancel"])
def test_once_ended_no_file_of_the_database_holds_a_ballot(login, app, demo, settings,  # type: ignore[no-untyped-def]
                                                           ending) -> None:
    add_members(settings, demo.body_id, 1, 10, prefix="kin")
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Bỏ phiếu kín?",
                                                      "kind": "secret"}).json()["vote"]["id"]
    cast_all(login, vote_id, ["yes"] * 9 + ["no"] * 7)
    pairs, salt = sealed_rows(app, vote_id)
    assert salt is not None
    # every sealed ballot is in the database's files while the vote is open (the test sees
    # what it looks for); on SQLite also in the main file, as after the automatic checkpoints
    # of a long vote
    db = app.state.services.db
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0] == 0
    files = _database_files(app, settings)
    assert all(any(blob[12:40] in data for data in files.values()) for _, blob in pairs)
    if db.is_sqlite:
        main = files[Path(db.engine.url.database).name]
        assert all(blob[12:40] in main for _, blob in pairs)

    r = sec.post(f"/api/votes/{vote_id}/{ending}", json={})
    assert r.status_code == 200, r.text
    _wait_for_forgetting(app)
    after, salt_after = sealed_rows(app, vote_id)
    assert after == [] and salt_after is None
    files = _database_files(app, settings)
    for name, data in files.items():
        for _, blob in pairs:
            assert blob[12:40] not in data, f"a sealed ballot survives in {name}"
    if app.state.services.db.is_sqlite:  # PostgreSQL's VACUUM leaves old bytes of `votes`
        for name, data in files.items():
            assert salt not in data, f"the vote's salt survives in {name}"
    # the receipts remain: who voted, never what
    with app.state.services.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ballot_receipts WHERE vote_id = :v"),
                            {"v": vote_id}).scalar_one() == 16


def test_a_reader_older_than_the_close_is_waited_for(login, app, demo, settings) -> None:  # type: ignore[no-untyped-def]
    """A transaction that began before the close can still see the sealed ballots, and the
    database keeps them for it: PostgreSQL's VACUUM FULL copies such rows into the table's
    new file (the CI once met this with an autovacuum ANALYZE), SQLite cannot checkpoint past
    its snapshot. The forgetting waits for that reader, then forgets."""
    add_members(settings, demo.body_id, 1, 10, prefix="kin")
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Bỏ phiếu kín?",
                                                      "kind": "secret"}).json()["vote"]["id"]
    cast_all(login, vote_id, ["yes"] * 9 + ["no"] * 7)
    pairs, _ = sealed_rows(app, vote_id)
    db = app.state.services.db
    # the reader touches another table: on PostgreSQL, its snapshot, not a lock, is what keeps
    # the rows (a lock on secret_ballots would only make VACUUM FULL wait and retry)
    if db.is_sqlite:
        reader = sqlite3.connect(db.engine.url.database, isolation_level=None)
        reader.execute("BEGIN")
        seen = lambda: reader.execute("SELECT count(*) FROM meetings").fetchone()[0]  # noqa: E731
        end = reader.close
    else:
        conn = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        seen = lambda: conn.exec_driver_sql("SELECT count(*) FROM meetings").scalar_one()  # noqa: E731
        end = conn.close
    try:
        before = seen()
        assert sec.post(f"/api/votes/{vote_id}/close", json={}).status_code == 200
        assert sealed_rows(app, vote_id) == ([], None)  # gone for every new reader at once
        time.sleep(1.5)
        assert "forget-secret-ballots" in app.state.services.tasks.names()
        assert seen() == before
    finally:
        end()
    _wait_for_forgetting(app)
    for name, data in _database_files(app, settings).items():
        for _, blob in pairs:
            assert blob[12:40] not in data, f"a sealed ballot survives in {name}"


def test_the_order_of_the_rows_does_not_tell_the_order_of_the_ballots(login, app, demo,  # type: ignore[no-untyped-def]
                                                                       settings) -> None:
    """Receipts say who voted, in order; if the sealed contents came back from SQL in the
    order they were cast, opening them (with the server's key, as whoever holds it at close)
    would pair each voter with a choice. On SQLite the contents sit in the order of a random
    key (a table without rowid): their order is a shuffle. (PostgreSQL's heap keeps insertion
    order; docs/api.md accepts that pairing there yields only ciphertext while the vote is
    open, and test_while_open_sql_pairs_a_voter_only_with_ciphertext checks it.)"""
    if app.state.services.db.engine.dialect.name != "sqlite":
        pytest.skip("physical order is the SQLite table's; PostgreSQL's heap is covered above")
    add_members(settings, demo.body_id, 1, 10, prefix="kin")
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Bỏ phiếu kín?",
                                                      "kind": "secret"}).json()["vote"]["id"]
    # In the order cast, the choices are sorted: a shuffle gives them back in this order
    # once in 720,720 (16! / (8! 5! 3!)).
    choices = ["yes"] * 8 + ["no"] * 5 + ["abstain"] * 3
    cast_all(login, vote_id, choices)
    with app.state.services.db.engine.connect() as conn:
        salt = conn.execute(text("SELECT ballot_salt FROM votes WHERE id = :v"),
                            {"v": vote_id}).scalar_one()
        # What a reader of the database sees: the table's own order, and the same by scan.
        orders = [conn.execute(text(sql), {"v": vote_id}).scalars().all() for sql in (
            "SELECT sealed FROM secret_ballots WHERE vote_id = :v",
            "SELECT sealed FROM secret_ballots NOT INDEXED WHERE vote_id = :v",
        )]
    seal = app.state.services.secrecy.for_vote(vote_id, bytes(salt), 0)
    for rows in orders:
        opened = [seal.open(bytes(s)) for s in rows]
        assert sorted(opened) == sorted(choices)
        assert opened != choices, "the rows come back in the order the ballots were cast"
