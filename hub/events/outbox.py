"""The event outbox: record in the change's transaction, publish after commit
(docs/realtime.md "How the hub keeps the promise", docs/architecture.md "Lock order").

- `record_event` checks the data against the event type's schema (hub/events/registry.py)
  and appends one Event row per stream, with `seq` taken from StreamCursor by an UPSERT
  that keeps the cursor row locked until commit, so per stream, events commit in `seq`
  order and replay has no holes;
- inside a service (`service_transaction`, `events_deferred`) the rows are written as
  the change's last statements, all streams' cursors locked in one sorted order, so two
  changes can never deadlock on cursors;
- after commit, the rows are handed to the publisher that the process registered
  (`publisher_register`; realtime/apps.py registers realtime.publish at start-up). A
  rolled-back change publishes nothing. With no publisher registered (a process
  without realtime), committed events stay in the outbox, where consumers replay them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from rest_framework.utils.encoders import JSONEncoder

from hub import metrics
from hub.db_retry import run_retrying
from hub.events.registry import validate_event
from hub.models import Event, Outlet

P = ParamSpec("P")
R = TypeVar("R")

Publisher = Callable[[list[Event]], None]

# The process's publisher: the hub knows nothing of channel layers, the transport tells
# it where committed events go (the arrow runs realtime -> hub, never back).
_publisher: Publisher | None = None


def publisher_register(publish: Publisher | None) -> None:
    """Where committed events go from now on in this process: `publish(events)` runs after
    each commit that recorded events and must never raise. None: nowhere (the outbox
    keeps them for replay). Called by realtime's AppConfig.ready()."""
    global _publisher
    _publisher = publish


def publisher_registered() -> Publisher | None:
    return _publisher


@dataclass
class _Pending:
    outlet_id: int
    streams: list[str]
    type: str
    payload: dict[str, Any]


class _Batch(threading.local):
    """Events recorded inside `events_deferred` blocks of this thread (= this connection)."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending: list[_Pending] = []


_batch = _Batch()


@contextlib.contextmanager
def events_deferred() -> Iterator[None]:
    """Hold the events recorded inside the block and write them all when the outermost
    block ends: seqs allocated and outbox rows inserted as the change's last statements,
    with every stream cursor locked in one sorted order (docs/architecture.md "Lock order").

    Why: a stream cursor stays locked until COMMIT, and the orders stream is shared by
    every order of the outlet. Writing events as they are recorded took cursors in the
    order the change happened to touch streams (kitchen, orders, table, then floor...),
    and two changes touching the same streams in another order deadlocked. Written last
    and sorted, no two changes wait for each other's cursors in a cycle, and the cursor
    rows are held for the shortest time.

    Must run inside the change's transaction (services use `service_transaction`). A
    block that raises drops what it recorded, so a savepoint that rolls back leaves no
    event behind.
    """
    _batch.depth += 1
    mark = len(_batch.pending)
    try:
        yield
    except BaseException:
        del _batch.pending[mark:]
        raise
    finally:
        _batch.depth -= 1
    if _batch.depth == 0:
        pending, _batch.pending = _batch.pending, []
        _write(pending)


def service_transaction(func: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a service, with its events written at its end
    (`events_deferred`). Services that record events use this instead of atomic.

    Called outside any transaction, the service owns its whole transaction, so one
    that lost a lock race (a deadlock, a serialization failure) is run again from
    the start (hub.db_retry); inside a caller's transaction, the caller retries."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        def run() -> R:
            with transaction.atomic(), events_deferred():
                return func(*args, **kwargs)

        if connection.in_atomic_block:
            return run()
        return run_retrying(run, what=func.__name__)

    return wrapper


def _allocate_seqs(counts: dict[str, int]) -> dict[str, int]:
    """Raise each stream's cursor by its count in ONE statement, rows in sorted order (so
    locks are taken in sorted order); returns each stream's new last seq."""
    streams = sorted(counts)
    values = ", ".join(["(%s, %s)"] * len(streams))
    params: list[Any] = []
    for stream in streams:
        params += [stream, counts[stream]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO hub_streamcursor (stream, last_seq) VALUES {values} "
            "ON CONFLICT (stream) DO UPDATE SET last_seq = hub_streamcursor.last_seq + "
            "EXCLUDED.last_seq RETURNING stream, last_seq",
            params,
        )
        return {stream: int(last) for stream, last in cursor.fetchall()}


def _write(pending: list[_Pending]) -> list[Event]:
    if not pending:
        return []
    counts: dict[str, int] = {}
    for item in pending:
        for stream in item.streams:
            counts[stream] = counts.get(stream, 0) + 1
    last = _allocate_seqs(counts)
    next_seq = {stream: last[stream] - counts[stream] + 1 for stream in counts}
    events = []
    for item in pending:
        for stream in item.streams:
            events.append(
                Event(
                    outlet_id=item.outlet_id,
                    stream=stream,
                    seq=next_seq[stream],
                    type=item.type,
                    data=item.payload,
                )
            )
            next_seq[stream] += 1
    Event.objects.bulk_create(events)
    publish_on_commit(events)
    transaction.on_commit(lambda: metrics.events_recorded([e.type for e in events]))
    return events


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Event data as the API would render it: the same encoder as the REST responses,
    so money (quantized Decimal) becomes a JSON number and times ISO 8601."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def record_event(
    *, outlet: Outlet | int, streams: Iterable[str], type: str, data: dict[str, Any]
) -> list[Event]:
    """Append `type` with `data` to every stream in `streams`, inside the current transaction.

    Must be called inside transaction.atomic (services are). The data, as JSON, is checked
    against the event type's schema now (EventSchemaError: the service raises and its
    transaction rolls back); which kinds of stream carry each type is the registry's
    description, checked for every type by tests/realtime/test_event_schemas.py (not
    here: the stream tests record one type on every kind of stream). Inside `events_deferred` (every
    service) the rows are written when the outermost block ends and [] is returned,
    otherwise they are written at once and returned.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the change's transaction")
    outlet_id = outlet if isinstance(outlet, int) else outlet.pk
    payload = _jsonable(data)
    streams = sorted(set(streams))
    validate_event(type, payload)
    item = _Pending(outlet_id=outlet_id, streams=streams, type=type, payload=payload)
    if _batch.depth:
        _batch.pending.append(item)
        return []
    return _write([item])


def publish_on_commit(events: list[Event]) -> None:
    """Hand events to the registered publisher once the transaction commits (never before)."""
    transaction.on_commit(lambda: _publish(events))


def _publish(events: list[Event]) -> None:
    publish = _publisher  # read at commit: the one registered when the change is durable
    if publish is not None:
        publish(events)


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
