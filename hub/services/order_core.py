"""The one owner of an order's lock, version, open-check and events (docs/architecture.md
"Order core").

Every service that changes an order (orders, kitchen, payments, delivery, table
moves, printing) goes through these functions and nothing else:

- `order_lock` / `orders_lock`: the order row(s) FOR NO KEY UPDATE, first thing in
  the transaction, several in id order. NO KEY: rows that reference the order
  (KOTs, payments, print jobs) take FOR KEY SHARE on it when inserted, which a
  plain FOR UPDATE would block; the order's own columns are still serialised.
- `order_check_version`: the optimistic-concurrency promise of CONTRACT 3
  (409 `version_conflict` with `current_version`).
- `order_require_open`: paid and cancelled orders change no more (409 `order_closed`).
- `order_bump`: `version + 1` and the row saved; the only place that writes `version`.
- `order_record`: an order's event on the outlet's orders stream and its table's.

A leaf: imports models, errors and the event outbox only, so every other service
may import it without a cycle.
"""

from __future__ import annotations

from typing import Any

from hub.errors import Conflict, NotFound, OrderCode
from hub.events import orders_stream, record_event, table_stream
from hub.models import Order, Outlet

# Joined into the lock's query: relations that never change on an order. Not the table
# or the waiter: when the lock waited for another change of the row (a table transfer),
# PostgreSQL re-checks the newer row, but the outer join of a nullable relation can
# then come back empty (table_id 6, table None). Those are read after the lock instead.
ORDER_RELATED = ("outlet", "order_type")


def _locked(outlet: Outlet | int):
    # of=("self",): only the order row is locked, not the joined outlet and order type.
    return (
        Order.objects.select_for_update(of=("self",), no_key=True)
        .select_related(*ORDER_RELATED)
        .filter(outlet=outlet)
    )


def order_lock(*, order_id: int, outlet: Outlet | int) -> Order:
    """The order row, locked for this transaction; another outlet's order is NotFound.

    Take it before any other row the change touches (docs/architecture.md "Lock order":
    order, tables, KOTs, payments, print jobs, coupons, sequences, stream cursors)."""
    order = _locked(outlet).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def orders_lock(*, outlet: Outlet | int, ids: list[int]) -> dict[int, Order]:
    """Several order rows locked in id order (two merges of one pair cannot deadlock);
    ids of other outlets are simply missing from the answer."""
    return {order.pk: order for order in _locked(outlet).filter(pk__in=ids).order_by("id")}


def order_check_version(order: Order, expected: int | None) -> None:
    """CONTRACT 3: a stale `version` / If-Match answers 409 with the current one."""
    if expected is not None and expected != order.version:
        raise Conflict(
            f"The order changed since you read it (you sent version {expected}, it is now "
            f"{order.version}). Reload it and try again.",
            code=OrderCode.VERSION_CONFLICT,
            current_version=order.version,
        )


def order_closed_error(order: Order, **extra: Any) -> Conflict:
    return Conflict(
        f"Order {order.number} is {order.status}; it cannot change.",
        code=OrderCode.ORDER_CLOSED,
        **extra,
    )


def order_require_open(order: Order, **extra: Any) -> None:
    """Paid and cancelled orders are closed: 409 `order_closed` (CONTRACT 4)."""
    if order.is_closed:
        raise order_closed_error(order, **extra)


def order_bump(order: Order, *, fields: list[str] | None = None) -> None:
    """Raise the order's version by one and save it (all columns, or `fields` + version).

    Every change to an order, or to what its representation shows (items, KOTs,
    payments, delivery), calls this once, so a client holding version N knows it
    is stale as soon as anything changed."""
    order.version += 1
    if fields is None:
        order.save()
    else:
        order.save(update_fields=[*dict.fromkeys([*fields, "version", "updated_at"])])


def order_event_data(order: Order, **extra: Any) -> dict[str, Any]:
    """The order summary every `order.*` event carries (hub/events/registry.py OrderSummary)."""
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "total": order.total,
        "balance_due": order.balance_due,
        "version": order.version,
        "table_id": order.table_id,
        # paid and cancelled orders are closed (CONTRACT 4): a screen learns from this,
        # not from status names, that the order no longer runs on its table
        "closed": order.is_closed,
        **extra,
    }


def order_streams(order: Order, *extra_tables: int | None) -> list[str]:
    """The outlet's orders stream and the order's table stream (plus `extra_tables`,
    e.g. the table an order just left)."""
    streams = [orders_stream(order.outlet_id)]
    for table_id in dict.fromkeys((order.table_id, *extra_tables)):
        if table_id:
            streams.append(table_stream(table_id))
    return streams


def order_record(order: Order, type: str, *extra_tables: int | None, **extra: Any) -> None:
    """Record an order event (`order.*`) with the order's summary plus `extra`."""
    record_event(
        outlet=order.outlet_id,
        streams=order_streams(order, *extra_tables),
        type=type,
        data=order_event_data(order, **extra),
    )
