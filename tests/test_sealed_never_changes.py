"""A sealed meeting never changes: every way to change a meeting, tried after the minutes were
signed, is refused with 409 `meeting_sealed` and leaves every row of the database as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlmodel import col
from sqlmodel import select as sqlmodel_select

from meetings.db import Database
from meetings.models import AgendaItem, Annotation, User
from tests.helpers import error_of, snapshot
from tests.test_seal_and_archive import run_meeting_to_sealed

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]" \
      b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# Each way to change a meeting: who tries it, and the request (method, path, keyword args),
# built from what the sealed meeting holds (its first item, document, a member and a note).
Change = Callable[[dict[str, Any]], tuple[str, str, str, dict[str, Any]]]
CHANGES: dict[str, Change] = {
    "meeting details": lambda m: ("thuky", "PATCH", "/api/meetings/1", {"json": {"title": "x"}}),
    "add a participant": lambda m: ("thuky", "POST", "/api/meetings/1/participants",
                                    {"json": {"user_id": m["guest"], "role": "guest"}}),
    "remove a participant": lambda m: ("thuky", "DELETE",
                                       f"/api/meetings/1/participants/{m['member']}", {}),
    "add an item": lambda m: ("thuky", "POST", "/api/meetings/1/items",
                              {"json": {"title": "thêm"}}),
    "edit an item": lambda m: ("thuky", "PATCH", f"/api/meetings/1/items/{m['item']}",
                               {"json": {"title": "sửa"}}),
    "delete an item": lambda m: ("thuky", "DELETE", f"/api/meetings/1/items/{m['item']}", {}),
    "reorder the agenda": lambda m: ("thuky", "PUT", "/api/meetings/1/agenda",
                                     {"json": {"items": [{"id": i} for i in m["items"]]}}),
    "upload a document": lambda m: ("thuky", "POST",
                                    f"/api/meetings/1/items/{m['item']}/documents",
                                    {"files": {"file": ("moi.pdf", PDF, "application/pdf")}}),
    "replace a document": lambda m: ("thuky", "POST", f"/api/documents/{m['document']}/versions",
                                     {"files": {"file": ("moi.pdf", PDF, "application/pdf")}}),
    "rename a document": lambda m: ("thuky", "PATCH", f"/api/documents/{m['document']}",
                                    {"json": {"title": "đổi tên"}}),
    "remove a document": lambda m: ("thuky", "DELETE", f"/api/documents/{m['document']}", {}),
    "order the documents": lambda m: ("thuky", "PUT",
                                      f"/api/meetings/1/items/{m['item']}/document-order",
                                      {"json": {"documents": m["documents"]}}),
    "document policy": lambda m: ("thuky", "PUT", "/api/meetings/1/document-policy",
                                  {"json": {"confidential": True, "downloads": False}}),
    "exclude from an item": lambda m: ("thuky", "PUT",
                                       f"/api/meetings/1/items/{m['item']}/exclusions/"
                                       f"{m['member']}", {"json": {"reason": "xung đột"}}),
    "readmit to an item": lambda m: ("thuky", "DELETE",
                                     f"/api/meetings/1/items/{m['item']}/exclusions/"
                                     f"{m['member']}", {}),
    "edit the minutes": lambda m: ("thuky", "PUT", "/api/meetings/1/minutes",
                                   {"json": {"general_conclusion": "sửa"}}),
    "seal again": lambda m: ("thuky", "POST", "/api/meetings/1/minutes/seal", {}),
    "add a note": lambda m: ("uyvien1", "POST", f"/api/documents/{m['document']}/notes",
                             {"json": {"page": 1, "text": "ghi chú mới"}}),
    "edit a note": lambda m: ("uyvien1", "PUT", f"/api/notes/{m['note']}",
                              {"json": {"document_id": m["document"], "page": 1,
                                        "text": "sửa ghi chú"}}),
    "delete a note": lambda m: ("uyvien1", "DELETE", f"/api/notes/{m['note']}", {}),
}


def database_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, except the logins' own bookkeeping."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(select(table))), key=repr)
                    for name, table in meta.tables.items() if name not in ("sessions",)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_every_way_to_change_a_sealed_meeting_is_refused(login, settings, change: str) -> None:
    sec, _pdf = run_meeting_to_sealed(login)
    member = login("uyvien1")
    item = snapshot(sec, 1)["items"][0]
    database = Database(settings.db_url)
    with database.write() as session:
        users = {u.username: u.id for u in session.exec(sqlmodel_select(User))}
        items = [i.id for i in session.exec(sqlmodel_select(AgendaItem).where(
            AgendaItem.meeting_id == 1, col(AgendaItem.parent_id).is_(None)))]
        # A note the member wrote before the seal.
        note = Annotation(id="note-777", user_id=users["uyvien1"], meeting_id=1,
                          document_id=item["documents"][0]["id"], version=1, page=1,
                          kind="note", color="#f9a825",
                          data='{"x": 0.95, "y": 0.05, "text": "đã ghi"}',
                          origin_version=1, origin_page=1)
        session.add(note)
        session.flush()
        note_id = 777
    database.dispose()
    facts = {
        "item": item["id"], "items": items, "document": item["documents"][0]["id"],
        "documents": [d["id"] for d in item["documents"]],
        "member": users["uyvien2"], "guest": users["luutru"], "note": note_id,
    }
    who, method, path, kwargs = CHANGES[change](facts)
    client = sec if who == "thuky" else member
    before = database_rows(settings.db_url)
    error_of(client.request(method, path, **kwargs), 409, "meeting_sealed")
    assert database_rows(settings.db_url) == before
