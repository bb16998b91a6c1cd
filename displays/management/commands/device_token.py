"""`manage.py device_token <username> [--label ...]`: a token for a wall screen
(docs/screens.md "Wall screens"). Paste it on the screen's sign-in page; it signs in
as that staff user until revoked (the screen's "Sign out" revokes it)."""

from django.core.management.base import BaseCommand, CommandError

from hub.models import Staff
from hub.services.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a screen that signs in as <username> (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="device", help="What the token is for")

    def handle(self, *args, **options):
        staff = Staff.objects.filter(username=options["username"], is_active=True).first()
        if staff is None or staff.outlet_id is None:
            raise CommandError(f"No active staff user {options['username']!r} with an outlet.")
        raw = token_issue(staff=staff, label=options["label"][:60])
        self.stdout.write(raw)
