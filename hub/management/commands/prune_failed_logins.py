"""Delete failed-login rows past the throttle window (docs/operations.md "Housekeeping").

Failed logins already prune a bounded batch each; this empties the rest, e.g. hourly
from cron: `python manage.py prune_failed_logins`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from hub.services.tokens import failed_logins_prune


class Command(BaseCommand):
    help = "Delete failed logins older than the login throttle window (HUB_LOGIN_WINDOW_SECONDS)."

    def handle(self, *args, **options):
        deleted = failed_logins_prune()
        self.stdout.write(
            f"Deleted {deleted} failed logins older than {settings.HUB_LOGIN_WINDOW_SECONDS} s."
        )
