"""The secretary's later changes to a prepared meeting in Debian's Chromium against the real
server, at 1280×800: an agenda item edited (title, presenter, planned duration) and another
deleted with its document after a confirmation; an item's documents reordered with the ↑ ↓
buttons (by mouse and from the keyboard) and one moved to another item. Every change is checked
after a reload and in GET /api/meetings/{id}. A screenshot of each state goes to
PHONGHOP_TEST_ARTIFACTS (browser-prepare-edits-*.png).

The documents have no drag and drop and no Alt+arrow keys (static/js/prepare/documents.js):
their order changes only by the ↑ ↓ buttons, which the keyboard reaches as buttons; after a
move the keyboard stays on the document that moved."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from meetings.demo import documents as demo_documents
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium


def shot(walk: Walk, page, name: str, testid: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """A 1280×800 screenshot with the part that changed in view (the page's top by default)."""
    if testid is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        page.get_by_test_id(testid).evaluate("e => e.scrollIntoView({block: 'center'})")
    walk.shot(page, f"prepare-edits-{name}")


def numbers(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The agenda as shown: (number, title) of every item, in order."""
    return [(row.get_attribute("data-number") or "",
             row.locator(".item-name").first.inner_text())
            for row in page.locator("[data-testid^=item-][data-number]").all()]


def doc_ids(page, item_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The documents shown under an item, in order."""
    rows = page.get_by_test_id(f"item-{item_id}").locator("li.doc-row:not(.doc-withdrawn)")
    return [int((r.get_attribute("data-testid") or "").split("-")[1]) for r in rows.all()]


def snapshot(http: httpx.Client, meeting_id: int) -> dict[str, Any]:
    r = http.get(f"/api/meetings/{meeting_id}")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def item_of(snap: dict[str, Any], item_id: int) -> dict[str, Any]:
    return next(i for i in snap["items"] if i["id"] == item_id)


@pytest.mark.browser
@pytest.mark.server
def test_secretary_edits_and_deletes_agenda_items(live_server: LiveServer,
                                                  artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as http:
        before = snapshot(http, meeting_id)
        first, second, third = before["items"]
        second_doc = second["documents"][0]
        with chromium() as browser:
            walk = Walk(browser, live_server, artifacts)
            secretary = walk.log_in("thuky", f"/m/{meeting_id}/prepare")
            expect(secretary.locator("[data-testid^=item-][data-number]")).to_have_count(3)
            assert numbers(secretary) == [("1", first["title"]), ("2", second["title"]),
                                          ("3", third["title"])]

            # Editing opens a form under the item with what it holds now.
            edit = secretary.get_by_test_id(f"edit-{third['id']}")
            expect(edit).to_have_attribute("aria-expanded", "false")
            edit.click()
            expect(edit).to_have_attribute("aria-expanded", "true")
            form = secretary.get_by_test_id(f"edit-item-{third['id']}")
            prefix = f"edit-{third['id']}"
            expect(secretary.get_by_test_id(f"{prefix}-title")).to_have_value(third["title"])
            expect(secretary.get_by_test_id(f"{prefix}-title")).to_be_focused()
            expect(secretary.get_by_test_id(f"{prefix}-presenter")).to_have_value(
                third["presenter"])
            expect(secretary.get_by_test_id(f"{prefix}-minutes")).to_have_value(
                str(third["planned_minutes"]))
            shot(walk, secretary, "edit-form", f"edit-item-{third['id']}")

            # Cancelled: nothing changes.
            secretary.get_by_test_id(f"{prefix}-title").fill("Không lưu")
            form.get_by_role("button", name="Hủy").click()
            expect(form).to_have_count(0)
            expect(secretary.get_by_test_id(f"item-{third['id']}").locator(".item-name")
                   ).to_have_text(third["title"])

            # Saved: a new title, presenter and planned duration, shown at once.
            edit.click()
            expect(secretary.get_by_test_id(f"{prefix}-title")).to_have_value(third["title"])
            secretary.get_by_test_id(f"{prefix}-title").fill(
                "Các vấn đề phát sinh và kiến nghị của cử tri")
            secretary.get_by_test_id(f"{prefix}-presenter").fill("Chánh Văn phòng UBND xã")
            secretary.get_by_test_id(f"{prefix}-minutes").fill("25")
            secretary.get_by_test_id(f"{prefix}-submit").click()
            expect(form).to_have_count(0)
            row = secretary.get_by_test_id(f"item-head-{third['id']}")
            expect(row.locator(".item-name")).to_have_text(
                "Các vấn đề phát sinh và kiến nghị của cử tri")
            expect(row).to_contain_text("Chánh Văn phòng UBND xã · 25 phút")
            expect(secretary.get_by_test_id(f"item-{third['id']}")).to_have_attribute(
                "data-number", "3")
            shot(walk, secretary, "edited", f"item-{third['id']}")

            # After a reload, and for the server, the item is as saved.
            secretary.reload()
            row = secretary.get_by_test_id(f"item-head-{third['id']}")
            expect(row.locator(".item-name")).to_have_text(
                "Các vấn đề phát sinh và kiến nghị của cử tri")
            expect(row).to_contain_text("Chánh Văn phòng UBND xã · 25 phút")
            saved = item_of(snapshot(http, meeting_id), third["id"])
            assert (saved["title"], saved["presenter"], saved["planned_minutes"],
                    saved["number"]) == ("Các vấn đề phát sinh và kiến nghị của cử tri",
                                         "Chánh Văn phòng UBND xã", 25, "3")

            # Deleting item 2 asks first, naming it and the document that goes with it;
            # cancelled, it stays.
            secretary.get_by_test_id(f"delete-{second['id']}").click()
            dialog = secretary.get_by_test_id("confirm-dialog")
            expect(dialog).to_contain_text("Xóa nội dung 2?")
            expect(dialog).to_contain_text(second["title"])
            expect(dialog).to_contain_text("Các tài liệu của nội dung này (1) cũng bị xóa.")
            expect(secretary.get_by_test_id("confirm-ok")).to_be_focused()
            shot(walk, secretary, "delete-confirm")
            secretary.get_by_test_id("confirm-cancel").click()
            expect(dialog).to_have_count(0)
            expect(secretary.get_by_test_id(f"item-{second['id']}")).to_be_visible()
            assert len(snapshot(http, meeting_id)["items"]) == 3

            # Confirmed: gone, and the items after it move up a number.
            secretary.get_by_test_id(f"delete-{second['id']}").click()
            expect(dialog).to_contain_text("Xóa nội dung 2?")
            secretary.get_by_test_id("confirm-ok").click()
            expect(dialog).to_have_count(0)
            expect(secretary.get_by_test_id(f"item-{second['id']}")).to_have_count(0)
            expect(secretary.get_by_test_id(f"item-{third['id']}")).to_have_attribute(
                "data-number", "2")
            expect(secretary.get_by_test_id("agenda-error")).to_have_count(0)
            shot(walk, secretary, "deleted", "agenda")

            # After a reload, and for the server: two items, renumbered, the document gone.
            secretary.reload()
            expect(secretary.locator("[data-testid^=item-][data-number]")).to_have_count(2)
            assert numbers(secretary) == [
                ("1", first["title"]), ("2", "Các vấn đề phát sinh và kiến nghị của cử tri")]
            expect(secretary.get_by_test_id(f"doc-{second_doc['id']}")).to_have_count(0)
            after = snapshot(http, meeting_id)
            assert [(i["id"], i["number"]) for i in after["items"]] == [
                (first["id"], "1"), (third["id"], "2")]
            assert second_doc["id"] not in [d["id"] for i in after["items"]
                                            for d in i["documents"]]
            assert http.get(f"/api/documents/{second_doc['id']}/file").status_code == 404
            shot(walk, secretary, "deleted-reloaded", "agenda")
            assert walk.errors == []


@pytest.mark.browser
@pytest.mark.server
def test_secretary_reorders_an_items_documents(live_server: LiveServer,
                                              artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as http:
        items = snapshot(http, meeting_id)["items"]
        item_id, last_id = items[0]["id"], items[2]["id"]
        report = items[0]["documents"][0]

        def upload(title: str) -> dict[str, Any]:
            r = http.post(f"/api/meetings/{meeting_id}/items/{item_id}/documents",
                          data={"title": title},
                          files={"file": (f"{title}.pdf", demo_documents.resolution_pdf(),
                                          "application/pdf")})
            assert r.status_code == 201, r.text
            return r.json()["document"]  # type: ignore[no-any-return]

        annex_a, annex_b = upload("Phụ lục A"), upload("Phụ lục B")
        r_id, a_id, b_id = report["id"], annex_a["id"], annex_b["id"]

        def api_order(item: int) -> list[int]:
            return [d["id"] for d in item_of(snapshot(http, meeting_id), item)["documents"]]

        assert api_order(item_id) == [r_id, a_id, b_id]

        with chromium() as browser:
            walk = Walk(browser, live_server, artifacts)
            secretary = walk.log_in("thuky", f"/m/{meeting_id}/prepare")
            expect(secretary.get_by_test_id(f"doc-{b_id}")).to_be_visible()
            assert doc_ids(secretary, item_id) == [r_id, a_id, b_id]
            # The first cannot go up, the last cannot go down; each button names its document.
            expect(secretary.get_by_test_id(f"doc-up-{r_id}")).to_be_disabled()
            expect(secretary.get_by_test_id(f"doc-down-{b_id}")).to_be_disabled()
            expect(secretary.get_by_test_id(f"doc-up-{b_id}")).to_have_attribute(
                "aria-label", "Chuyển tài liệu \"Phụ lục B\" lên")
            shot(walk, secretary, "docs", f"item-{item_id}")

            # With the mouse: Phụ lục B one place up.
            secretary.get_by_test_id(f"doc-up-{b_id}").click()
            expect(secretary.get_by_test_id(f"item-{item_id}").locator("li.doc-row").nth(1)
                   ).to_have_attribute("data-testid", f"doc-{b_id}")
            assert doc_ids(secretary, item_id) == [r_id, b_id, a_id]
            expect(secretary.get_by_test_id(f"doc-up-{b_id}")).to_be_enabled()
            shot(walk, secretary, "docs-up", f"item-{item_id}")

            # From the keyboard: Enter on Phụ lục A's ↑, twice. The keyboard stays on the
            # document that moved, so the second Enter moves it again; at the top, where ↑ is
            # disabled, it is on its ↓.
            key = secretary.get_by_test_id(f"doc-up-{a_id}")
            key.focus()
            secretary.keyboard.press("Enter")
            expect(secretary.get_by_test_id(f"item-{item_id}").locator("li.doc-row").nth(1)
                   ).to_have_attribute("data-testid", f"doc-{a_id}")
            expect(key).to_be_focused()
            assert doc_ids(secretary, item_id) == [r_id, a_id, b_id]
            secretary.keyboard.press("Enter")
            expect(secretary.get_by_test_id(f"item-{item_id}").locator("li.doc-row").first
                   ).to_have_attribute("data-testid", f"doc-{a_id}")
            expect(key).to_be_disabled()
            expect(secretary.get_by_test_id(f"doc-down-{a_id}")).to_be_focused()
            assert doc_ids(secretary, item_id) == [a_id, r_id, b_id]
            shot(walk, secretary, "docs-keyboard", f"item-{item_id}")

            # The report one place down, with the mouse: it ends last.
            secretary.get_by_test_id(f"doc-down-{r_id}").click()
            expect(secretary.get_by_test_id(f"item-{item_id}").locator("li.doc-row").last
                   ).to_have_attribute("data-testid", f"doc-{r_id}")
            assert doc_ids(secretary, item_id) == [a_id, b_id, r_id]
            expect(secretary.get_by_test_id("doc-error")).to_have_count(0)
            expect(secretary.get_by_test_id(f"doc-down-{r_id}")).to_be_disabled()
            assert api_order(item_id) == [a_id, b_id, r_id]

            # After a reload the order holds.
            secretary.reload()
            expect(secretary.get_by_test_id(f"doc-{r_id}")).to_be_visible()
            assert doc_ids(secretary, item_id) == [a_id, b_id, r_id]
            expect(secretary.get_by_test_id(f"doc-up-{a_id}")).to_be_disabled()
            expect(secretary.get_by_test_id(f"doc-down-{r_id}")).to_be_disabled()
            shot(walk, secretary, "docs-reloaded", f"item-{item_id}")

            # Phụ lục A moved to item 3: it leaves item 1 and ends item 3's documents.
            secretary.get_by_test_id(f"doc-move-{a_id}").select_option(str(last_id))
            expect(secretary.get_by_test_id(f"item-{last_id}").get_by_test_id(f"doc-{a_id}")
                   ).to_be_visible()
            assert doc_ids(secretary, item_id) == [b_id, r_id]
            expect(secretary.get_by_test_id(f"item-{last_id}")).not_to_contain_text(
                "Chưa có tài liệu")
            shot(walk, secretary, "docs-moved", f"item-{last_id}")
            secretary.reload()
            expect(secretary.get_by_test_id(f"item-{last_id}").get_by_test_id(f"doc-{a_id}")
                   ).to_be_visible()
            assert doc_ids(secretary, item_id) == [b_id, r_id]
            assert doc_ids(secretary, last_id) == [a_id]
            assert (api_order(item_id), api_order(last_id)) == ([b_id, r_id], [a_id])
            assert walk.errors == []
