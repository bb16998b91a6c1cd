"""System checks of what the hub has stored (docs/operations.md "Outlet time zones").

`manage.py check` runs them, and so does every other management command (migrate,
print_dispatcher, seed_demo) when started from the command line.
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError


@checks.register("hub")
def outlet_time_zones(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """hub.W001 for each outlet whose time zone zoneinfo does not know.

    A warning, not an error: an error would stop every management command, the
    print dispatcher of the other outlets and the migrations of a deploy among
    them, while the outlet itself is already refused service (hub/services/clock.py)
    and is corrected in the admin. `manage.py check --fail-level WARNING` fails on it.
    """
    from hub.models import Outlet
    from hub.services.clock import zone_named

    try:
        outlets = list(Outlet.objects.order_by("id").only("id", "code", "name", "timezone"))
    except DatabaseError:
        return []  # no database yet, or not migrated: nothing stored to check
    return [
        checks.Warning(
            f"Outlet {outlet.code} has time zone {outlet.timezone!r}, which zoneinfo "
            "does not know.",
            hint=(
                "Its orders, KOTs and invoices are refused (503 outlet_misconfigured) "
                "until it is corrected: admin > Outlets, an IANA name such as "
                "Asia/Kolkata (docs/operations.md)."
            ),
            obj=outlet,
            id="hub.W001",
        )
        for outlet in outlets
        if zone_named(outlet.timezone) is None
    ]
