"""`python manage.py kot_ack_check`: one round of the KOT acknowledgement timer (CONTRACT
13; hub/services/kitchen_ack.py, docs/operations.md "Background work").

The background worker runs `kots_unseen_handle()` every second; this command runs one
round (cron, tests, a look by hand), or with `--loop SECONDS` keeps going until Ctrl-C
or SIGTERM. Several may run at once: a KOT is handled once.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from hub.services.kitchen_ack import kots_unseen_handle


class Command(BaseCommand):
    help = "Print and raise kot.unseen for KOTs no kitchen screen acknowledged in time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Run a round every SECONDS until stopped, instead of once.",
        )

    def handle(self, *args, loop: float | None = None, **options):
        if loop is None:
            handled = kots_unseen_handle()
            self.stdout.write(f"unseen KOTs handled: {len(handled)} {handled or ''}".rstrip())
            return
        stopping: list[bool] = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write(f"KOT acknowledgement timer running (every {loop}s); Ctrl-C to stop")
        try:
            while not stopping:
                for kot_id in kots_unseen_handle():
                    self.stdout.write(f"KOT {kot_id} unseen: printed and raised")
                time.sleep(loop)
        except KeyboardInterrupt:
            pass
        self.stdout.write("stopped")
