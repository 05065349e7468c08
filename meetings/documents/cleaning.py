"""Active content in a PDF: what counts as such, taking it out, and counting it.

Runs in the reading child (`meetings.documents.ingest_worker`), on MuPDF's objects directly:
an annotation or an action may be an object of its own or a dictionary written inline inside
another (a page's /Annots array, a link's /A, an outline item's /Next); both are found,
because every dictionary inside every object is visited, without following references (each
referenced object is visited as itself).

Taken out: scripts and actions that run, open or send something (`ACTIVE_ACTIONS`) wherever
they sit; links that carry one; form fields; annotations that carry or play a file
(`CARRIERS`: removed whole, so no paperclip is left naming a removed file); embedded files;
and the entries that start or hold such content (`ACTIVE_KEYS`).

`inventory` counts what a document holds of each kind; the parent reports as removed what the
original held and the saved clean copy, read back, does not (see `ingest_worker.read_pdf`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pymupdf

m = pymupdf.mupdf

# Action types that run, open or fetch something outside the document.
ACTIVE_ACTIONS = frozenset({
    "JavaScript", "Launch", "URI", "SubmitForm", "ImportData", "ResetForm", "Rendition",
    "GoToR", "GoToE", "Movie", "Sound", "RichMediaExecute",
})
# Annotations that carry or play something: a file, a sound, a film, a 3D model.
CARRIERS = frozenset({"FileAttachment", "Sound", "Movie", "Screen", "RichMedia", "3D"})
# Entries that start or hold active content, deleted wherever they appear. Counted as `keys`
# except those that are part of something counted already (JS: an action; EF: a file).
ACTIVE_KEYS = ("JS", "JavaScript", "AA", "OpenAction", "EmbeddedFiles", "EF", "AcroForm",
               "XFA")
UNCOUNTED_KEYS = frozenset({"JS", "EF"})
# The kinds removed whole: their dictionary goes from wherever it sits.
DOOMED = frozenset({"links", "widgets", "attachments", "actions"})
KINDS = ("links", "widgets", "attachments", "actions", "files", "keys")
# An object whose printed form names none of these holds nothing to remove (MuPDF prints
# names decoded, so "/J#53" is printed "/JS"). Looking for them first is ten times faster
# than visiting every object.
NEEDLES = tuple({*(f"/{key}" for key in ACTIVE_KEYS), *(f"/{a}" for a in ACTIVE_ACTIONS),
                 *(f"/{c}" for c in CARRIERS), "/Widget", "/EmbeddedFile"})


def _name(d: Any, key: str) -> str:
    value = m.pdf_dict_gets(d, key)
    return str(m.pdf_to_name(value)) if m.pdf_is_name(value) else ""


def _is_action(d: Any) -> bool:
    return m.pdf_is_dict(d) and _name(d, "S") in ACTIVE_ACTIONS


def kind_of(d: Any) -> str | None:
    """What a dictionary is, as far as cleaning goes, or None when it is harmless."""
    subtype = _name(d, "Subtype")
    if subtype == "Widget":
        return "widgets"
    if subtype in CARRIERS:
        return "attachments"
    if subtype == "Link" and (_is_action(m.pdf_dict_gets(d, "A"))
                              or m.pdf_is_dict(m.pdf_dict_gets(d, "AA"))):
        return "links"
    if _name(d, "S") in ACTIVE_ACTIONS:
        return "actions"
    if m.pdf_is_dict(m.pdf_dict_gets(d, "EF")):
        return "files"
    return None


def _containers(root: Any) -> Iterator[Any]:
    """Every dictionary and array inside an object, itself first, without following
    references. A container is yielded before its children are read, so what the caller
    deletes from it is not visited. A loop, not recursion: nesting may be 100,000 deep."""
    stack = [root]
    while stack:
        obj = stack.pop()
        yield obj
        if m.pdf_is_dict(obj):
            children = [m.pdf_dict_get_val(obj, i) for i in range(m.pdf_dict_len(obj))]
        else:
            children = [m.pdf_array_get(obj, i) for i in range(m.pdf_array_len(obj))]
        stack.extend(c for c in children
                     if not m.pdf_is_indirect(c) and (m.pdf_is_dict(c) or m.pdf_is_array(c)))


def _pdf(doc: pymupdf.Document) -> Any:
    return m.pdf_document_from_fz_document(doc.this)


def _suspects(doc: pymupdf.Document) -> Iterator[tuple[int, Any]]:
    """The objects whose printed form names something active, with their numbers."""
    pdf = _pdf(doc)
    for xref in range(1, m.pdf_xref_len(pdf)):
        # An object MuPDF cannot print (nested 100,000 deep: "exception stack overflow")
        # cannot be checked either: the reader gives up on the file (too complex).
        source = doc.xref_object(xref, compressed=True)
        if any(needle in source for needle in NEEDLES):
            yield xref, m.pdf_load_object(pdf, xref)


def inventory(doc: pymupdf.Document) -> dict[str, int]:
    """How many of each kind of active content the document holds, numbered or inline."""
    found: Counter[str] = Counter()
    for _, obj in _suspects(doc):
        for container in _containers(obj):
            if not m.pdf_is_dict(container):
                continue
            kind = kind_of(container)
            if kind is not None:
                found[kind] += 1
            found["keys"] += sum(1 for key in ACTIVE_KEYS if key not in UNCOUNTED_KEYS
                                 and not m.pdf_is_null(m.pdf_dict_gets(container, key)))
    return {kind: found[kind] for kind in KINDS}


def strip(doc: pymupdf.Document) -> None:
    """Take every kind of active content out of the document, in place (saved by the
    caller, with garbage collection, so what is no longer referenced is not written)."""
    pdf = _pdf(doc)
    # Decided before anything changes: an annotation whose action is a numbered object is
    # recognised even when that object is emptied first.
    suspects = list(_suspects(doc))
    doomed = {xref for xref, obj in suspects if m.pdf_is_dict(obj) and kind_of(obj) in DOOMED}

    def gone(value: Any) -> bool:
        if m.pdf_is_indirect(value):
            return int(m.pdf_to_num(value)) in doomed
        return m.pdf_is_dict(value) and kind_of(value) in DOOMED

    def clean(container: Any) -> None:
        if m.pdf_is_dict(container):
            for key in ACTIVE_KEYS:
                m.pdf_dict_dels(container, key)
            for i in reversed(range(m.pdf_dict_len(container))):
                if gone(m.pdf_dict_get_val(container, i)):
                    m.pdf_dict_del(container, m.pdf_dict_get_key(container, i))
        else:
            for i in reversed(range(m.pdf_array_len(container))):
                if gone(m.pdf_array_get(container, i)):
                    m.pdf_array_delete(container, i)

    # Every page, named or not: its /Annots may list numbered annotations only.
    pages = [m.pdf_load_object(pdf, doc.page_xref(n)) for n in range(doc.page_count)]
    for page in pages:
        annots = m.pdf_dict_gets(page, "Annots")
        if m.pdf_is_array(annots):
            clean(m.pdf_resolve_indirect(annots))
    for xref, obj in [(0, page) for page in pages] + suspects:
        if xref in doomed:
            while m.pdf_dict_len(obj):
                m.pdf_dict_del(obj, m.pdf_dict_get_key(obj, 0))
            continue
        for container in _containers(obj):
            clean(container)
        if xref and m.pdf_obj_num_is_stream(pdf, xref) and \
                doc.xref_get_key(xref, "Type")[1] == "/EmbeddedFile":
            doc.update_object(xref, "<<>>")
            doc.update_stream(xref, b"")
