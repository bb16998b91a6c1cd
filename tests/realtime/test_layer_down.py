"""A stream stays usable while its channel layer cannot reach Redis (CONTRACT 6,
docs/realtime.md "When Redis is down"), in-process through the whole ASGI app.

The layer here is channels-redis pointed at a port where nothing listens, so every
layer call fails as it does while Redis is down (connection refused): the handshake
must still complete, and events come from the outbox, in order, once each.
tests/reliability/test_redis_down.py does the same with a real redis-server killed and
restarted under real daphne.
"""

from __future__ import annotations

import socket

import pytest

from tests.realtime.conftest import arecord, open_stream, receive_events

pytestmark = pytest.mark.django_db(transaction=True)


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: connecting to it is refused


@pytest.fixture
def unreachable_redis_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": f"redis://127.0.0.1:{_unused_port()}/0"}],
                "prefix": "unreachable",
            },
        }
    }
    settings.HUB_STREAM_FALLBACK_SECONDS = 0.2
    settings.HUB_STREAM_TAIL_CHECK_SECONDS = 3600  # the fallback must do it, not the net


@pytest.mark.embedded
async def test_without_redis_the_handshake_completes_and_events_come_from_the_outbox(
    ws_demo, unreachable_redis_layer
):
    await arecord("kitchen.1", 1)
    screen, connected, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    assert connected  # not an exception in group_add (daphne answered HTTP 500)
    assert await screen.receive_json_from(timeout=5) == {
        "type": "hello",
        "stream": "kitchen.1",
        "seq": 1,
    }
    seqs = await arecord("kitchen.1", 3)  # publishing fails too; committed all the same
    assert [e["seq"] for e in await receive_events(screen, 3)] == seqs == [2, 3, 4]
    assert await screen.receive_nothing(timeout=0.5)  # once each
    await screen.send_json_to({"type": "ping"})
    assert await screen.receive_json_from(timeout=5) == {
        "type": "pong",
        "stream": "kitchen.1",
        "seq": 4,
    }

    resumed, connected, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=2")
    assert connected
    assert (await resumed.receive_json_from(timeout=5))["seq"] == 4  # hello
    assert [e["seq"] for e in await receive_events(resumed, 2)] == [3, 4]
    (later,) = await arecord("kitchen.1", 1)
    for communicator in (screen, resumed):
        assert (await communicator.receive_json_from(timeout=5))["seq"] == later
        await communicator.disconnect()  # group_discard fails quietly
