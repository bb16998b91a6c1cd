"""A token idle past HUB_TOKEN_IDLE_DAYS closes a WebSocket with 4401 (CONTRACT 6,
docs/api.md "Auth and tokens"); connecting marks a token used."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@database_sync_to_async
def _token(username: str, *, idle_days: float) -> str:
    from django.utils import timezone

    from hub.models import ApiToken, Staff
    from hub.services.tokens import hash_token, token_issue

    raw = token_issue(staff=Staff.objects.get(username=username))
    then = timezone.now() - timedelta(days=idle_days)
    ApiToken.objects.filter(key_hash=hash_token(raw)).update(created_at=then, last_used_at=then)
    return raw


async def _first_output(raw: str) -> dict:
    from hub.asgi import application

    communicator = WebsocketCommunicator(application, f"/ws/v1/kitchens/1/?token={raw}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    output = await communicator.receive_output(timeout=5)
    await communicator.disconnect()
    return output


@pytest.mark.embedded
async def test_idle_token_closes_4401_and_a_recent_one_connects(ws_demo, settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.HUB_TOKEN_IDLE_DAYS = 14
    idle = await _token("chef", idle_days=15)
    recent = await _token("chef", idle_days=13)
    assert await _first_output(idle) == {"type": "websocket.close", "code": 4401}
    hello = await _first_output(recent)
    assert hello["type"] == "websocket.send" and '"hello"' in hello["text"]

    @database_sync_to_async
    def last_used():
        from django.utils import timezone

        from hub.models import ApiToken
        from hub.services.tokens import hash_token

        return timezone.now() - ApiToken.objects.get(key_hash=hash_token(recent)).last_used_at

    assert await last_used() < timedelta(minutes=1)  # the connect counted as a use
