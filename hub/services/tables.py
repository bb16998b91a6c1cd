"""Table status on the floor (CONTRACT 4a "Table status", docs/api.md "Tables").

A table is `free`, `occupied`, `reserved` or `cleaning`. The one rule a host
stand relies on: a table with an open order (any order on it that is not paid
or cancelled) is `occupied`, so it can be set to nothing else (409
`table_occupied`); the waiter would otherwise seat a second party on a table
whose bill is still running. Without an order, `occupied` is allowed: a walk-in
party is seated before anyone types an order.

Three entry points:
- `table_set_status` for the host stand / `PUT /tables/{id}/status`;
- `table_occupy` and `table_release` for the order services, called inside
  their own transaction when a dine-in order opens on a table or is closed.

Every change records `table.status_changed` on the floor stream and the
table's stream, in the same transaction.
"""

from __future__ import annotations

from django.utils import timezone

from hub.errors import Conflict, NotFound, TableCode, ValidationFailed
from hub.events import floor_stream, record_event, service_transaction, table_stream
from hub.models import Order, Outlet, Staff, Table
from hub.selectors.floor import open_orders_on

MAX_GUESTS = 99


def _lock_table(*, table_id: int, outlet_id: int) -> Table:
    table = Table.objects.select_for_update().filter(pk=table_id, outlet_id=outlet_id).first()
    if table is None:
        raise NotFound("No such table.")
    return table


def _apply(*, table: Table, status: str, guests: int | None, order_id: int | None) -> Table:
    """Write the new status and record the event, if anything changed."""
    from_status = table.status
    if status != Table.Status.OCCUPIED:
        guests = None  # guests are a property of a seated party only
    if from_status == status and table.guests == guests:
        return table  # nothing changed: no row write, no event (a retried tap is harmless)
    table.status = status
    table.guests = guests
    fields = ["status", "guests"]
    if from_status != status:
        table.status_changed_at = timezone.now()
        fields.append("status_changed_at")
    table.save(update_fields=fields)
    record_event(
        outlet=table.outlet_id,
        streams=[floor_stream(table.outlet_id), table_stream(table.pk)],
        type="table.status_changed",
        data={
            "table_id": table.pk,
            "name": table.name,
            "status": status,
            "from_status": from_status,
            "order_id": order_id,
            "guests": guests,
            "status_changed_at": table.status_changed_at,
        },
    )
    return table


@service_transaction
def table_set_status(
    *,
    table_id: int,
    outlet: Outlet,
    status: str,
    guests: int | None = None,
    by: Staff | None = None,
) -> Table:
    """Set a table's status from the host stand.

    Preconditions: `status` is one of Table.Status; `guests`, if given, is 1..99
    and only kept for `occupied` (a walk-in party). A table of another outlet is
    404. With an open order on the table, only `occupied` is accepted (409
    `table_occupied`, with `order_id`). Locks the table row, then reads its
    orders, so an order opening at the same moment waits for this change (the
    order services lock the table too, through `table_occupy`).
    Records `table.status_changed` on floor.<outlet> and table.<id>.
    """
    if status not in Table.Status.values:
        raise ValidationFailed(
            fields={"status": [f"Must be one of {', '.join(Table.Status.values)}."]}
        )
    if guests is not None and not (1 <= guests <= MAX_GUESTS):
        raise ValidationFailed(fields={"guests": [f"Must be between 1 and {MAX_GUESTS}."]})
    table = _lock_table(table_id=table_id, outlet_id=outlet.pk)
    open_order = open_orders_on(table.pk).order_by("id").first()
    if open_order is not None and status != Table.Status.OCCUPIED:
        raise Conflict(
            f"Table {table.name} has an open order ({open_order.number}); "
            "it stays occupied until that order is paid or cancelled.",
            code=TableCode.TABLE_OCCUPIED,
            order_id=open_order.pk,
        )
    if status == Table.Status.OCCUPIED and guests is None:
        guests = table.guests if table.status == Table.Status.OCCUPIED else None
    return _apply(
        table=table, status=status, guests=guests, order_id=open_order.pk if open_order else None
    )


@service_transaction
def table_occupy(*, table: Table, order: Order) -> Table:
    """Mark `table` occupied by `order` (a dine-in order just opened or moved onto it).

    For the order services: call it inside the order's transaction, after the
    order row points at the table. Locks the table row (a no-op if the caller
    already holds the lock). Any status becomes `occupied`: a reserved table is
    taken by its party, a table still `cleaning` is in use again. Keeps the
    party size the host stand typed, else takes `order.guests`. The passed
    instance is updated in place and returned. Records `table.status_changed`
    only when the status or guests change.
    """
    locked = _lock_table(table_id=table.pk, outlet_id=order.outlet_id)
    guests = (
        locked.guests if locked.status == Table.Status.OCCUPIED and locked.guests else order.guests
    )
    if guests is not None and not (1 <= guests <= MAX_GUESTS):
        guests = None
    _apply(table=locked, status=Table.Status.OCCUPIED, guests=guests, order_id=order.pk)
    _copy_state(locked, into=table)
    return table


@service_transaction
def table_release(*, table: Table, outlet: Outlet, order: Order | None = None) -> Table:
    """Free the table after its order was paid or cancelled, if no other order runs on it.

    For the order services: call it inside the transaction that closed the
    order, after the order's new status is saved (so it no longer counts as
    open). The table becomes the outlet's `table_release_status` (`cleaning`
    or `free`); with another open order still on it, it stays `occupied` and
    nothing is recorded. `order` (optional) names the closed order in the
    event. Locks the table row; the passed instance is updated and returned.
    """
    locked = _lock_table(table_id=table.pk, outlet_id=outlet.pk)
    if open_orders_on(locked.pk).exists():
        _copy_state(locked, into=table)
        return table
    _apply(
        table=locked,
        status=outlet.table_release_status,
        guests=None,
        order_id=order.pk if order is not None else None,
    )
    _copy_state(locked, into=table)
    return table


def _copy_state(source: Table, *, into: Table) -> None:
    if source is not into:
        into.status = source.status
        into.guests = source.guests
        into.status_changed_at = source.status_changed_at
