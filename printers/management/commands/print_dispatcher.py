"""`python manage.py print_dispatcher`: deliver queued print jobs (docs/printing.md "Delivery")."""

from __future__ import annotations

import logging
import signal

from django.core.management.base import BaseCommand

from printers import dispatcher


class Command(BaseCommand):
    help = "Deliver queued print jobs to network, file, USB and serial printers, with retries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one pass and exit (tests, cron)."
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, help="Seconds between passes when idle (default 1)."
        )

    def handle(self, *args, once: bool = False, poll: float = 1.0, **options):
        logging.getLogger("printers").setLevel(logging.INFO)
        if once:
            report = dispatcher.dispatch_once()
            self.stdout.write(
                f"printed {len(report.printed)}, retrying {len(report.retrying)}, "
                f"expired {report.expired}, resent to agents {report.resent_to_agents}"
            )
            return
        self.stdout.write(f"print dispatcher running (poll {poll}s); Ctrl-C to stop")
        stopping = []
        # SIGTERM (systemd, docker stop) finishes the job being sent, then exits
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            dispatcher.run(poll=poll, stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            pass
        self.stdout.write("stopped")
