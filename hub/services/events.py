"""The event outbox: record in the change's transaction, publish after commit.

docs/realtime.md explains the streams, `seq` and resume. In short:
- `record_event` appends one Event row per stream, with `seq` taken from
  StreamCursor by an UPSERT that keeps the cursor row locked until commit, so
  per stream, events commit in `seq` order and replay has no holes;
- after commit, the rows are handed to realtime.publish, the one place that
  talks to the channel layer. A rolled-back change publishes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from rest_framework.utils.encoders import JSONEncoder

from hub.models import Event, Outlet


def kitchen_stream(kitchen_id: int) -> str:
    return f"kitchen.{kitchen_id}"


def table_stream(table_id: int) -> str:
    return f"table.{table_id}"


def driver_stream(driver_id: int) -> str:
    return f"driver.{driver_id}"


def floor_stream(outlet_id: int) -> str:
    return f"floor.{outlet_id}"


def orders_stream(outlet_id: int) -> str:
    return f"orders.{outlet_id}"


def printer_stream(printer_id: int) -> str:
    return f"printer.{printer_id}"


def _next_seq(stream: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hub_streamcursor (stream, last_seq) VALUES (%s, 1) "
            "ON CONFLICT (stream) DO UPDATE SET last_seq = hub_streamcursor.last_seq + 1 "
            "RETURNING last_seq",
            [stream],
        )
        return int(cursor.fetchone()[0])


def stream_last_seq(stream: str) -> int:
    from hub.models import StreamCursor

    return (
        StreamCursor.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0
    )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Event data as the API would render it: the same encoder as the REST responses,
    so money (quantized Decimal) becomes a JSON number and times ISO 8601."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def record_event(
    *, outlet: Outlet | int, streams: Iterable[str], type: str, data: dict[str, Any]
) -> list[Event]:
    """Append `type` with `data` to every stream in `streams`, inside the current transaction.

    Must be called inside transaction.atomic (services are). Streams are locked in
    sorted order so two changes touching the same streams cannot deadlock.
    """
    from realtime.events import validate_event  # the typed registry of event types

    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the change's transaction")
    outlet_id = outlet if isinstance(outlet, int) else outlet.pk
    payload = _jsonable(data)
    validate_event(type, payload)
    events = []
    for stream in sorted(set(streams)):
        events.append(
            Event(
                outlet_id=outlet_id, stream=stream, seq=_next_seq(stream), type=type, data=payload
            )
        )
    Event.objects.bulk_create(events)
    publish_on_commit(events)
    return events


def publish_on_commit(events: list[Event]) -> None:
    """Push events to the channel layer once the transaction commits (never before)."""
    from realtime.publish import publish_events

    transaction.on_commit(lambda: publish_events(events))


EVENT_RETENTION_FLOOR_HOURS = 24  # CONTRACT 6: events are kept at least 24 h


def events_prune(*, older_than_hours: int | None = None, batch_size: int = 5000) -> int:
    """Delete outbox events older than the retention period; returns how many.

    `older_than_hours` defaults to settings.HUB_EVENT_RETENTION_HOURS and may never be
    under 24 (CONTRACT 6). Deletes in batches, each its own short transaction, so a
    big prune never holds locks that would stall record_event. Stream cursors stay:
    seq keeps increasing, and a client asking for a pruned range gets resync_required.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    hours = settings.HUB_EVENT_RETENTION_HOURS if older_than_hours is None else older_than_hours
    if hours < EVENT_RETENTION_FLOOR_HOURS:
        raise ValueError(f"events are kept at least {EVENT_RETENTION_FLOOR_HOURS} h, not {hours}")
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted = 0
    while True:
        ids = list(
            Event.objects.filter(created_at__lt=cutoff)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += Event.objects.filter(id__in=ids).delete()[0]
