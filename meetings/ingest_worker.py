"""The child process that reads untrusted files: `python -m meetings.ingest_worker JOB.json`.

It runs under resource limits set by its parent (`meetings.ingest`): address space and CPU
time. A file built to exhaust memory or time kills this process only. It writes its answer to
`result.json` beside the job: either {"error": code, ...} for a refusal it recognised, or what
it found (pages, sizes, words) with the cleaned PDF written to `clean.pdf` and, when the job
asks, page 1 of that cleaned PDF rendered as an image.

Refusal codes only; the bilingual messages live in `meetings.ingest`.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

# Keys that carry active content or attachments; nulled wherever they appear.
ACTIVE_KEYS = ("JS", "JavaScript", "AA", "OpenAction", "EmbeddedFiles", "EF", "AcroForm",
               "RichMedia", "XFA", "Names/EmbeddedFiles", "Names/JavaScript")
# Action types that run, open or fetch something outside the document.
ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/ResetForm",
                  "/Rendition", "/GoToR", "/GoToE", "/Movie", "/Sound", "/RichMediaExecute")
# An object whose source holds none of these has nothing to remove. Reading each object's
# source once and looking for them is ten times faster than asking for every key of every
# object (MuPDF prints names decoded, so "/J#53" is printed "/JS").
NEEDLES = (*{"/" + key.split("/")[0] for key in ACTIVE_KEYS}, *ACTIVE_ACTIONS, "/EmbeddedFile")


class Refusal(Exception):
    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def out_of_memory(exc: BaseException) -> bool:
    """MuPDF reports an allocation refused under our address-space limit as a system error
    ("malloc (N bytes) failed"), not as Python's MemoryError: it is not a damaged file."""
    return isinstance(exc, MemoryError) or (
        type(exc).__name__ == "FzErrorSystem" and "malloc" in str(exc))


def check_office_zip(path: Path, max_unpacked: int, max_ratio: int) -> dict[str, Any]:
    """A DOCX/XLSX/PPTX/ODT... is a zip: refuse one that would unpack to a bomb."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refusal("not_pdf") from None
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > max_unpacked or (unpacked > 20_000_000 and unpacked / packed > max_ratio):
        raise Refusal("zip_bomb", unpacked=unpacked, packed=packed)
    if "[Content_Types].xml" in names:
        return {"family": "ooxml"}
    if "mimetype" in names and "content.xml" in names:
        return {"family": "odf"}
    raise Refusal("not_pdf")


def _clean(doc: Any, pymupdf: Any) -> dict[str, int]:
    """Remove JavaScript, launch/URI actions, embedded files and forms, in place."""
    removed = {"links": 0, "widgets": 0, "keys": 0, "actions": 0, "files": 0}
    removed["files"] = doc.embfile_count()
    doc.scrub(attached_files=True, clean_pages=False, embedded_files=True, hidden_text=False,
              javascript=True, metadata=False, redactions=False, remove_links=False,
              reset_fields=True, reset_responses=True, thumbnails=True, xml_metadata=False)
    outward = (pymupdf.LINK_LAUNCH, pymupdf.LINK_URI, pymupdf.LINK_NAMED, pymupdf.LINK_GOTOR)
    for page in doc.pages():
        for link in page.get_links():
            if link.get("kind") in outward:
                page.delete_link(link)
                removed["links"] += 1
        for widget in list(page.widgets() or []):
            page.delete_widget(widget)
            removed["widgets"] += 1
    for xref in range(1, doc.xref_length()):
        try:
            source = doc.xref_object(xref, compressed=True)
            if not any(needle in source for needle in NEEDLES):
                continue
            if doc.xref_is_stream(xref) and doc.xref_get_key(xref, "Type")[1] == "/EmbeddedFile":
                doc.update_object(xref, "<<>>")
                doc.update_stream(xref, b"")
                removed["files"] += 1
                continue
            for key in ACTIVE_KEYS:
                if doc.xref_get_key(xref, key)[0] != "null":
                    doc.xref_set_key(xref, key, "null")
                    removed["keys"] += 1
            if doc.xref_get_key(xref, "S")[1] in ACTIVE_ACTIONS:
                doc.update_object(xref, "<<>>")
                removed["actions"] += 1
            kind, value = doc.xref_get_key(xref, "A")
            if kind == "dict" and any(a in value for a in ACTIVE_ACTIONS):
                doc.xref_set_key(xref, "A", "null")
                removed["actions"] += 1
        except Exception:  # a damaged object is dropped by garbage collection on save
            continue
    return removed


def page_words(doc: Any) -> list[dict[str, Any]]:
    """Each page's size and words, with boxes as fractions of the page."""
    pages = []
    for page in doc.pages():
        w, h = page.rect.width, page.rect.height
        words = [[round(x0 / w, 4), round(y0 / h, 4), round(x1 / w, 4), round(y1 / h, 4), t]
                 for x0, y0, x1, y1, t, *_ in page.get_text("words", sort=True)]
        pages.append({"width": round(w, 2), "height": round(h, 2), "words": words})
    return pages


def read_words(job: dict[str, Any]) -> dict[str, Any]:
    import pymupdf  # without its layout add-ons: see meetings/__init__.py
    pymupdf.TOOLS.mupdf_display_errors(False)
    with pymupdf.open(job["input"], filetype="pdf") as doc:
        return {"pages": page_words(doc)}


def read_pdf(job: dict[str, Any]) -> dict[str, Any]:
    import pymupdf  # without its layout add-ons: see meetings/__init__.py
    pymupdf.TOOLS.mupdf_display_errors(False)
    src, out = Path(job["input"]), Path(job["clean"])
    try:
        doc = pymupdf.open(src, filetype="pdf")
    except Exception as exc:
        if out_of_memory(exc):
            raise MemoryError from None
        raise Refusal("broken_pdf", reason=str(exc)[:200]) from None
    with doc:
        if doc.needs_pass:
            password = job.get("password") or ""
            if not password:
                raise Refusal("encrypted_pdf")
            if not doc.authenticate(password):
                raise Refusal("wrong_password")
        count = doc.page_count
        if count == 0:
            raise Refusal("no_pages")
        if count > job["max_pages"]:
            raise Refusal("too_many_pages", pages=count, limit=job["max_pages"])
        limit_pt = job["max_page_mm"] / 25.4 * 72
        sizes = []
        for page in doc.pages():
            r = page.rect
            if r.width > limit_pt or r.height > limit_pt:
                raise Refusal("page_too_large", page=page.number + 1,
                              width_mm=round(r.width / 72 * 25.4),
                              height_mm=round(r.height / 72 * 25.4), limit_mm=job["max_page_mm"])
            if r.width < 1 or r.height < 1:
                raise Refusal("broken_pdf", reason=f"page {page.number + 1} has no area")
            for image in page.get_images(full=True):
                width, height = image[2], image[3]
                if width * height > job["max_image_pixels"]:
                    # Declared, not decoded: an image this big is a decompression bomb or
                    # a scan far beyond what a tablet can show.
                    raise Refusal("image_too_large", page=page.number + 1, width=width,
                                  height=height)
            sizes.append((r.width, r.height))
        try:
            doc.load_page(0).get_pixmap(matrix=pymupdf.Matrix(0.05, 0.05))
            if doc.is_repaired and not any(
                doc.load_page(i).read_contents().strip() for i in range(min(count, 20))
            ):
                # MuPDF rebuilt a damaged file and found nothing to show: truncated or broken.
                raise ValueError("repaired, and no page has content")
        except Exception as exc:
            if out_of_memory(exc):
                raise MemoryError from None
            raise Refusal("broken_pdf", reason=str(exc)[:200]) from None
        pages = page_words(doc) if job.get("words", True) else []
        title = ((doc.metadata or {}).get("title") or "").strip()
        repaired = bool(doc.is_repaired)
        removed = _clean(doc, pymupdf)
        doc.save(out, garbage=3, deflate=True, encryption=1)  # PDF_ENCRYPT_NONE
    return {"page_count": count, "title": title, "pages": pages, "removed": removed,
            "repaired": repaired, "first_page": first_page(job)}


def first_page(job: dict[str, Any]) -> bool:
    """Page 1 of the cleaned copy, rendered here so that tablets are told of the document
    without waiting for a render worker (they may all be busy with another document). The
    same function as the render workers, from the saved clean file: the same bytes they
    would cache. A page that fails here is refused later, when a tablet asks for it."""
    wanted = job.get("first_page")
    if not wanted:
        return False
    from meetings.pdf_pages import render_page

    try:
        render_page(job["clean"], 1, int(wanted["width"]), str(wanted["path"]),
                    str(wanted["format"]))
    except Exception:  # MemoryError included: the upload itself is fine
        Path(wanted["path"]).unlink(missing_ok=True)
        return False
    return True


def main(argv: list[str]) -> int:
    job_path = Path(argv[1])
    job = json.loads(job_path.read_text())
    result_path = job_path.with_name("result.json")
    try:
        if job["mode"] == "words":
            result = read_words(job)
        elif job["mode"] == "office":
            result = check_office_zip(Path(job["input"]), job["max_unpacked"], job["max_ratio"])
        else:
            result = read_pdf(job)
    except Refusal as refusal:
        result = {"error": refusal.code, "details": refusal.details}
    except Exception as exc:  # MuPDF gives up (e.g. "exception stack overflow" on nesting)
        reason = "memory" if out_of_memory(exc) else str(exc)[:200]
        result = {"error": "too_complex", "details": {"reason": reason}}
    tmp = result_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False))
    tmp.replace(result_path)
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    # The answer is on disk: skip the interpreter's teardown (tearing down MuPDF's objects
    # took 0.05 s here while the upload waited).
    sys.stdout.flush()
    os._exit(status)
