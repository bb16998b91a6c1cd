"""`python manage.py print_dispatcher`: the old name of `hub_worker` (CONTRACT part two), kept
so that existing units keep working. It runs every job of hub_worker (print queue, webhook
deliveries, timers); `--once` runs one pass and reports the print queue's figures as it
always did (docs/printing.md "Delivery")."""

from __future__ import annotations

import logging

from hub.management.commands.hub_worker import Command as HubWorkerCommand
from hub.worker import worker_jobs, worker_pass
from printers import dispatcher


class Command(HubWorkerCommand):
    help = "Alias of hub_worker: the print queue and the hub's other background jobs."

    def handle(self, *args, once: bool = False, **options):
        if not once:
            return super().handle(*args, **options)
        logging.getLogger("printers").setLevel(logging.INFO)
        report = dispatcher.dispatch_once()
        worker_pass([job for job in worker_jobs() if job.name != "print_queue"])
        self.stdout.write(
            f"printed {len(report.printed)}, retrying {len(report.retrying)}, "
            f"expired {report.expired}, resent to agents {report.resent_to_agents}"
        )
