"""Operational bookkeeping: hub_worker heartbeats (hub/worker.py, read by /metrics;
docs/operations.md "Metrics")."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.utils import timezone

from hub.models import WorkerHeartbeat

HEARTBEAT_STALE_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def worker_heartbeat_touch(*, jobs: list[str], started_at: datetime) -> None:
    """This process's row: created at its first pass, its beat time moved at each."""
    WorkerHeartbeat.objects.update_or_create(
        name=worker_name(),
        defaults={
            "host": socket.gethostname()[:80],
            "pid": os.getpid(),
            "jobs": jobs,
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def worker_heartbeat_remove() -> None:
    """A worker that stops cleanly leaves no row that would look like a dead worker."""
    WorkerHeartbeat.objects.filter(name=worker_name()).delete()


def worker_heartbeats_prune(*, now: datetime | None = None) -> int:
    """Rows of workers silent for a day (killed, their machine gone)."""
    cutoff = (now or timezone.now()) - HEARTBEAT_STALE_AFTER
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    return deleted
