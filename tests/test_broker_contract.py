"""One contract for every broker: offsets strictly increasing per channel, publications
delivered in order to every process, history for recovery (bounded by size), epochs, control
messages. Runs against the in-memory broker and against Redis (its own key prefix)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from realtime.broker import Broker, Position, Publication
from realtime.broker_memory import MemoryBroker
from realtime.broker_redis import RedisBroker
from realtime.presence import MemoryPresence
from realtime.presence_redis import RedisPresence

Factory = Callable[[], Awaitable[Broker]]


class Sink:
    def __init__(self, broker: Broker) -> None:
        self.publications: list[Publication] = []
        self.controls: list[dict[str, Any]] = []
        broker.set_handlers(self.publications.append, self.controls.append)

    async def wait(self, count: int) -> None:
        for _ in range(500):
            if len(self.publications) >= count:
                return
            await asyncio.sleep(0.01)
        raise TimeoutError(f"{len(self.publications)} of {count}")


def processes(first: Broker, second: Broker) -> list[Sink]:
    """What each server process receives (the in-memory broker is one process)."""
    return [Sink(first)] if first is second else [Sink(first), Sink(second)]


@pytest.fixture(params=["memory", "redis"])
async def make_broker(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    made: list[Broker] = []
    kind = request.param
    prefix = request.getfixturevalue("redis_prefix") if kind == "redis" else ""
    url = request.getfixturevalue("redis_url") if kind == "redis" else ""
    shared_memory: list[MemoryBroker] = []

    async def make(history_size: int = 100) -> Broker:
        broker: Broker
        if kind == "memory":
            # One process: every "process" is the same broker.
            if not shared_memory:
                shared_memory.append(MemoryBroker(history_size=history_size))
            broker = shared_memory[0]
        else:
            broker = RedisBroker(url, prefix=prefix, history_size=history_size)
        await broker.start()
        made.append(broker)
        return broker

    yield make
    for broker in made:
        await broker.close()


async def test_offsets_and_frames(make_broker: Factory) -> None:
    broker = await make_broker()
    sink = Sink(broker)
    a1 = await broker.publish("meeting:1", "presentation", {"page": 1, "tên": "Đức"})
    b1 = await broker.publish("meeting:2", "presentation", {"page": 1})
    a2 = await broker.publish("meeting:1", "presentation", {"page": 2})
    assert (a1.offset, a2.offset, b1.offset) == (1, 2, 1)
    assert a1.epoch == a2.epoch
    await sink.wait(3)
    frame = json.loads(sink.publications[0].frame)
    assert frame == {"channel": "meeting:1", "offset": 1, "epoch": a1.epoch,
                     "type": "presentation", "data": {"page": 1, "tên": "Đức"}}
    assert await broker.position("meeting:1") == Position(2, a1.epoch)


async def test_every_process_sees_every_publication_in_order(make_broker: Factory) -> None:
    first, second = await make_broker(), await make_broker()
    sinks = processes(first, second)
    await asyncio.gather(*(
        (first if i % 2 else second).publish("meeting:1", "presentation", {"page": i})
        for i in range(60)
    ))
    for sink in sinks:
        await sink.wait(60)
        assert [p.offset for p in sink.publications] == list(range(1, 61))


async def test_history_recovers_exactly_or_says_it_cannot(make_broker: Factory) -> None:
    broker = await make_broker(history_size=20)
    pubs = [await broker.publish("ch", "t", {"n": i}) for i in range(10)]
    epoch = pubs[0].epoch
    missed = await broker.history("ch", Position(6, epoch))
    assert missed is not None
    assert [p.offset for p in missed] == [7, 8, 9, 10]
    assert [json.loads(p.frame)["data"]["n"] for p in missed] == [6, 7, 8, 9]
    assert await broker.history("ch", Position(10, epoch)) == []
    assert await broker.history("ch", Position(3, "another-epoch")) is None
    assert await broker.history("ch", Position(11, epoch)) is None
    for i in range(200):
        await broker.publish("ch", "t", {"n": i})
    assert await broker.history("ch", Position(6, epoch)) is None  # trimmed: snapshot
    recent = await broker.history("ch", Position(205, epoch))
    assert recent is not None and [p.offset for p in recent] == [206, 207, 208, 209, 210]


async def test_a_new_channel_has_a_stable_position(make_broker: Factory) -> None:
    broker = await make_broker()
    first = await broker.position("empty")
    assert first.offset == 0
    assert await broker.position("empty") == first
    assert await broker.history("empty", first) == []
    pub = await broker.publish("empty", "t", {})
    assert pub.offset == 1 and pub.epoch == first.epoch


async def test_control_messages_reach_every_process(make_broker: Factory) -> None:
    first, second = await make_broker(), await make_broker()
    sinks = processes(first, second)
    await first.control({"op": "close", "match": {"user_id": 5}, "code": 4100})
    for _ in range(200):
        if all(s.controls for s in sinks):
            break
        await asyncio.sleep(0.01)
    for sink in sinks:
        assert sink.controls[-1] == {"op": "close", "match": {"user_id": 5}, "code": 4100}


async def test_redis_channel_that_expired_gets_a_new_epoch(redis_url: str,
                                                           redis_prefix: str) -> None:
    broker = RedisBroker(redis_url, prefix=redis_prefix)
    await broker.start()
    old = await broker.publish("ch", "t", {})
    await broker.redis.delete(f"{redis_prefix}:ch:ch:meta", f"{redis_prefix}:ch:ch:stream")
    new = await broker.publish("ch", "t", {})
    assert new.epoch != old.epoch and new.offset == 1
    assert await broker.history("ch", Position(old.offset, old.epoch)) is None
    await broker.close()


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_presence_contract(kind: str, request: pytest.FixtureRequest) -> None:
    if kind == "memory":
        stores: list[Any] = [MemoryPresence(ttl=0.5)]
        stores.append(stores[0])
        brokers: list[RedisBroker] = []
    else:
        url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
        brokers = [RedisBroker(url, prefix=prefix), RedisBroker(url, prefix=prefix)]
        for b in brokers:
            await b.start()
        stores = [RedisPresence(b, ttl=0.5) for b in brokers]
    await stores[0].update("meeting:1", "a:1", {"user_id": 5, "mode": "follow"})
    await stores[1].update("meeting:1", "b:1", {"user_id": 6, "mode": "browse"})
    assert [e["user_id"] for e in await stores[0].list("meeting:1")] == [5, 6]
    await stores[1].update("meeting:1", "a:1", {"user_id": 5, "mode": "browse"})
    assert {e["user_id"]: e["mode"] for e in await stores[1].list("meeting:1")} == {
        5: "browse", 6: "browse"}
    await stores[0].remove("meeting:1", "b:1")
    assert [e["user_id"] for e in await stores[1].list("meeting:1")] == [5]
    await asyncio.sleep(0.6)  # not refreshed: its process is gone
    assert await stores[0].list("meeting:1") == []
    for b in brokers:
        await b.close()


async def test_sockets_of_one_identity_are_capped_across_processes(make_broker: Factory) -> None:
    first, second = await make_broker(), await make_broker()
    stale = 30.0
    # cap 3, claimed from both processes
    assert await first.claim_socket("7", "a:1", 3, stale)
    assert await second.claim_socket("7", "b:1", 3, stale)
    assert await first.claim_socket("7", "a:2", 3, stale)
    assert not await second.claim_socket("7", "b:2", 3, stale)
    assert not await first.claim_socket("7", "a:3", 3, stale)
    # a place already held is still held (claiming it again refreshes it)
    assert await first.claim_socket("7", "a:1", 3, stale)
    # another identity is not counted with them
    assert await second.claim_socket("8", "b:3", 3, stale)
    # a release, from any process, frees a place at once, for any process
    await first.release_socket("7", "b:1")
    assert await second.claim_socket("7", "b:4", 3, stale)
    assert not await first.claim_socket("7", "a:5", 3, stale)
    await first.release_socket("7", "no-such-connection")  # nothing happens


async def test_sockets_not_touched_go_stale_and_touched_ones_stay(make_broker: Factory) -> None:
    first, second = await make_broker(), await make_broker()
    stale = 0.6
    assert await first.claim_socket("7", "a:1", 2, stale)
    assert await second.claim_socket("7", "b:1", 2, stale)
    assert not await second.claim_socket("7", "b:2", 2, stale)
    for _ in range(4):  # first keeps touching a:1 (heard just now); second's process died
        await asyncio.sleep(0.25)
        await first.touch_sockets({"7": {"a:1": 0.0}}, stale)
    assert await second.claim_socket("7", "b:2", 2, stale)  # b:1 made way
    assert not await first.claim_socket("7", "a:2", 2, stale)  # a:1 did not
    # touched with the time since last heard: a silent tablet is stale although its
    # process lives, and a place dropped as stale is counted again once touched
    await first.touch_sockets({"7": {"a:1": 5.0}}, stale)
    assert await first.claim_socket("7", "a:3", 2, stale)
    await first.touch_sockets({"7": {"a:1": 0.0}}, stale)
    assert not await second.claim_socket("7", "b:3", 3, stale)


async def test_redis_socket_places_expire_with_their_cluster(redis_url: str,
                                                             redis_prefix: str) -> None:
    broker = RedisBroker(redis_url, prefix=redis_prefix)
    await broker.start()
    assert await broker.claim_socket("7", "a:1", 5, 12.0)
    key = f"{redis_prefix}:sockets:7"
    assert 0 < await broker.redis.ttl(key) <= 29
    await broker.redis.expire(key, 100)
    await broker.touch_sockets({"7": {"a:1": 0.0}}, 12.0)
    assert 0 < await broker.redis.ttl(key) <= 29
    await broker.close()
