"""Delete outbox events older than the retention period (docs/realtime.md "Retention").

Run it from cron or a systemd timer, e.g. hourly: `python manage.py prune_events`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.events.outbox import EVENT_RETENTION_FLOOR_HOURS, events_prune


class Command(BaseCommand):
    help = "Delete live-stream events older than HUB_EVENT_RETENTION_HOURS (never under 24 h)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"Keep this many hours instead of the setting (at least {EVENT_RETENTION_FLOOR_HOURS}).",
        )

    def handle(self, *args, hours=None, **options):
        hours = settings.HUB_EVENT_RETENTION_HOURS if hours is None else hours
        try:
            deleted = events_prune(older_than_hours=hours)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Deleted {deleted} events older than {hours} h.")
