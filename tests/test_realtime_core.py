"""The real-time core on its own: a client's recovery merge, the slow-consumer close, gaps
detected by the hub, close codes and malformed commands. (Brokers: test_broker_contract.)"""

from __future__ import annotations

import asyncio
import json

import pytest

from realtime.broker import Position
from realtime.broker_memory import MemoryBroker
from realtime.client import Client, State
from realtime.hub import Hub
from realtime.presence import MemoryPresence
from realtime.protocol import Close, ProtocolError, parse_command


class FakeSocket:
    """Records what a client writes; `stalled` makes writes hang like a tablet that stopped
    reading with a full TCP window."""

    def __init__(self, stalled: bool = False) -> None:
        self.sent: list[str] = []
        self.closed_with: int | None = None
        self.stalled = stalled

    async def send_text(self, data: str) -> None:
        if self.stalled:
            await asyncio.Event().wait()
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = code


async def test_live_publications_during_recovery_are_merged_once_in_order() -> None:
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    sock = FakeSocket()
    client = Client(sock)
    client.start_writer()
    for page in (1, 2, 3):
        await broker.publish("m", "presentation", {"page": page})
    missed = await hub.attach(client, "m", Position(1, broker.epoch))
    assert [p.offset for p in missed] == [2, 3]
    # while the reply is being prepared, more happens
    await broker.publish("m", "presentation", {"page": 4})
    await broker.publish("m", "presentation", {"page": 5})
    client.go_live()
    client.finish_recovery("m", 3)  # the reply carried offsets 2 and 3
    await asyncio.sleep(0.05)
    assert [json.loads(s)["offset"] for s in sock.sent] == [4, 5]
    await broker.publish("m", "presentation", {"page": 6})
    await asyncio.sleep(0.05)
    assert [json.loads(s)["offset"] for s in sock.sent] == [4, 5, 6]
    await client.stop()


async def test_a_stalled_tablet_is_closed_and_does_not_hold_up_the_others() -> None:
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    stalled, healthy = FakeSocket(stalled=True), FakeSocket()
    slow, fast = Client(stalled, queue_limit=10), Client(healthy, queue_limit=10)
    for c in (slow, fast):
        c.start_writer()
        await hub.attach(c, "m", None)
        c.go_live()
        c.finish_recovery("m", 0)
    for page in range(30):
        await broker.publish("m", "presentation", {"page": page})
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)
    assert len(healthy.sent) == 30
    assert slow.state is State.CLOSED and stalled.closed_with == Close.SLOW_CONSUMER
    assert len(slow._queue) == 0  # its memory is released
    for c in (slow, fast):
        await c.stop()


def test_close_codes_say_whether_to_reconnect() -> None:
    assert Close.SLOW_CONSUMER.reconnect and Close.SHUTDOWN.reconnect
    assert not Close.UNAUTHENTICATED.reconnect and not Close.MEETING_SEALED.reconnect


@pytest.mark.parametrize(
    ("frame", "code"),
    [("nope", "bad_json"), ("[1]", "bad_frame"), ('{"id": "x", "type": "pong"}', "bad_id"),
     ('{"id": 1, "type": "drop.table"}', "unknown_type"),
     ('{"id": 1, "type": "presence", "data": [1]}', "bad_data")],
)
def test_malformed_commands_are_refused(frame: str, code: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_command(frame)
    assert err.value.code == code and err.value.vi and err.value.en
