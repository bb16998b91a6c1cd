"""realtime.publish: after commit only, in order, never raising, one Redis connection.

docs/realtime.md "Publishing"; bench/publish_cost.py measures the same on Redis.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from django.db import transaction

from realtime import publish
from tests.realtime.conftest import record_availability


class RecordingLayer:
    """A stand-in channel layer (not in-memory, so it goes through the publisher thread)."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict, str]] = []
        self.fail = fail

    async def group_send(self, group, message):
        if self.fail:
            raise ConnectionError("redis is down")
        await asyncio.sleep(0)
        self.sent.append((group, message, threading.current_thread().name))


@pytest.fixture
def recording_layer(monkeypatch):
    layer = RecordingLayer()
    monkeypatch.setattr(publish, "get_channel_layer", lambda: layer)
    return layer


@pytest.mark.embedded
def test_events_are_published_after_commit_in_order_from_one_thread(
    transactional_demo, recording_layer
):
    seqs = record_availability("kitchen.1", 30)
    assert publish.flush(timeout=5)
    assert [m["event"]["seq"] for _, m, _ in recording_layer.sent] == seqs == list(range(1, 31))
    assert {g for g, _, _ in recording_layer.sent} == {"stream.kitchen.1"}
    assert {t for _, _, t in recording_layer.sent} == {"hub-publisher"}
    group, message, _ = recording_layer.sent[0]
    assert message["type"] == "hub.event"
    assert set(message["event"]) == {"type", "stream", "seq", "at", "data"}


@pytest.mark.embedded
def test_a_rolled_back_change_publishes_nothing(transactional_demo, recording_layer):
    from hub.events import record_event
    from hub.models import Event

    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(
            outlet=1,
            streams=["kitchen.1"],
            type="menu.item_availability",
            data={"menu_item_id": 1, "name": "Veg Samosa", "kitchen_id": 1, "is_available": False},
        )
        raise RuntimeError("the change failed")
    assert publish.flush(timeout=5)
    assert recording_layer.sent == []
    assert not Event.objects.filter(stream="kitchen.1").exists()


def test_publishing_never_raises_into_the_committed_change(transactional_demo, monkeypatch, caplog):
    layer = RecordingLayer(fail=True)
    monkeypatch.setattr(publish, "get_channel_layer", lambda: layer)
    with caplog.at_level(logging.WARNING, logger="realtime.publish"):
        seqs = record_availability("kitchen.2", 2)  # does not raise
        assert publish.flush(timeout=5)
    assert seqs == [1, 2]
    # one line for the outage, not one per batch (with Redis down every batch fails)
    assert caplog.text.count("clients get them from the outbox") == 1
    # and the process's connection watch is told to feed its screens from the outbox
    assert publish.publisher_failing()
    caplog.clear()
    layer.fail = False
    with caplog.at_level(logging.WARNING, logger="realtime.publish"):
        record_availability("kitchen.2", 1)
        assert publish.flush(timeout=5)
    assert not publish.publisher_failing()
    assert "publishing works again; 2 events went by the outbox only" in caplog.text


def test_one_publisher_per_layer_reused_across_publishes(recording_layer):
    first = publish.publisher_for(recording_layer)
    assert publish.publisher_for(recording_layer) is first
    other = RecordingLayer()
    second = publish.publisher_for(other)
    assert second is not first and not first.thread.is_alive()


@pytest.mark.redis
def test_on_redis_many_publishes_use_one_connection(transactional_demo, settings):
    """The cost channels-redis #100/#125 describe: async_to_sync per publish opens a
    connection each time; the publisher thread opens one for the whole process."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL); CI runs it there")
    from bench.publish_cost import ConnectCounter, _drain, _join, _layer

    receiver = _layer(capacity=100)
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {**settings.CHANNEL_LAYERS["default"]["CONFIG"], "prefix": receiver.prefix},
        }
    }
    channel = asyncio.run(_join(receiver, "stream.kitchen.1"))
    counter = ConnectCounter()
    try:
        record_availability("kitchen.1", 25)
        assert publish.flush(timeout=10)
        opened = counter.take()
    finally:
        counter.restore()
    received = asyncio.run(_drain(receiver, channel, 25))
    assert received == 25
    assert opened <= 1
