"""Which kitchens have a screen connected, across every ASGI worker (CONTRACT 13, GET
/kitchens `screens_connected` and `last_seen_at`; docs/realtime.md "Kitchen screens
connected").

A socket on a kitchen's stream (`/ws/v1/kitchens/{id}/`) is a screen of that kitchen.
The worker holding it records it in the database (hub.models.KitchenScreen), so a
manager's GET /kitchens, answered by any worker, counts the screens of all of them:

- `kitchen_screen_opened` when the socket is accepted;
- `kitchen_screens_beat` from the worker's connection watch (realtime/watch.py), one
  UPDATE for all of its kitchen sockets every HUB_KITCHEN_SCREEN_BEAT_SECONDS;
- `kitchen_screen_closed` when it goes.

A worker killed without closing its sockets leaves rows that stop being refreshed: a row
counts as connected only while its last beat is younger than three beats
(`kitchen_screen_stale_before`). No event: presence is read, not pushed, and a lost
write only makes a screen look off for a beat. Failures here never end a connection
(the consumer logs and goes on).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from hub.models import KitchenScreen


def kitchen_screen_beat_seconds() -> float:
    """How often a worker refreshes its screens: the setting, but no more often than the
    connection watch's round (HUB_STREAM_TOKEN_CHECK_SECONDS), which carries the beat."""
    return max(
        float(getattr(settings, "HUB_KITCHEN_SCREEN_BEAT_SECONDS", 5)),
        float(getattr(settings, "HUB_STREAM_TOKEN_CHECK_SECONDS", 1)),
    )


def kitchen_screen_stale_before(now: datetime | None = None) -> datetime:
    """Rows whose last beat is older than this are of a screen that is gone (three beats:
    one late beat of a busy worker must not make a screen look off)."""
    return (now or timezone.now()) - timedelta(seconds=3 * kitchen_screen_beat_seconds())


def kitchen_screen_opened(*, kitchen_id: int, connection: str) -> None:
    """A socket of kitchen `kitchen_id` was accepted. Also forgets the kitchen's rows of
    screens gone, except the last one seen (what `last_seen_at` shows once all are off),
    so the table holds about one row per screen."""
    now = timezone.now()
    KitchenScreen.objects.update_or_create(
        connection=connection,
        defaults={
            "kitchen_id": kitchen_id,
            "connected_at": now,
            "last_seen_at": now,
            "closed_at": None,
        },
    )
    gone = KitchenScreen.objects.filter(kitchen_id=kitchen_id, closed_at__isnull=False) | (
        KitchenScreen.objects.filter(
            kitchen_id=kitchen_id, last_seen_at__lt=kitchen_screen_stale_before(now)
        )
    )
    latest = gone.aggregate(latest=Max("last_seen_at"))["latest"]
    if latest is not None:
        gone.filter(last_seen_at__lt=latest).delete()


def kitchen_screens_beat(connections: list[str]) -> int:
    """The worker still holds these sockets: one UPDATE for all of them."""
    if not connections:
        return 0
    return KitchenScreen.objects.filter(connection__in=connections, closed_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


def kitchen_screen_closed(*, connection: str) -> None:
    now = timezone.now()
    KitchenScreen.objects.filter(connection=connection, closed_at__isnull=True).update(
        closed_at=now, last_seen_at=now
    )
