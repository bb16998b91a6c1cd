"""Outlet-local time: business dates and day bounds (CONTRACT section 2, docs/api.md "Orders and money").

A restaurant's day is its own time zone's day: an order opened at 00:30 in
Bengaluru belongs to that local date, whatever UTC says.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from hub.models import Outlet


def outlet_zone(outlet: Outlet) -> ZoneInfo:
    try:
        return ZoneInfo(outlet.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # A mistyped zone must not stop service; UTC is at least consistent.
        return ZoneInfo("UTC")


def outlet_now(outlet: Outlet) -> datetime:
    return timezone.now().astimezone(outlet_zone(outlet))


def outlet_today(outlet: Outlet) -> date:
    """The outlet's business date now (the key of per-day counters such as KOT numbers)."""
    return outlet_now(outlet).date()


def outlet_day_bounds(outlet: Outlet, day: date) -> tuple[datetime, datetime]:
    """[start, end) of `day` in the outlet's zone, as aware datetimes."""
    zone = outlet_zone(outlet)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
