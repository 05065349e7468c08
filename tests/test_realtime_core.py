"""The real-time core on its own: a client's recovery merge, the slow-consumer close, gaps
detected by the hub, close codes and malformed commands. (Brokers: test_broker_contract.)"""

from __future__ import annotations

import json

import pytest

from realtime.broker import Position
from realtime.broker_memory import MemoryBroker
from realtime.client import Client, State
from realtime.hub import Hub
from realtime.presence import MemoryPresence
from realtime.protocol import Close, ProtocolError, parse_command


class FakeWire:
    """Records what a client writes; `backlog` plays the bytes the network has not taken
    (a tablet that stopped reading)."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed_with: int | None = None
        self.backlog = 0
        self.stalled = False

    def write_text(self, data: bytes) -> None:
        if self.stalled:
            self.backlog += len(data)
        else:
            self.sent.append(data)

    def buffered(self) -> int:
        return self.backlog

    def close(self, code: int, reason: str = "") -> None:
        self.closed_with = code


async def test_live_publications_during_recovery_are_merged_once_in_order() -> None:
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    wire = FakeWire()
    client = Client(wire)
    for page in (1, 2, 3):
        await broker.publish("m", "presentation", {"page": page})
    missed = await hub.attach(client, "m", Position(1, broker.epoch))
    assert isinstance(missed, list) and [p.offset for p in missed] == [2, 3]
    # while the reply is being prepared, more happens
    await broker.publish("m", "presentation", {"page": 4})
    await broker.publish("m", "presentation", {"page": 5})
    assert wire.sent == []  # buffered, not sent ahead of the reply
    client.go_live()
    client.finish_recovery("m", 3)  # the reply carried offsets 2 and 3
    assert [json.loads(s)["offset"] for s in wire.sent] == [4, 5]
    await broker.publish("m", "presentation", {"page": 6})
    assert [json.loads(s)["offset"] for s in wire.sent] == [4, 5, 6]
    with pytest.raises(RuntimeError):
        client.go_live()  # an illegal transition is refused loudly


async def test_a_stalled_tablet_is_closed_and_does_not_hold_up_the_others() -> None:
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    stalled, healthy = FakeWire(), FakeWire()
    stalled.stalled = True
    slow, fast = Client(stalled, buffer_limit=2000), Client(healthy, buffer_limit=2000)
    for c in (slow, fast):
        await hub.attach(c, "m", None)
        c.go_live()
        c.finish_recovery("m", 0)
    for page in range(30):
        await broker.publish("m", "presentation", {"page": page})
    assert len(healthy.sent) == 30
    assert slow.state is State.CLOSED and stalled.closed_with == Close.SLOW_CONSUMER
    assert stalled.backlog <= 2000 + 200  # bounded: nothing more was written after the limit


async def test_a_gap_from_the_broker_makes_its_tablets_resync() -> None:
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    wire = FakeWire()
    client = Client(wire)
    await hub.attach(client, "m", None)
    client.go_live()
    client.finish_recovery("m", 0)
    await broker.publish("m", "t", {})
    # a publication lost on the way (as when a Redis subscription drops)
    broker._offsets["m"] += 1
    await broker.publish("m", "t", {})
    assert wire.closed_with == Close.RESYNC and Close.RESYNC.reconnect


async def test_a_new_epoch_from_the_broker_makes_its_tablets_resync() -> None:
    """The broker's history was lost and started again (a Redis restart, an expired channel):
    the next offset may even follow on, but the offsets now count another history, so the
    tablets must take a fresh snapshot rather than apply it on top of what they hold."""
    broker = MemoryBroker()
    hub = Hub(broker, MemoryPresence())
    wire = FakeWire()
    client = Client(wire)
    await hub.attach(client, "m", None)
    client.go_live()
    client.finish_recovery("m", 0)
    await broker.publish("m", "t", {})
    assert len(wire.sent) == 1
    broker.epoch = "another-history"
    await broker.publish("m", "t", {})  # offset 2: right after 1, but of another epoch
    assert len(wire.sent) == 1, "a publication of another history was applied"
    assert wire.closed_with == Close.RESYNC


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
