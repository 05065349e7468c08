"""The upload pipeline, a service of the running server.

An upload's answer never waits on a slow file beyond a bound: the route stores the bytes
(`{data_dir}/uploads/{id}.upload`, synced) and records the upload (`meetings.documents.intake`),
then the file is read in the background (a task of `services.tasks`): checked, converted and
cleaned in child processes (`meetings.documents.ingest`), a bounded number at once. Each stage
is recorded and told to the staff channel (`upload.status`). The answer waits for the outcome
at most `PHONGHOP_UPLOAD_WAIT_SECONDS` (less if the client's `Prefer: wait=N` says so, none with
`Prefer: respond-async`): read by then, it is the document (201) or the refusal, as ever;
else 202 with the upload, followed on the staff channel and at `GET /api/uploads/{id}`.

Page 1 of the cleaned copy goes into the page cache before tablets hear of the document; the
other pages render in the background with progress for the secretary; then the words of every
page are indexed for search, and only then is the upload `ready`. While it reads, this process
beats for its uploads (`intake.BEAT`): one whose process died shows as interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.from_thread
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from meetings import preparation
from meetings.accounts import Actor
from meetings.annotations import carry
from meetings.documents import intake, library
from meetings.documents.ingest import FirstPage, Ingested, extract_words, ingest, server_failure
from meetings.documents.library import current_version
from meetings.documents.pages import DEFAULT_FORMAT
from meetings.errors import NO_SPACE, DomainError, storage_full
from meetings.events import STAFF, Event
from meetings.models import Document, Upload
from meetings.views import document_view
from phonghop.rendering import Progress
from phonghop.responses import STATUS, UploadForm

if TYPE_CHECKING:
    from phonghop.services import Services

PRERENDER_WIDTH = 1280
THUMBNAIL_WIDTH = 160
# Page 1 as tablets first ask for it, rendered by the child that reads the upload.
FIRST_PAGE = FirstPage(PRERENDER_WIDTH, DEFAULT_FORMAT)
KEEP_OUTCOME = 60.0  # seconds a finished upload's outcome stays for an answer still waiting
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """Where an upload goes: a new document at the end of an item, or a new version."""

    meeting_id: int
    item_id: int | None = None
    document_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """How an upload ended: what the old answer was (the document, or the refusal)."""

    body: dict[str, Any] | None = None
    error: DomainError | None = None


def preferred_wait(request: Request, limit: float) -> float:
    """Seconds the client will wait for the outcome (RFC 7240 `Prefer`): `respond-async` is
    none, `wait=N` at most N; never more than the server's `limit`."""
    prefer = request.headers.get("prefer", "").lower()
    if re.search(r"(^|[,;\s])respond-async($|[,;\s])", prefer):
        return 0.0
    asked = re.search(r"(^|[,;\s])wait\s*=\s*(\d+(\.\d+)?)", prefer)
    return min(limit, float(asked.group(2))) if asked else limit


class Uploads:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._outcomes: dict[int, asyncio.Future[Outcome]] = {}
        # Uploads read at once (the others wait here, in the event loop, not in a thread).
        self._queue = asyncio.Semaphore(max(1, services.settings.ingest_concurrency))

    @property
    def reader(self) -> str:
        """This process, as its uploads name it: on one host, one process listens on a port."""
        return f"{socket.gethostname()}:{self.services.settings.port}"

    @property
    def folder(self) -> Path:
        return self.services.settings.data_dir / "uploads"

    # --- reading an upload in the background ------------------------------------------

    async def receive(self, actor: Actor, form: UploadForm, target: Target) -> int:
        """Record the upload and store its bytes, then read it in the background; the
        upload's id. Raises when the bytes cannot be stored (507 when the disk is full)."""
        services = self.services
        upload, events = await services.write(lambda s: intake.receive(
            s, actor, target.meeting_id, item_id=target.item_id,
            document_id=target.document_id, filename=library.safe_filename(form.filename),
            title=form.title, size=len(form.data), reader=self.reader))
        upload_id = upload.id or 0
        try:
            stored = await run_in_threadpool(self._store, upload_id, form.data)
        except DomainError as error:
            await self._end(upload_id, error)
            raise
        await services.publish(events)
        self._outcomes[upload_id] = asyncio.get_running_loop().create_future()
        services.tasks.spawn(self._read(upload_id, actor, target, stored, form.filename,
                                        form.title, form.password), f"upload-{upload_id}")
        return upload_id

    def _store(self, upload_id: int, data: bytes) -> Path:
        """The bytes on disk, whole and synced, or nothing (and a refusal)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = self.folder / f"{upload_id}.part"
        done = part.with_suffix(".upload")
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            part.replace(done)
        except OSError as exc:
            part.unlink(missing_ok=True)
            if exc.errno in NO_SPACE:
                log.error("storage_full: no space to store upload %s in %s", upload_id,
                          self.folder)
                raise storage_full() from exc
            raise server_failure("ingest_unavailable", f"upload {upload_id} cannot be "
                                 f"stored in {self.folder}: {exc}", reason="store") from exc
        return done

    async def _read(self, upload_id: int, actor: Actor, target: Target, stored: Path,
                    filename: str, title: str, password: str) -> None:
        outcome = Outcome(error=intake.interrupted())  # if this task is cancelled
        try:
            async with self._queue:
                ingested = await run_in_threadpool(self._ingest, upload_id, stored, filename,
                                                   password)
            body = await self._attach(upload_id, actor, target, filename, title, ingested)
            outcome = Outcome(body=body)
        except DomainError as error:
            outcome = Outcome(error=error)
        except Exception:  # a fault of ours: the upload must not stay "reading" for ever
            log.exception("reading upload %s failed", upload_id)
            outcome = Outcome(error=server_failure(
                "ingest_unavailable", f"reading upload {upload_id} failed", reason="server"))
        finally:
            await run_in_threadpool(lambda: stored.unlink(missing_ok=True))
            if outcome.error is not None:
                try:
                    await self._end(upload_id, outcome.error)
                except Exception:
                    log.exception("upload %s: its refusal could not be recorded", upload_id)
            future = self._outcomes[upload_id]
            future.set_result(outcome)
            asyncio.get_running_loop().call_later(KEEP_OUTCOME, self._outcomes.pop, upload_id,
                                                  None)

    def _ingest(self, upload_id: int, stored: Path, filename: str, password: str) -> Ingested:
        """In a worker thread: read the stored file, telling each stage as it starts."""
        services = self.services

        def told(stage: str) -> None:
            anyio.from_thread.run(self._advance, upload_id, stage)

        data = stored.read_bytes()
        with services.ingest_slots:
            return ingest(data, filename, services.limits, password=password,
                          scratch=services.settings.data_dir / "tmp", first_page=FIRST_PAGE,
                          stored=stored, on_stage=told)

    async def _advance(self, upload_id: int, stage: str, document_id: int | None = None) -> None:
        _, events = await self.services.write(
            lambda s: intake.advance(s, upload_id, stage, document_id=document_id))
        await self.services.publish(events)

    async def _end(self, upload_id: int, error: DomainError) -> None:
        _, events = await self.services.write(lambda s: intake.refuse(s, upload_id, error))
        await self.services.publish(events)

    async def _attach(self, upload_id: int, actor: Actor, target: Target, filename: str,
                      title: str, ingested: Ingested) -> dict[str, Any]:
        """The read file becomes a document (or a version) of the meeting; tablets hear of
        it once its page 1 is cached; the answer's body once its words are indexed."""
        services = self.services

        def attach(session: Any) -> tuple[Document, str, dict[str, Any], list[Event]]:
            body: dict[str, Any] = {}
            if target.document_id is None:
                assert target.item_id is not None
                document, events = preparation.accept_document(
                    session, services.blobs, actor, target.meeting_id, target.item_id,
                    filename=filename, ingested=ingested, title=title)
                sha256 = current_version(session, document.id or 0).sha256
            else:
                version, events = library.replace_document(
                    session, services.blobs, actor, target.document_id, filename=filename,
                    ingested=ingested)
                found = session.get(Document, target.document_id)
                assert found is not None
                document, sha256 = found, version.sha256
                body["version"] = library.version_view(version)
            body["document"] = document_view(document)
            _, said = intake.advance(session, upload_id, intake.INDEXING,
                                     document_id=document.id)
            return document, sha256, body, said + events

        document, sha256, body, events = await services.write(attach)
        said, announced = events[:1], events[1:]
        # The tablets' news first, then the secretary's (the document is in the meeting).
        await self.announce(document, sha256, ingested.first_page, announced + said)
        await self._advance(upload_id, intake.READY)
        return body

    # --- answering --------------------------------------------------------------------

    async def answer(self, request: Request, upload_id: int) -> JSONResponse:
        """The upload's answer: its outcome if it comes within the wait (201 and the
        document, or the refusal with its status), else 202 and where to follow it."""
        wait = preferred_wait(request, self.services.settings.upload_wait_seconds)
        future = self._outcomes.get(upload_id)
        outcome = None
        if future is not None:
            try:
                outcome = await asyncio.wait_for(asyncio.shield(future), wait)
            except TimeoutError:
                outcome = None
        view = await self.services.read(lambda s: intake.view(self._row(s, upload_id)))
        if outcome is not None and outcome.error is not None:
            return JSONResponse(outcome.error.as_dict() | {"upload": view},
                                status_code=STATUS[outcome.error.kind])
        if outcome is not None and outcome.body is not None:
            return JSONResponse(outcome.body | {"upload": view}, status_code=201)
        headers = {"Location": f"/api/uploads/{upload_id}"}
        if wait == 0:
            headers["Preference-Applied"] = "respond-async"
        return JSONResponse({"upload": view}, status_code=202, headers=headers)

    @staticmethod
    def _row(session: Session, upload_id: int) -> Upload:
        upload = session.get(Upload, upload_id)
        assert upload is not None
        return upload

    # --- with the server ----------------------------------------------------------------

    async def start(self) -> None:
        """Uploads whose process stopped are recorded as interrupted, their stored bytes
        deleted; then this process beats for the uploads it reads."""
        self._queue = asyncio.Semaphore(max(1, self.services.settings.ingest_concurrency))
        alive, events = await self.services.write(partial(intake.recover, reader=self.reader))
        await self.services.publish(events)
        await run_in_threadpool(self._forget_stored, set(alive))
        self.services.tasks.spawn(self._beat(), "upload-beat", timer=True)
        # A version whose annotations were not carried over before the server stopped.
        for document_id, sha256 in await self.services.read(carry.stale_documents):
            self.services.tasks.spawn(self.index_words(sha256, document_id),
                                      f"carry-over-{document_id}")

    def _forget_stored(self, alive: set[int]) -> None:
        """The stored bytes of every upload no process is reading any more."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if not (path.stem.isdigit() and int(path.stem) in alive):
                    path.unlink(missing_ok=True)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(intake.BEAT.total_seconds())
            reading = [i for i, future in self._outcomes.items() if not future.done()]
            if reading:
                try:
                    await self.services.write(partial(intake.beat, upload_ids=reading))
                except Exception as exc:  # the database is down: the next beat may pass
                    log.warning("upload beat failed: %s", exc)

    # --- the synchronous reader (opinion forms) and what follows a read --------------

    async def read(self, form: UploadForm, *, first_page: bool = True) -> Ingested:
        """Check, convert and clean an upload in child processes, answering when done; the
        child renders page 1 of the clean copy too, unless told no tablet will show it."""
        services = self.services
        scratch = services.settings.data_dir / "tmp"
        limits = services.limits

        def run() -> Ingested:
            with services.ingest_slots:  # a bounded number of uploads read at once
                return ingest(form.data, form.filename, limits, password=form.password,
                              scratch=scratch, first_page=FIRST_PAGE if first_page else None)

        return await run_in_threadpool(run)

    async def announce(self, document: Document, pdf_sha256: str, first_page: bytes | None,
                       events: list[Event]) -> None:
        """Tablets hear of a document (or its new version: `events`) once its first page is
        in the cache; the rest renders in the background, with progress (pages ready / total)
        for the secretary. Then its words are indexed for search, and the annotations on
        the document's older versions carried over to it."""
        await self._first_page(pdf_sha256, first_page)
        await self.services.publish(events)
        self._prerender(document, pdf_sha256)
        await self.index_words(pdf_sha256, document.id)

    async def _first_page(self, sha256: str, image: bytes | None) -> None:
        """Page 1 in the cache: the image the ingest child rendered, or else (it could not) a
        render worker's."""
        renderer = self.services.renderer
        if image is not None:
            await run_in_threadpool(renderer.keep, sha256, 1, FIRST_PAGE.width,
                                    FIRST_PAGE.format, image)
        try:
            await renderer.page_image(sha256, 1, FIRST_PAGE.width, FIRST_PAGE.format)
        except DomainError:
            pass  # shown as a refusal when a tablet asks for it

    def _progress(self, document: Document, sha256: str) -> Progress:
        async def report(ready: int, total: int) -> None:
            await self.services.publish([Event(document.meeting_id, "document.progress", {
                "document_id": document.id, "sha256": sha256, "ready": ready, "total": total,
            }, audience=STAFF)])

        return report

    def _prerender(self, document: Document, sha256: str) -> None:
        pages = range(1, document.page_count + 1)
        renderer = self.services.renderer
        renderer.prerender(sha256, pages, PRERENDER_WIDTH, self._progress(document, sha256))
        renderer.prerender(sha256, pages, THUMBNAIL_WIDTH)

    async def index_words(self, pdf_sha256: str, document_id: int | None = None) -> None:
        """The words of every page stored; in the same transaction, the annotations on the
        document's older versions carried over (they need the new words: the version is
        shown before its words are read, so tablets never wait for them)."""
        services = self.services
        scratch = services.settings.data_dir / "tmp"
        limits = services.limits

        def read() -> list[dict[str, Any]]:
            with services.ingest_slots:
                return extract_words(services.blobs.path(pdf_sha256), limits, scratch=scratch)

        pages: list[dict[str, Any]] | None
        try:
            pages = await run_in_threadpool(read)
        except DomainError:
            # Shown and rendered, but not searchable: its text is beyond the limits. Its
            # annotations are still carried over: what needs its text comes out unplaced.
            pages = None

        def store(session: Session) -> list[Event]:
            if pages is not None:
                library.store_pages(session, pdf_sha256, pages)
            if document_id is None:
                return []
            return carry.carry_to_current(session, document_id, pdf_sha256)

        await services.publish(await services.write(store))

