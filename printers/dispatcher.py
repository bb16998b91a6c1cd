"""The print dispatcher: delivers queued jobs, retries with backoff (docs/printing.md "Delivery").

`dispatch_once()` is one pass: give up on jobs too old, resend unconfirmed
agent jobs, then claim due jobs (SKIP LOCKED) and send each to its printer,
rendering its ticket to ESC/POS right then (printers/jobs.py).
The state changes are hub/services/printing.py's; this module only does the
I/O between them, outside any transaction, so a slow or dead printer never
holds a database lock (on SQLite, a lock would stall the whole hub).

A printer that fails is skipped for the rest of the pass: its later jobs wait
behind the failed one, so tickets come out in order once it is back.

`print_queue_pass()` is the print queue's job in `python manage.py hub_worker`
(hub/worker.py), which loops, waking every second or at once when PostgreSQL
NOTIFY says a job was queued; `run()` runs that job alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from hub.services import printing as svc
from hub.worker import WorkerJob, worker_pass, worker_run

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


def print_queue_pass() -> int:
    """hub_worker's print-queue job: one dispatch pass; how many jobs it moved (printed,
    retried, expired, resent), so the worker looks again at once after progress."""
    report = dispatch_once()
    return len(report.printed) + report.expired + report.resent_to_agents


def print_queue_job() -> WorkerJob:
    return WorkerJob(
        name="print_queue", run=print_queue_pass, every=1.0, notify_channel=svc.NOTIFY_CHANNEL
    )


def run(*, poll: float = 1.0, once: bool = False, stop=None) -> None:
    """Deliver print jobs alone until stopped (`stop()` returning True, or Ctrl-C); the
    hub_worker command runs the same job beside the others (hub/worker.py)."""
    if once:
        worker_pass([print_queue_job()])
        return
    worker_run(jobs=[print_queue_job()], poll=poll, stop=stop)
