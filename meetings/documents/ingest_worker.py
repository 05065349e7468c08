"""The child process that reads untrusted files:
`python -m meetings.documents.ingest_worker JOB.json`.

It runs under resource limits set by its parent (`meetings.documents.ingest`): address space and CPU
time. A file built to exhaust memory or time kills this process only. It writes its answer to
`result.json` beside the job: either {"error": code, ...} for a refusal it recognised, or what
it found (pages, sizes, words) with the cleaned PDF written to `clean.pdf` and, when the job
asks, page 1 of that cleaned PDF rendered as an image.

Whose fault a failure is, the parent tells from two signs. Once this process has read its job
and loaded its PDF library, and before it opens the file, it writes `reading` beside the job:
a child that dies without it could not start (the server's fault: a wrong path, a limit too
low for the interpreter, a broken install); one that dies after it died on the file. A child
that read the file but cannot write its answer exits with ANSWER_UNWRITTEN (the scratch
folder's fault, not the file's), and one that finds no space left to write (the cleaned copy,
its answer) exits with DISK_FULL: the server's disk is full, which is nobody's file's fault.

Refusal codes only; the bilingual messages live in `meetings.documents.ingest`.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

READING = "reading"  # written beside the job once it is read, before the file is opened
ANSWER_UNWRITTEN = 74  # exit status: the file was read, but result.json could not be written
DISK_FULL = 75  # exit status: the disk (or quota) is full

class Refusal(Exception):
    """A file refused, with a code and details for the person (never the reader's own
    words: they may name a server path) and a note for the server's log."""

    def __init__(self, code: str, note: str = "", **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.note = note
        self.details = details


# How MuPDF (and the libraries inside it), the C library and Python say that memory ran out
# under our address-space limit: each allocator has its own words ("malloc (N bytes) failed",
# "realloc (N bytes) failed", "calloc (N x M bytes) failed", libjpeg's "Insufficient memory",
# OpenJPEG's "Not enough memory", jbig2dec's "failed to allocate", strerror(ENOMEM)'s "Cannot
# allocate memory"...). Seen here under tight limits; a file that runs the reader out of
# memory is too complex, not damaged.
MEMORY_WORDS = ("malloc", "calloc", "realloc", "out of memory", "cannot allocate",
                "failed to allocate", "insufficient memory", "not enough memory",
                "allocation fail", "memory error", "memoryerror", "bad_alloc")


def out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    text = str(exc).lower()
    return any(word in text for word in MEMORY_WORDS)


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


def page_words(doc: Any) -> list[dict[str, Any]]:
    """Each page's size and words, with boxes as fractions of the page as it is shown (a
    /Rotate page turned: MuPDF gives the words on the unturned page)."""
    import pymupdf  # without its layout add-ons: see meetings/__init__.py

    pages = []
    for page in doc.pages():
        w, h = page.rect.width, page.rect.height
        turn = page.rotation_matrix
        words = []
        for x0, y0, x1, y1, t, *_ in page.get_text("words", sort=True):
            box = pymupdf.Rect(x0, y0, x1, y1) * turn if page.rotation else (x0, y0, x1, y1)
            words.append([round(box[0] / w, 4), round(box[1] / h, 4), round(box[2] / w, 4),
                          round(box[3] / h, 4), t])
        pages.append({"width": round(w, 2), "height": round(h, 2), "words": words})
    return pages


def read_words(job: dict[str, Any]) -> dict[str, Any]:
    import pymupdf  # without its layout add-ons: see meetings/__init__.py
    pymupdf.TOOLS.mupdf_display_errors(False)
    with pymupdf.open(job["input"], filetype="pdf") as doc:
        return {"pages": page_words(doc)}


def _unreadable(exc: Exception) -> Exception:
    """What a failure of MuPDF on the file means: memory ran out (too complex), or the file
    is damaged."""
    if out_of_memory(exc):
        return MemoryError()
    return Refusal("broken_pdf", note=str(exc)[:300], reason="unreadable")


def read_pdf(job: dict[str, Any]) -> dict[str, Any]:
    import pymupdf  # without its layout add-ons: see meetings/__init__.py

    from meetings.documents import cleaning

    pymupdf.TOOLS.mupdf_display_errors(False)
    src, out = Path(job["input"]), Path(job["clean"])
    try:
        doc = pymupdf.open(src, filetype="pdf")
    except Exception as exc:
        raise _unreadable(exc) from None
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
                raise Refusal("broken_pdf", reason="empty_page", page=page.number + 1)
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
            repaired_empty = doc.is_repaired and not any(
                doc.load_page(i).read_contents().strip() for i in range(min(count, 20)))
        except Exception as exc:
            raise _unreadable(exc) from None
        if repaired_empty:
            # MuPDF rebuilt a damaged file and found nothing to show: truncated or broken.
            raise Refusal("broken_pdf", reason="no_content")
        pages = page_words(doc) if job.get("words", True) else []
        title = ((doc.metadata or {}).get("title") or "").strip()
        repaired = bool(doc.is_repaired)
        before = cleaning.inventory(doc)
        cleaning.strip(doc)
        doc.save(out, garbage=3, deflate=True, encryption=1)  # PDF_ENCRYPT_NONE
    # What was removed is what the saved copy, read back, no longer holds.
    with pymupdf.open(out, filetype="pdf") as saved:
        left = cleaning.inventory(saved)
    if any(left.values()):
        raise Refusal("active_content", note=f"left after cleaning: {left}")
    removed = {kind: before[kind] - left[kind] for kind in cleaning.KINDS}
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
    from meetings.documents.pages import render_page

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
    if job["mode"] != "office":
        # Loaded before the file is touched: failing to load it is not the file's fault.
        import pymupdf  # noqa: F401  (without its layout add-ons: see meetings/__init__.py)
    job_path.with_name(READING).touch()
    try:
        if job["mode"] == "words":
            result = read_words(job)
        elif job["mode"] == "office":
            result = check_office_zip(Path(job["input"]), job["max_unpacked"], job["max_ratio"])
        else:
            result = read_pdf(job)
    except Refusal as refusal:
        result = {"error": refusal.code, "details": refusal.details, "note": refusal.note}
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        result = {"error": "too_complex", "note": str(exc)[:300],
                  "details": {"reason": "memory" if out_of_memory(exc) else "reader"}}
    except Exception as exc:  # MuPDF gives up (e.g. "exception stack overflow" on nesting)
        result = {"error": "too_complex", "note": str(exc)[:300],
                  "details": {"reason": "memory" if out_of_memory(exc) else "reader"}}
    tmp = result_path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(result, ensure_ascii=False))
        tmp.replace(result_path)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        try:
            print(f"cannot write the answer {result_path}: {exc}", file=sys.stderr)
        except OSError:
            pass
        return ANSWER_UNWRITTEN
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    # The answer is on disk: skip the interpreter's teardown (tearing down MuPDF's objects
    # took 0.05 s here while the upload waited).
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # stderr is a file in the scratch folder, which may be full
        pass
    os._exit(status)
