"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from meetings import models  # noqa: F401
from meetings.db import normalise_url


def _modelled(name: str | None, type_: str, _parents: object) -> bool:
    """The archive's full-text index (`archive_fts` and, on SQLite, FTS5's own tables) is
    made in SQL by migration 0050, one per engine; it has no model."""
    return not (type_ == "table" and (name or "").startswith("archive_fts"))


def test_models_match_migrations(settings) -> None:
    engine = create_engine(normalise_url(settings.db_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _modelled})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_0030_gives_existing_bodies_their_kind_and_a_quorum(tmp_path, databases) -> None:  # type: ignore[no-untyped-def]
    """Bodies made before the administrator's screens: a People's Committee or Council (by
    its name) gets the law's quorum, an `other` body that needed nobody gets one half, and an
    `other` body with its own quorum keeps it."""
    from sqlalchemy import text

    from meetings.db import upgrade
    from tests.conftest import PG_URL

    if PG_URL:
        url = databases.fresh(tmp_path)  # already at head: start from an empty one instead
        engine = create_engine(normalise_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0021")
    engine = create_engine(normalise_url(url))
    rows = [("UBND xã Tường Tiến", 0, 1), ("Hội đồng nhân dân tỉnh Hưng Yên", 1, 2),
            ("Hội đồng trường", 0, 1), ("Hội đồng quản trị", 3, 4)]
    with engine.begin() as conn:
        for name, n, d in rows:
            conn.execute(text(
                "INSERT INTO bodies (name, parent_name, code, place_name, rule_basis, "
                "rule_numerator, rule_denominator, rule_strict, rule_tie, quorum_numerator, "
                "quorum_denominator, proxies_allowed, default_vote_kind, signer_title, "
                "created_at) VALUES (:name, '', '', '', 'all_members', 1, 2, true, 'fails', "
                ":n, :d, false, 'named', '', CURRENT_TIMESTAMP)"), {"name": name, "n": n, "d": d})
    engine.dispose()
    upgrade(url)
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        got = conn.execute(text("SELECT name, kind, quorum_numerator, quorum_denominator "
                                "FROM bodies ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in got] == [
        ("UBND xã Tường Tiến", "people_committee", 2, 3),
        ("Hội đồng nhân dân tỉnh Hưng Yên", "people_council", 2, 3),
        ("Hội đồng trường", "other", 1, 2),
        ("Hội đồng quản trị", "other", 3, 4)]


def test_0070_keeps_every_text_note_as_an_annotation(settings, demo) -> None:  # type: ignore[no-untyped-def]
    """The private notes written before annotations: each becomes a `note` annotation with
    its text, owner, page and times, on the document's current version, and stays private;
    going back (downgrade) gives the notes back."""
    import json

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from meetings.db import MIGRATIONS_DIR, upgrade

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(settings.db_url))
    command.downgrade(cfg, "0060")
    engine = create_engine(normalise_url(settings.db_url))
    with engine.begin() as conn:
        document_id, meeting_id = conn.execute(text(
            "SELECT id, meeting_id FROM documents ORDER BY id")).first()
        user_id = conn.execute(text("SELECT id FROM users WHERE username = 'uyvien1'")).scalar()
        conn.execute(text(
            "INSERT INTO document_versions (document_id, number, sha256, original_sha256, "
            "original_filename, original_type, original_size, page_count, removed, uploaded_by, "
            "created_at) SELECT document_id, 2, sha256, original_sha256, original_filename, "
            "original_type, original_size, page_count, removed, uploaded_by, created_at "
            "FROM document_versions WHERE document_id = :d AND number = 1"), {"d": document_id})
        for page, body in ((2, "Hỏi lại số liệu thu ngân sách (đạt 112%?)"),
                           (1, 'Dòng hai\n"trích dẫn" và \\ gạch chéo')):
            conn.execute(text(
                "INSERT INTO notes (user_id, document_id, page, text, created_at, updated_at) "
                "VALUES (:u, :d, :p, :t, '2026-01-02 03:04:05', '2026-01-03 03:04:05')"),
                {"u": user_id, "d": document_id, "p": page, "t": body})
        ids = [r[0] for r in conn.execute(text("SELECT id FROM notes ORDER BY id"))]
    engine.dispose()
    upgrade(settings.db_url)
    engine = create_engine(normalise_url(settings.db_url))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, user_id, meeting_id, document_id, version, page, kind, data, placement, "
            "origin_version, origin_page, rev FROM annotations ORDER BY id")).all()
        shares = conn.execute(text("SELECT COUNT(*) FROM annotation_shares")).scalar()
        tables = set(inspect_tables(conn))
    engine.dispose()
    assert "notes" not in tables and shares == 0
    assert [(r.id, r.user_id, r.meeting_id, r.document_id, r.version, r.page, r.kind,
             json.loads(r.data), r.placement, r.origin_version, r.origin_page, r.rev)
            for r in rows] == [
        (f"note-{ids[0]}", user_id, meeting_id, document_id, 2, 2, "note",
         {"x": 0.95, "y": 0.05, "text": "Hỏi lại số liệu thu ngân sách (đạt 112%?)"},
         "placed", 2, 2, 1),
        (f"note-{ids[1]}", user_id, meeting_id, document_id, 2, 1, "note",
         {"x": 0.95, "y": 0.05, "text": 'Dòng hai\n"trích dẫn" và \\ gạch chéo'},
         "placed", 2, 1, 1),
    ]
    # and back: the notes are notes again
    command.downgrade(cfg, "0060")
    engine = create_engine(normalise_url(settings.db_url))
    with engine.connect() as conn:
        back = conn.execute(text("SELECT user_id, page, text FROM notes ORDER BY page")).all()
    engine.dispose()
    assert [tuple(r) for r in back] == [
        (user_id, 1, 'Dòng hai\n"trích dẫn" và \\ gạch chéo'),
        (user_id, 2, "Hỏi lại số liệu thu ngân sách (đạt 112%?)")]
    upgrade(settings.db_url)


def inspect_tables(conn) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return inspect(conn).get_table_names()
