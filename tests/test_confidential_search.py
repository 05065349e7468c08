"""Search in a confidential meeting: the document, its title, the page and where on it (to be
read on the watermarked page image), never the text itself."""

from __future__ import annotations

from tests.helpers import first_document


def set_confidential(login, on: bool) -> None:  # type: ignore[no-untyped-def]
    r = login("thuky").put("/api/meetings/1/document-policy",
                           json={"confidential": on, "downloads": not on})
    assert r.status_code == 200, r.text


def test_confidential_search_gives_places_not_text(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    routes = ("/api/meetings/1/search", f"/api/documents/{doc['id']}/search")
    open_hits = [member.get(route, params={"q": "kinh te"}).json()["hits"] for route in routes]
    assert all(open_hits) and all(h["snippet"]["match"] for hits in open_hits for h in hits)
    words = {w for hits in open_hits for h in hits
             for w in (h["snippet"]["before"] + " " + h["snippet"]["after"]).split() if len(w) > 3}
    assert words

    set_confidential(login, True)
    for route, before in zip(routes, open_hits, strict=True):
        r = member.get(route, params={"q": "kinh te"})
        hits = r.json()["hits"]
        # The same places: document, title, page and boxes to highlight on the page image.
        assert [(h["document_id"], h["title"], h["page"], h["boxes"]) for h in hits] == [
            (h["document_id"], h["title"], h["page"], h["boxes"]) for h in before]
        assert all(h["snippet"] is None for h in hits)
        body = r.content.decode()
        leaked = [w for w in words if w in body and all(w not in h["title"] for h in hits)]
        assert not leaked, leaked

    set_confidential(login, False)  # and back: the snippets return
    assert member.get(routes[0], params={"q": "kinh te"}).json()["hits"][0]["snippet"]
