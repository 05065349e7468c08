"""The app's lifespan owns its services: they start with it, and at shutdown every background
task (vote timers, the sweeper, tablets' unregistering, renders) is awaited or cancelled
before the database goes, so nothing is left running."""

from __future__ import annotations

import asyncio
import logging

import pytest
from starlette.testclient import TestClient

from meetings.demo import DEMO_PASSWORD
from phonghop.app import create_app
from phonghop.tasks import Tasks
from tests.helpers import record_quorum


def test_shutdown_leaves_no_task_running(settings, demo) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    services = app.state.services
    with TestClient(app) as client:
        assert client.post("/api/login", json={"username": "thuky",
                                               "password": DEMO_PASSWORD}).status_code == 200
        assert client.post("/api/meetings/1/start").status_code == 200
        record_quorum(client, 1)
        opened = client.post("/api/meetings/1/votes",
                             json={"question": "Thông qua?", "seconds": 600})
        assert opened.status_code == 201, opened.text
        names = services.tasks.names()
        assert "vote-sweeper" in names
        assert any(n.startswith("vote-timer-") for n in names)
        running = client.portal.call(lambda: _tasks(services.tasks))  # type: ignore[union-attr]
    assert len(services.tasks) == 0
    assert all(task.done() for task in running)
    assert services.renderer._pool is None


async def _tasks(tasks: Tasks) -> list[asyncio.Task[object]]:
    return list(tasks._running)


def test_a_failing_background_task_is_logged_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    async def fail() -> None:
        raise RuntimeError("disk gone")

    async def run() -> int:
        tasks = Tasks()
        tasks.spawn(fail(), "index-words")
        await asyncio.sleep(0.01)
        left = len(tasks)
        await tasks.close()
        return left

    with caplog.at_level(logging.ERROR, logger="phonghop.tasks"):
        assert asyncio.run(run()) == 0
    assert "index-words" in caplog.text and "disk gone" in caplog.text


def test_after_shutdown_begins_nothing_new_starts() -> None:
    async def run() -> bool:
        tasks = Tasks()
        await tasks.close()
        ran = False

        async def late() -> None:
            nonlocal ran
            ran = True

        assert tasks.spawn(late(), "late") is None
        await asyncio.sleep(0.01)
        return ran

    assert asyncio.run(run()) is False
