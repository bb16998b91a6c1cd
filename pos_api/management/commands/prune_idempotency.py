"""`python manage.py prune_idempotency`: forget Idempotency-Keys older than the retention
window (24 h, CONTRACT 3; docs/api.md "Idempotency"). Run it hourly from cron or a timer."""

from django.core.management.base import BaseCommand

from pos_api.idempotency import prune


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key records older than 24 hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=None,
            help="Override the retention window (default: 24)",
        )

    def handle(self, *args, older_than_hours=None, **options):
        deleted = prune(older_than_hours=older_than_hours)
        self.stdout.write(f"Deleted {deleted} idempotency record(s).")
