"""A ballot is acknowledged only after its commit: when the database refuses the commit itself
(the last step, after every check and insert has passed), the voter gets no acknowledgement,
nothing is stored, and the same ballot can be cast again once the database is back. On both
engines: the commit is made to fail inside the database driver's own commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from starlette.testclient import TestClient

from tests.helpers import record_quorum, start

# Never rerun (Makefile, RERUNS): a protection that fails once has failed.
pytestmark = pytest.mark.flaky(reruns=0)


@contextmanager
def commits_of_ballots_fail(engine: Any) -> Iterator[list[str]]:
    """Every transaction that inserted a ballot receipt fails at its COMMIT, as a disk or a
    server dying at that instant would make it; other transactions are untouched."""
    refused: list[str] = []

    def mark(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO BALLOT_RECEIPTS"):
            conn.info["ballot"] = True

    def fail(conn: Connection) -> None:
        if conn.info.pop("ballot", False):
            refused.append("commit")
            # The server rolls back what it could not commit, and says so.
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            dbapi.rollback()
            raise RuntimeError("the database refused the commit")

    def forget(conn: Connection) -> None:
        conn.info.pop("ballot", None)

    event.listen(engine, "before_cursor_execute", mark)
    event.listen(engine, "commit", fail)
    event.listen(engine, "rollback", forget)
    try:
        yield refused
    finally:
        event.remove(engine, "before_cursor_execute", mark)
        event.remove(engine, "commit", fail)
        event.remove(engine, "rollback", forget)


def stored(app: Any, vote_id: int) -> tuple[int, int]:
    with app.state.services.db.read() as s:
        ballots = s.execute(text("SELECT count(*) FROM ballots WHERE vote_id = :v"),
                            {"v": vote_id}).scalar_one()
        receipts = s.execute(text("SELECT count(*) FROM ballot_receipts WHERE vote_id = :v"),
                             {"v": vote_id}).scalar_one()
    return int(ballots), int(receipts)


def test_no_acknowledgement_when_the_commit_fails(login, app) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    vote_id = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"}).json()[
        "vote"]["id"]
    member = login("uyvien1")
    # The same member's device, answered as a server answers an unexpected error (500).
    device = TestClient(app, raise_server_exceptions=False, cookies=member.cookies)
    device.portal = member.portal
    with commits_of_ballots_fail(app.state.services.db.engine) as refused:
        r = device.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
    assert refused, "the ballot's commit was never attempted"
    assert r.status_code >= 500, r.text  # not acknowledged: no 201, no receipt
    assert "vote_id" not in r.text
    assert stored(app, vote_id) == (0, 0)
    assert sec.get(f"/api/votes/{vote_id}").json()["vote"]["cast"] == 0
    # Nothing half-done is left behind: the same ballot goes through once the database is back.
    r = member.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
    assert r.status_code == 201, r.text
    assert stored(app, vote_id) == (1, 1)
