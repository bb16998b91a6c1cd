"""Recompute the per-day sales summary of `GET /reports/sales` from the paid orders
(hub/services/sales_summary.py; docs/operations.md "Sales summary").

The payments keep it current by themselves; this is for orders written around the
services (a restore, SQL imports, the bench's seeding). Run it while the outlet takes
no payments: `python manage.py sales_summary_rebuild [--outlet CODE]`.
"""

from django.core.management.base import BaseCommand, CommandError

from hub.models import Outlet
from hub.services.sales_summary import sales_summary_rebuild


class Command(BaseCommand):
    help = "Recompute the sales report's day summaries from the paid orders."

    def add_arguments(self, parser):
        parser.add_argument("--outlet", help="outlet code (default: every outlet)")

    def handle(self, *args, outlet=None, **options):
        outlets = Outlet.objects.order_by("pk")
        if outlet:
            outlets = outlets.filter(code=outlet)
            if not outlets.exists():
                raise CommandError(f"No outlet with code {outlet!r}.")
        for each in outlets:
            rows = sales_summary_rebuild(outlet=each)
            self.stdout.write(f"Outlet {each.code}: {rows} summary rows.")
