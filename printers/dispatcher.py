"""The print dispatcher: delivers queued jobs, retries with backoff (docs/printing.md "Delivery").

`dispatch_once()` is one pass: give up on jobs too old, resend unconfirmed
agent jobs, then claim due jobs (SKIP LOCKED) and send each to its printer,
rendering its ticket to ESC/POS right then (printers/jobs.py).
The state changes are hub/services/printing.py's; this module only does the
I/O between them, outside any transaction, so a slow or dead printer never
holds a database lock (on SQLite, a lock would stall the whole hub).

A printer that fails is skipped for the rest of the pass: its later jobs wait
behind the failed one, so tickets come out in order once it is back.

`run()` loops, waking every `poll` seconds or at once when PostgreSQL
NOTIFY says a job was queued.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

from hub.services import printing as svc

from .connections import PrinterUnavailable, deliver
from .jobs import job_rendered

log = logging.getLogger("printers.dispatcher")


@dataclass
class PassReport:
    printed: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    expired: int = 0
    resent_to_agents: int = 0

    def __bool__(self) -> bool:
        return bool(self.printed or self.retrying or self.expired or self.resent_to_agents)


def dispatch_once(*, limit: int = 50) -> PassReport:
    report = PassReport()
    report.expired = svc.print_jobs_expire()
    report.resent_to_agents = svc.print_jobs_resend_to_agents()
    jobs = svc.print_jobs_claim(limit=limit)
    failed_printers: set[int] = set()
    for job in jobs:
        printer = job.printer
        if printer.pk in failed_printers:
            continue  # already pushed back behind the failed job by print_job_mark_failed
        try:
            payload = job_rendered(job).payload
        except Exception as exc:  # a bug, not the printer: retried, then failed for staff
            log.exception("print job %s (%s) could not be rendered", job.pk, job.kind)
            failed_printers.add(printer.pk)  # its later tickets wait behind it, in order
            svc.print_job_mark_failed(
                job_id=job.pk, error=f"the ticket could not be rendered: {exc}"
            )
            report.retrying.append(job.pk)
            continue
        try:
            deliver(
                printer.connection,
                printer.address,
                payload,
                on_written=lambda job_id=job.pk: svc.print_job_mark_sent(job_id=job_id),
            )
        except PrinterUnavailable as exc:
            failed_printers.add(printer.pk)
            failed = svc.print_job_mark_failed(job_id=job.pk, error=str(exc))
            report.retrying.append(job.pk)
            log.warning(
                "print job %s to %s (%s): %s; retry in %ss",
                job.pk,
                printer.name,
                printer.connection,
                exc,
                svc.backoff_seconds(failed.attempts),
            )
            continue
        svc.print_job_mark_printed(job_id=job.pk)
        report.printed.append(job.pk)
        log.info("print job %s (%s) printed on %s", job.pk, job.kind, printer.name)
    return report


class _Waker:
    """LISTEN on PostgreSQL so a new job wakes the loop at once; a plain sleep elsewhere."""

    def __init__(self) -> None:
        self.conn = None
        if connection.vendor != "postgresql":
            return
        try:
            import psycopg

            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self.conn = psycopg.connect(**params, autocommit=True)
            self.conn.execute(f"LISTEN {svc.NOTIFY_CHANNEL}")
        except Exception:  # waking early is an optimisation; polling still works
            log.warning("LISTEN %s failed; polling only", svc.NOTIFY_CHANNEL, exc_info=True)
            self.conn = None

    def wait(self, seconds: float) -> None:
        if self.conn is None:
            time.sleep(seconds)
            return
        try:
            for _ in self.conn.notifies(timeout=seconds, stop_after=1):
                pass
        except Exception:
            log.warning("LISTEN connection lost; polling only", exc_info=True)
            self.conn = None
            time.sleep(seconds)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def run(*, poll: float = 1.0, once: bool = False, stop=None) -> None:
    """Deliver until stopped (`stop()` returning True, or Ctrl-C)."""
    waker = None if once else _Waker()
    try:
        while True:
            close_old_connections()
            try:
                report = dispatch_once()
            except Exception:  # a database hiccup must not end the dispatcher
                log.exception("dispatch pass failed; retrying")
                report = PassReport()
            if once or (stop and stop()):
                return
            if not report.printed:  # after progress, look again at once
                waker.wait(poll)
    finally:
        if waker:
            waker.close()
