"""Outlet-local time: business dates (CONTRACT section 2, docs/api.md "Orders and money").

A restaurant's day is its own time zone's day: an order opened at 00:30 in
Bengaluru belongs to that local date, whatever UTC says. A stored zone that
zoneinfo does not know is refused, never replaced by UTC (docs/operations.md
"Outlet time zones").
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from hub.errors import OutletCode, ServiceUnavailable
from hub.models import Outlet

log = logging.getLogger(__name__)


def zone_named(name: str) -> ZoneInfo | None:
    """The zone called `name`, or None when zoneinfo does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        # ValueError: "", "Asia/", "../x"; OSError: a name that is a directory or unreadable.
        return None


def outlet_zone(outlet: Outlet) -> ZoneInfo:
    """The outlet's zone; ServiceUnavailable (503 outlet_misconfigured) when it is not one.

    Outlet.timezone is validated on the way in (admin, full_clean), so a bad one was
    written past that (raw SQL, an update(), a zone dropped from tzdata). UTC in its
    place would silently move business dates and restart the daily KOT numbers at
    the wrong hour, so the change is refused, loudly: logged here, reported by
    `manage.py check` (hub.W001), and answered to the POS with what to fix.
    """
    zone = zone_named(outlet.timezone)
    if zone is None:
        log.error(
            "outlet %s (id %s) has time zone %r, which zoneinfo does not know: business "
            "dates cannot be computed; fix it in the admin (Outlets)",
            outlet.code,
            outlet.pk,
            outlet.timezone,
        )
        raise ServiceUnavailable(
            f"Outlet {outlet.code}'s time zone {outlet.timezone!r} is not a time zone, so "
            "its business date is unknown; a manager must correct it in the admin "
            "(Outlets, e.g. Asia/Kolkata).",
            code=OutletCode.OUTLET_MISCONFIGURED,
        )
    return zone


def outlet_now(outlet: Outlet) -> datetime:
    return timezone.now().astimezone(outlet_zone(outlet))


def outlet_today(outlet: Outlet) -> date:
    """The outlet's business date now (the key of per-day counters such as KOT numbers)."""
    return outlet_now(outlet).date()
