"""`python manage.py housekeeping`: every retention rule once (docs/operations.md
"Housekeeping"); hub_worker runs the same rules hourly as its prune_* jobs."""

from django.core.management.base import BaseCommand

from hub.services.housekeeping import RULES


class Command(BaseCommand):
    help = "Apply every retention rule once (events, idempotency keys, failed logins, ...)."

    def handle(self, *args, **options):
        for name, (prune, rule) in RULES.items():
            self.stdout.write(f"{name}: deleted {prune()} ({rule})")
