"""The presenter's laser pointer and ink (issue 11 §2), over real sockets: the secretary's marks
reach every tablet in the room as they come, a member cannot make them, a page turn clears the
ink unless the last stroke said keep, and drawing at the pace of a pen never uses up the
budget of the commands that matter more."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.wsclient import CommandError, Tablet, cookie_for


def stroke(document_id: int, page: int, ident: str, n: int = 3, **over: Any) -> dict[str, Any]:
    return {"document_id": document_id, "page": page, "stroke": ident,
            "points": [[0.1 + i / 100, 0.2, 0.5] for i in range(n)], "width": 0.005,
            "color": "#D32F2F", "done": False, "keep": False} | over


async def room(live_server: LiveServer) -> tuple[Tablet, Tablet, int]:
    sec_cookie = await cookie_for(live_server.url, "thuky")
    secretary = Tablet(live_server.ws_url, sec_cookie, 1)
    member = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien1"), 1)
    await secretary.connect()
    await member.connect()
    http = live_server.session("thuky")
    assert http.post("/api/meetings/1/start").status_code == 200
    document_id = http.get("/api/meetings/1").json()["items"][0]["documents"][0]["id"]
    http.close()
    await member.wait_for("presentation", lambda d: d["page"] == 1)
    return secretary, member, document_id


async def test_the_presenters_pointer_and_ink_reach_the_room(live_server: LiveServer) -> None:
    secretary, member, document_id = await room(live_server)
    try:
        await secretary.command("pointer", {"document_id": document_id, "page": 1,
                                            "x": 0.25, "y": 0.75})
        pointer = await member.wait_for("pointer")
        assert pointer["channel"] == "meeting:1"
        assert pointer["data"]["x"] == 0.25 and pointer["data"]["y"] == 0.75
        await secretary.command("pointer", {"document_id": document_id, "page": 1,
                                            "hide": True})
        await member.wait_for("pointer", lambda d: d.get("hide") is True)
        await secretary.command("presenter.ink", stroke(document_id, 1, "s1", done=True))
        ink = await member.wait_for("presenter.ink")
        assert ink["data"]["stroke"] == "s1" and ink["data"]["color"] == "#d32f2f"
        assert len(ink["data"]["points"]) == 3 and ink["data"]["done"] is True
        # a member draws for no one
        with pytest.raises(CommandError) as refused:
            await member.command("pointer", {"document_id": document_id, "page": 1,
                                             "x": 0.5, "y": 0.5})
        assert refused.value.code == "forbidden"
        with pytest.raises(CommandError) as bad:
            await secretary.command("pointer", {"document_id": document_id, "page": 1,
                                                "x": 1.5, "y": 0.5})
        assert bad.value.code == "bad_mark"
        # the page turns: the ink goes
        await secretary.command("present", {"page": 2})
        cleared = await member.wait_for("presenter.clear")
        assert cleared["data"] == {"document_id": document_id, "page": 1}
        turn = next(e for e in member.events if e["type"] == "presentation"
                    and e["data"]["page"] == 2)
        assert turn["offset"] < cleared["offset"]
        # kept ink stays when the page turns
        await secretary.command("presenter.ink", stroke(document_id, 2, "s2", done=True,
                                                        keep=True))
        await member.wait_for("presenter.ink", lambda d: d["stroke"] == "s2")
        await secretary.command("present", {"page": 3})
        await member.wait_for("presentation", lambda d: d["page"] == 3)
        await asyncio.sleep(0.5)
        assert len([e for e in member.events if e["type"] == "presenter.clear"]) == 1
    finally:
        await secretary.close()
        await member.close()


async def test_drawing_at_a_pens_pace_leaves_the_page_turns_their_budget(
        live_server: LiveServer) -> None:
    """A pointer 30 times a second and a stroke 25 times a second for two seconds (110
    frames, more than twice the 40-frame burst of commands): nothing refused, and a page turn
    right after is carried out."""
    secretary, member, document_id = await room(live_server)
    try:
        sends = []
        for i in range(60):
            sends.append(secretary.command("pointer", {"document_id": document_id, "page": 1,
                                                       "x": i / 60, "y": 0.5}))
            if i % 6 < 5:
                sends.append(secretary.command("presenter.ink",
                                               stroke(document_id, 1, "long", n=i + 1)))
            await asyncio.sleep(1 / 30)
        replies = await asyncio.gather(*sends)
        assert all(r == {"ok": True} for r in replies)
        turned = await secretary.command("present", {"page": 2})
        assert turned["presentation"]["page"] == 2
        await member.wait_for("pointer", lambda d: d["x"] == 59 / 60)
    finally:
        await secretary.close()
        await member.close()
