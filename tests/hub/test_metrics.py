"""/metrics (hub/metrics.py, docs/operations.md "Metrics"): off by default, a scrape token
when on; the process counters, the database gauges, and several daphne workers summed
through prometheus-client's multiprocess mode."""

import asyncio
import re
import urllib.error
import urllib.request

import pytest
from django.test import override_settings

from hub.models import Printer, PrintJob
from tests.given import order_given
from tests.liveserver import HttpClient, live_servers

SCRAPE = "scrape-token-for-tests"


def _value(text: str, name: str, **labels: str) -> float | None:
    """The sample `name{labels...}` of an exposition (labels matched as a subset)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.mark.embedded
@pytest.mark.django_db
def test_metrics_are_off_unless_a_scrape_token_is_set(client):
    assert client.get("/metrics").status_code == 404
    with override_settings(HUB_METRICS_TOKEN=SCRAPE):
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {SCRAPE}").status_code == 200


@pytest.mark.embedded
@override_settings(HUB_METRICS_TOKEN=SCRAPE)
def test_the_exposition_counts_requests_events_and_reads_the_queues(client, demo):
    from django.utils import timezone

    from hub.services.operations import worker_heartbeat_touch

    def scrape() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {SCRAPE}")
        assert response.status_code == 200
        return response.content.decode()

    before = scrape()
    requests_before = _value(before, "hub_http_requests_total", route="/healthz", status="200")
    client.get("/healthz")
    client.get("/healthz")
    order_given(status="kot")  # a KOT: a queued print job on the kitchen printer, events
    printer = PrintJob.objects.filter(status=PrintJob.Status.QUEUED).first().printer
    Printer.objects.filter(pk=printer.pk).update(status=Printer.Status.OFFLINE)
    worker_heartbeat_touch(jobs=["print_queue"], started_at=timezone.now())
    text = scrape()

    assert (
        _value(text, "hub_http_requests_total", route="/healthz", status="200")
        == (requests_before or 0) + 2
    )
    assert _value(text, "hub_http_request_duration_seconds_count", route="/healthz") >= 2
    queued = PrintJob.objects.filter(printer=printer, status=PrintJob.Status.QUEUED).count()
    assert _value(text, "hub_print_queue_depth", printer=str(printer.pk)) == queued >= 1
    assert _value(text, "hub_print_queue_oldest_age_seconds", printer=str(printer.pk)) >= 0
    assert _value(text, "hub_printer_offline", printer=str(printer.pk)) == 1
    assert _value(text, "hub_worker_heartbeat_age_seconds") is not None
    assert _value(text, "hub_worker_heartbeat_age_seconds") < 60
    # recorded at commit: the test's transaction never commits, so only the family shows
    assert "hub_events_recorded_total" in text
    assert "hub_webhook_backlog" in text and "hub_ws_connections" in text


def _scrape(base: str) -> str:
    request = urllib.request.Request(
        base + "/metrics", headers={"Authorization": f"Bearer {SCRAPE}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def test_two_workers_counters_are_summed_whichever_worker_is_scraped(transactional_demo, tmp_path):
    import websockets

    from tests.realtime.conftest import token_for

    token = token_for("manager")
    with live_servers(
        name="metrics", PROMETHEUS_MULTIPROC_DIR=str(tmp_path), HUB_METRICS_TOKEN=SCRAPE
    ) as start:
        a, b = start(2)
        # wait_ready's polls of /healthz count too: start from what b reports now
        base = _value(_scrape(b.http), "hub_http_requests_total", route="/healthz", status="200")
        for _ in range(3):
            urllib.request.urlopen(a.http + "/healthz", timeout=5).read()
        for _ in range(2):
            urllib.request.urlopen(b.http + "/healthz", timeout=5).read()
        HttpClient(a.http, token).ok("GET", "/api/v1/pos/payment-methods")
        order_body = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]}
        HttpClient(a.http, token).ok("POST", "/api/v1/pos/orders", order_body)

        async def sockets_then_kill():
            async with websockets.connect(b.ws + f"/ws/v1/orders/?token={token}") as ws:
                await asyncio.wait_for(ws.recv(), 10)
                ws_a = await websockets.connect(a.ws + f"/ws/v1/kitchens/1/?token={token}")
                await asyncio.wait_for(ws_a.recv(), 10)
                both = _scrape(a.http)  # each worker sees the other's socket
                a.kill()  # SIGKILL with a socket open: no clean-up runs in it
                after_kill = _scrape(b.http)
            await asyncio.sleep(0.3)
            return both, after_kill, _scrape(b.http)

        both, after_kill, closed = asyncio.run(sockets_then_kill())
    assert _value(both, "hub_http_requests_total", route="/healthz", status="200") == base + 5
    assert _value(both, "hub_ws_connections", kind="orders") == 1
    assert _value(both, "hub_ws_connections", kind="kitchen") == 1
    # the dead worker's counters stay (totals), its open socket no longer counts
    assert _value(after_kill, "hub_http_requests_total", route="/healthz", status="200") == base + 5
    assert (_value(after_kill, "hub_ws_connections", kind="kitchen") or 0) == 0
    assert _value(after_kill, "hub_ws_connections", kind="orders") == 1
    assert _value(closed, "hub_ws_connections", kind="orders") == 0
    assert _value(closed, "hub_ws_connects_total", kind="orders") == 1
    # the order's events, recorded and handed to Redis by worker a, seen from b
    assert _value(both, "hub_events_recorded_total", type="order.created") == 1
    assert _value(both, "hub_events_published_total") >= 1
    assert (_value(both, "hub_event_publish_failures_total") or 0) == 0
