"""Prometheus metrics of the hub (docs/operations.md "Metrics").

Two kinds:

- process metrics, counted where they happen: HTTP requests and latency per route
  (hub/request_id.py's middleware), WebSocket connections per stream kind
  (realtime/consumers.py), events recorded (hub/events/outbox.py), published and failed
  to publish (realtime/publish.py);
- database metrics, read when /metrics is scraped (`DatabaseCollector`, one query per
  family): print queue depth and oldest queued job age per printer, printers offline,
  webhook backlog per subscription, hub_worker heartbeats. They are the same whichever
  worker answers the scrape.

Several daphne workers: with `PROMETHEUS_MULTIPROC_DIR` set (the deploy kit sets it to
one directory per machine, emptied when the hub's processes start) every process writes
its counters to files there and any worker's /metrics sums them all
(prometheus-client's multiprocess mode), so a scrape through the load balancer sees the
whole machine, not the one worker nginx picked. Without it (`make run`, one process)
the process's own registry is served. WebSocket gauges use `livesum`: a worker that died
(SIGKILL, no clean-up) has its gauge files dropped at the next scrape.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or ""
CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "hub_http_requests_total",
    "HTTP requests answered, per method, URL route (the pattern, not the path) and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "hub_http_request_duration_seconds",
    "Time from the first middleware to the response, per method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WS_CONNECTIONS = Gauge(
    "hub_ws_connections",
    "Open WebSocket streams, per stream kind (orders, kitchen, expo, printers, ...).",
    ["kind"],
    multiprocess_mode="livesum",
)
WS_CONNECTS = Counter(
    "hub_ws_connects_total", "WebSocket streams accepted, per stream kind.", ["kind"]
)
EVENTS_RECORDED = Counter(
    "hub_events_recorded_total", "Outbox rows written (one per event and stream).", ["type"]
)
EVENTS_PUBLISHED = Counter(
    "hub_events_published_total", "Events handed to the channel layer successfully."
)
PUBLISH_FAILURES = Counter(
    "hub_event_publish_failures_total",
    "Events the channel layer refused or timed out on (screens got them from the outbox).",
)


def observe_http(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def ws_opened(kind: str) -> None:
    WS_CONNECTS.labels(kind).inc()
    WS_CONNECTIONS.labels(kind).inc()


def ws_closed(kind: str) -> None:
    WS_CONNECTIONS.labels(kind).dec()


def events_recorded(types: list[str]) -> None:
    for event_type in types:
        EVENTS_RECORDED.labels(event_type).inc()


class DatabaseCollector:
    """The gauges read from PostgreSQL/SQLite at scrape time (hub/selectors/operations.py)."""

    def collect(self):
        from hub.selectors.operations import (
            print_queue_by_printer,
            webhook_backlogs,
            worker_heartbeats,
        )

        now = time.time()
        depth = GaugeMetricFamily(
            "hub_print_queue_depth",
            "Print jobs waiting (queued) per printer.",
            labels=["outlet", "printer", "name"],
        )
        oldest = GaugeMetricFamily(
            "hub_print_queue_oldest_age_seconds",
            "Age of the oldest queued print job per printer (0: none waiting).",
            labels=["outlet", "printer", "name"],
        )
        offline = GaugeMetricFamily(
            "hub_printer_offline",
            "1 if the printer's last contact failed (status offline), else 0.",
            labels=["outlet", "printer", "name"],
        )
        for row in print_queue_by_printer():
            labels = [row["outlet"], str(row["printer"]), row["name"]]
            depth.add_metric(labels, row["queued"])
            age = now - row["oldest"].timestamp() if row["oldest"] else 0.0
            oldest.add_metric(labels, max(age, 0.0))
            offline.add_metric(labels, 1 if row["offline"] else 0)
        yield depth
        yield oldest
        yield offline

        backlog = GaugeMetricFamily(
            "hub_webhook_backlog",
            "Events a webhook subscription has still to receive (capped at 10000).",
            labels=["outlet", "subscription"],
        )
        for row in webhook_backlogs():
            backlog.add_metric([row["outlet"], str(row["subscription"])], row["pending"])
        yield backlog

        beat = GaugeMetricFamily(
            "hub_worker_heartbeat_age_seconds",
            "Seconds since each hub_worker process last finished a pass.",
            labels=["worker"],
        )
        for row in worker_heartbeats():
            beat.add_metric([row["name"]], max(now - row["beat_at"].timestamp(), 0.0))
        yield beat


_database_registry = CollectorRegistry(auto_describe=False)
_database_registry.register(DatabaseCollector())


def _drop_dead_processes(directory: str) -> None:
    """Live gauges of a process that is gone (a killed worker) must not count."""
    from prometheus_client import multiprocess

    pids = set()
    for path in Path(directory).glob("gauge_live*_*.db"):
        try:
            pids.add(int(path.stem.rsplit("_", 1)[1]))
        except ValueError:
            continue
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:  # alive, someone else's
            pass


def exposition() -> bytes:
    """The text of /metrics: this machine's processes, then the database's gauges."""
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        _drop_dead_processes(MULTIPROC_DIR)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_database_registry)
