"""Liveness and readiness probes (CONTRACT section 1, docs/operations.md), no auth.

`/readyz` proves the database answers a query and the channel layer carries a
message: it sends one to a fresh channel of its own and reads it back, so the
probe leaves nothing queued behind (a load balancer polls it every few seconds).
"""

import asyncio
import hmac
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse

from hub import metrics as hub_metrics

CHANNEL_PROBE_TIMEOUT_SECONDS = 2.0


def healthz(request):
    return JsonResponse({"status": "ok"})


async def _channel_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    # A general channel (no "!"), not new_channel(): channels-redis lets one receive at a
    # time read a worker's process-local channels, and its open WebSockets hold that turn
    # (blocking on their own key), so a process-local probe timed out on every worker
    # with screens connected.
    channel = f"readyz.{uuid.uuid4().hex}"
    await layer.send(channel, {"type": "readyz.probe"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=CHANNEL_PROBE_TIMEOUT_SECONDS)
    if message.get("type") != "readyz.probe":
        raise RuntimeError("channel layer returned another message")


def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, never raises
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        async_to_sync(_channel_round_trip)()
        checks["channel_layer"] = "ok"
    except Exception as exc:
        checks["channel_layer"] = f"error: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def metrics(request):
    """/metrics for Prometheus (docs/operations.md "Metrics"): 404 unless HUB_METRICS_TOKEN
    is set, then only with `Authorization: Bearer <that token>` (the scraper's
    `authorization` setting). Not an API token: a scraper is not a staff member."""
    expected = settings.HUB_METRICS_TOKEN
    if not expected:
        return HttpResponse(status=404)
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        response = HttpResponse("metrics need the scrape token\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(hub_metrics.exposition(), content_type=hub_metrics.CONTENT_TYPE)
