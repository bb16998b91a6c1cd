"""`python manage.py hub_worker`: the hub's background work in one process (CONTRACT part
two; docs/operations.md "hub_worker"). The jobs are registered in hub/worker.py's registry
by the apps that own them (print queue: printers/, webhook deliveries: pos_api/)."""

from __future__ import annotations

import logging
import signal

from django.core.management.base import BaseCommand, CommandError

from hub.worker import worker_jobs, worker_pass, worker_run


class Command(BaseCommand):
    help = (
        "Run the hub's background jobs (print queue, webhook deliveries, timers) until "
        "stopped. Any number may run at once: each job claims its rows with SKIP LOCKED."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one pass of every job and exit (tests, cron)."
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="Seconds between passes of an idle job (default: each job's own, 1 s).",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=None,
            metavar="JOB",
            help="Run only this job (repeatable): " + ", ".join(j.name for j in worker_jobs()),
        )

    def handle(self, *args, once: bool = False, poll=None, only=None, **options):
        logging.getLogger("printers").setLevel(logging.INFO)
        logging.getLogger("hub.worker").setLevel(logging.INFO)
        logging.getLogger("pos_api.webhooks").setLevel(logging.INFO)
        try:
            jobs = worker_jobs(only)
        except KeyError as exc:
            known = [j.name for j in worker_jobs()]
            raise CommandError(f"No worker job {exc}; known: {known}") from None
        if once:
            done = worker_pass(jobs)
            self.stdout.write(", ".join(f"{name}: {result}" for name, result in done.items()))
            return
        names = ", ".join(job.name for job in jobs)
        self.stdout.write(f"hub worker running ({names}); Ctrl-C to stop")
        stopping = []
        # SIGTERM (systemd, docker stop) finishes the job being run, then exits
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            worker_run(jobs=jobs, poll=poll, stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            pass
        self.stdout.write("stopped")
