"""Importing archival packages into this server (`POST /api/archive/import`, `phonghop archive
import`): the package read and checked off the event loop, its documents' words read as
uploads' are, then every meeting recreated in one transaction (`meetings.archive_import`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from meetings import archive_import
from meetings.accounts import Actor
from meetings.admin.users import require_admin
from phonghop.services import Services


async def import_package(services: Services, actor: Actor, data: bytes) -> list[int]:
    """The new ids of the package's meetings; raises DomainError, having written nothing,
    when anything in it is off or it is here already."""
    require_admin(actor)
    roots = services.keys.trust_roots()
    meetings = await run_in_threadpool(archive_import.read, data, roots, services.limits)
    await services.read(lambda s: archive_import.ensure_new(s, meetings))

    def words() -> None:
        with services.ingest_slots:
            archive_import.read_words(meetings, services.limits,
                                      services.settings.data_dir / "tmp")

    await run_in_threadpool(words)
    fresh = archive_import.new_files(services.blobs, meetings)
    try:
        return await services.write(
            lambda s: archive_import.restore(s, services.blobs, actor, meetings))
    except BaseException:
        archive_import.forget(services.blobs, fresh)  # never a half import
        raise
