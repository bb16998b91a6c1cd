"""The Redis channel layer must survive an idle screen (redis/redis-py#4091).

redis-py 8 times out socket reads after 5 s by default, which is exactly how long
channels-redis blocks waiting for a message: an idle consumer's receive failed and
daphne closed every quiet WebSocket. hub/settings.py sets a longer socket timeout.
"""

import asyncio
import os

import pytest
from django.conf import settings


@pytest.mark.redis
def test_idle_receive_outlives_redis_default_socket_timeout():
    if "redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower():
        pytest.skip("REDIS_URL is not set: the in-memory layer has no sockets")
    from channels_redis.core import RedisChannelLayer

    config = dict(settings.CHANNEL_LAYERS["default"]["CONFIG"], prefix=f"idle{os.getpid()}")

    async def idle_then_receive() -> dict:
        layer = RedisChannelLayer(**config)
        channel = await layer.new_channel()

        async def send_later():
            await asyncio.sleep(7)  # longer than redis-py's 5 s default read timeout
            await layer.send(channel, {"type": "late"})

        sender = asyncio.create_task(send_later())
        message = await asyncio.wait_for(layer.receive(channel), 20)
        await sender
        await layer.flush()
        return message

    assert asyncio.run(idle_then_receive())["type"] == "late"
