"""The background worker, `python manage.py hub_worker` (CONTRACT part two; docs/operations.md
"hub_worker").

One process runs every periodic job of the hub beside the ASGI workers: the print queue
(printers/), webhook deliveries (pos_api/webhooks_delivery.py), and whatever is
registered here later (the KOT acknowledgement timer). A job is a plain function that
makes one pass and returns how much it did; the loop runs each job when it is due, again
at once after a pass that did something, and otherwise sleeps until the next job is due
or a PostgreSQL NOTIFY on one of the jobs' channels wakes it.

Registering a job (in an AppConfig.ready(), so that hub/ never imports an outer layer):

    from hub.worker import worker_job_register
    worker_job_register(name="kot_ack", run=kot_ack_sweep, every=1.0)

`run` takes no arguments (keyword-only ones with defaults are fine) and returns an int or
anything truthy when it did work. It must be safe with several workers at once: claim rows
with `select_for_update(skip_locked=True)` on PostgreSQL (SQLite has one writer at a time,
so there a second worker simply waits for the first's transaction). A job that raises is
logged and run again at its next turn: one job's failure never stops the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import close_old_connections, connection
from django.utils import timezone

from hub.services.operations import worker_heartbeat_remove, worker_heartbeat_touch

log = logging.getLogger("hub.worker")
# How often a running worker moves its heartbeat row (docs/operations.md "Metrics").
HEARTBEAT_SECONDS = 5.0


@dataclass(frozen=True)
class WorkerJob:
    name: str
    run: Callable[[], object]
    every: float = 1.0  # seconds between passes while the job finds nothing to do
    notify_channel: str = ""  # PostgreSQL NOTIFY channel that wakes the loop for it


_JOBS: dict[str, WorkerJob] = {}


def worker_job_register(
    *, name: str, run: Callable[[], object], every: float = 1.0, notify_channel: str = ""
) -> WorkerJob:
    """Add (or replace, by name) one job of hub_worker."""
    job = WorkerJob(name=name, run=run, every=every, notify_channel=notify_channel)
    _JOBS[name] = job
    return job


def worker_jobs(names: Iterable[str] | None = None) -> list[WorkerJob]:
    """The registered jobs in registration order; `names` keeps only those (unknown: KeyError)."""
    if names is None:
        return list(_JOBS.values())
    return [_JOBS[name] for name in names]


class Waker:
    """LISTEN on PostgreSQL so a NOTIFY (sent at COMMIT) wakes the loop at once; a plain
    sleep on other databases, where the next poll finds the work."""

    def __init__(self, channels: Iterable[str]) -> None:
        self.conn = None
        channels = sorted({c for c in channels if c})
        if connection.vendor != "postgresql" or not channels:
            return
        try:
            import psycopg

            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self.conn = psycopg.connect(**params, autocommit=True)
            for channel in channels:
                self.conn.execute(f"LISTEN {channel}")
        except Exception:  # waking early is an optimisation; polling still works
            log.warning("LISTEN %s failed; polling only", channels, exc_info=True)
            self.conn = None

    def wait(self, seconds: float) -> set[str]:
        """Sleep up to `seconds`; the channels that were notified meanwhile."""
        if seconds <= 0:
            return set()
        if self.conn is None:
            time.sleep(seconds)
            return set()
        try:
            return {n.channel for n in self.conn.notifies(timeout=seconds, stop_after=1)}
        except Exception:
            log.warning("LISTEN connection lost; polling only", exc_info=True)
            self.conn = None
            time.sleep(seconds)
            return set()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def worker_pass(jobs: Iterable[WorkerJob]) -> dict[str, object]:
    """Run each job once; {name: what it returned (None if it raised)}."""
    done: dict[str, object] = {}
    for job in jobs:
        try:
            done[job.name] = job.run()
        except Exception:  # a database hiccup or a bug in one job must not stop the others
            log.exception("worker job %s failed; it runs again at its next turn", job.name)
            done[job.name] = None
    return done


def worker_run(
    *,
    jobs: list[WorkerJob] | None = None,
    stop: Callable[[], bool] | None = None,
    poll: float | None = None,
) -> None:
    """Run `jobs` (default: every registered one) until `stop()` is true or Ctrl-C.

    `poll` overrides the `every` of the jobs that poll within seconds (the print_dispatcher
    alias's `--poll`), not of hourly ones such as the housekeeping prunes.
    """
    jobs = worker_jobs() if jobs is None else jobs
    waker = Waker(job.notify_channel for job in jobs)
    due = dict.fromkeys((job.name for job in jobs), 0.0)
    started_at = timezone.now()
    next_beat = 0.0
    try:
        while True:
            close_old_connections()  # a connection the database dropped is not reused
            now = time.monotonic()
            ready = [job for job in jobs if due[job.name] <= now]
            for job, result in zip(ready, worker_pass(ready).values(), strict=True):
                # after progress look again at once; idle (or failed): wait its interval
                every = poll if poll is not None and job.every < 60 else job.every
                due[job.name] = time.monotonic() + (0 if result else every)
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
                _heartbeat(jobs, started_at)
            if stop and stop():
                return
            if not jobs:
                waker.wait(poll or 1.0)
                continue
            woken = waker.wait(min(due.values()) - time.monotonic())
            for job in jobs:
                if job.notify_channel and job.notify_channel in woken:
                    due[job.name] = 0.0
    finally:
        waker.close()
        try:
            worker_heartbeat_remove()
        except Exception:  # stopping anyway; the row goes stale and is pruned
            log.debug("heartbeat row not removed", exc_info=True)


def _heartbeat(jobs: list[WorkerJob], started_at) -> None:
    """Tell /metrics this worker is alive (hub_worker_heartbeat_age_seconds)."""
    try:
        worker_heartbeat_touch(jobs=[job.name for job in jobs], started_at=started_at)
    except Exception:  # the jobs matter more than the heartbeat; an alert will show it
        log.warning("worker heartbeat failed", exc_info=True)
