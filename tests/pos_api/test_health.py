"""GET /healthz and /readyz (CONTRACT 1), no token."""

import pytest
from django.conf import settings


@pytest.mark.embedded
def test_healthz_answers_without_token(anon):
    response = anon.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def _probe_leftovers() -> list:
    """Messages the probe could have left queued on the channel layer."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if hasattr(layer, "channels"):  # in-memory layer
        return [
            name
            for name, queue in layer.channels.items()
            if name.startswith("readyz.") and not queue.empty()
        ]
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    return [k for k in client.scan_iter(match=f"{layer.prefix}*readyz*")]


@pytest.mark.embedded
def test_readyz_checks_database_and_channel_layer_and_leaves_nothing(db, anon):
    for _ in range(3):
        response = anon.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "checks": {"database": "ok", "channel_layer": "ok"},
        }
    assert _probe_leftovers() == []


def test_readyz_answers_503_when_the_channel_layer_is_down(db, anon, monkeypatch):
    from pos_api.views import health

    async def broken():
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(health, "_channel_round_trip", broken)
    response = anon.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "error: ConnectionError"
    assert response.json()["status"] == "unavailable"
