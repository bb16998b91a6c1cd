"""Moving a party to another table, and merging two tables' orders into one (docs/api.md
"Moving and merging tables").

- `order_transfer_table`: an open dine-in order moves to another table of the
  outlet that has no open order; the old table is released, the new one occupied.
- `order_merge`: the items of one open dine-in order without payments (the
  source) move into another (the target); the source is cancelled with the
  reason "merged into ORD-...", without any cancellation ticket (nothing was
  taken back from a kitchen: the food still goes out, on the target's bill).

Items keep their KOT and status; KOT rows of the source follow their items to
the target, so kitchens keep working on the same tickets. Each kitchen holding
an unfinished ticket of the moved order gets `kot.table_changed`, so its screen
shows the new table (and order) on those tickets.

Locks: order rows first, in id order (two merges of the same pair cannot
deadlock), then every table involved, in id order, before anything changes
(two transfers swapping tables cannot deadlock either). hub.services.tables'
`table_occupy` / `table_release` re-lock rows already held, which is a no-op.
"""

from __future__ import annotations

from collections import defaultdict

from hub.errors import (
    BusinessRuleViolation,
    CheckCode,
    Conflict,
    NotFound,
    OrderCode,
    TableCode,
    ValidationFailed,
)
from hub.events import (
    expo_stream,
    kitchen_stream,
    orders_stream,
    record_event,
    service_transaction,
)
from hub.models import Kot, Order, OrderItem, Outlet, Payment, Staff, Table
from hub.selectors.floor import open_orders_on
from hub.services.kitchen import order_ready_at_pass
from hub.services.order_core import (
    order_bump,
    order_check_version,
    order_closed_error,
    order_record,
    orders_lock,
)
from hub.services.order_pricing import order_recalculate
from hub.services.orders import MAX_GUESTS
from hub.services.tables import table_occupy, table_release

S = Order.Status
# Tickets a kitchen is still working on: new and add-on tickets not yet served.
OPEN_KOT_KINDS = (Kot.Kind.NEW, Kot.Kind.ADDON)


def _lock_tables(*, outlet: Outlet, ids: set[int]) -> dict[int, Table]:
    rows = Table.objects.select_for_update().filter(outlet=outlet, pk__in=ids).order_by("id")
    return {table.pk: table for table in rows}


def _require_open_dine_in(order: Order, *, role: str) -> None:
    if not order.order_type.requires_table:
        raise BusinessRuleViolation(
            f"Order {order.number} is a {order.order_type.name} order; only dine-in orders sit at tables.",
            code=TableCode.NOT_A_DINE_IN_ORDER,
            order_id=order.pk,
        )
    if order.is_closed:
        raise order_closed_error(order, order_id=order.pk)


def _tell_kitchens(
    *, order: Order, kot_ids: list[int], from_order: Order, from_table: Table | None, reason: str
) -> None:
    """`kot.table_changed` on each kitchen stream holding an unfinished ticket in `kot_ids`."""
    by_kitchen: dict[int, list[int]] = defaultdict(list)
    open_kots = (
        Kot.objects.filter(pk__in=kot_ids, kind__in=OPEN_KOT_KINDS)
        .exclude(status=Kot.Status.SERVED)
        .order_by("id")
        .values_list("kitchen_id", "id")
    )
    for kitchen_id, kot_id in open_kots:
        by_kitchen[kitchen_id].append(kot_id)
    table = order.table
    for kitchen_id, ids in sorted(by_kitchen.items()):
        record_event(
            outlet=order.outlet_id,
            # the orders stream too: the waiter tablet follows which orders are ready
            streams=[
                kitchen_stream(kitchen_id),
                expo_stream(order.outlet_id),
                orders_stream(order.outlet_id),
            ],
            type="kot.table_changed",
            data={
                "kitchen_id": kitchen_id,
                "kot_ids": ids,
                "order_id": order.pk,
                "order_number": order.number,
                "table_id": table.pk if table else None,
                "table_name": table.name if table else None,
                "from_order_id": from_order.pk,
                "from_order_number": from_order.number,
                "from_table_id": from_table.pk if from_table else None,
                "from_table_name": from_table.name if from_table else None,
                "reason": reason,
                "order_ready": order_ready_at_pass(order),
                # a merge empties the order it took from: no longer ready at the pass
                "from_order_ready": order_ready_at_pass(from_order),
            },
        )


def _other_open_order(table: Table, *, exclude: set[int]) -> Order | None:
    return open_orders_on(table.pk).exclude(pk__in=exclude).order_by("id").first()


@service_transaction
def order_transfer_table(
    *, order_id: int, outlet: Outlet, table_id: int, by: Staff, expected_version: int | None = None
) -> Order:
    """Move an open dine-in order to another table (`POST /orders/{id}/transfer-table`).

    Preconditions: the order is the outlet's (404), dine-in (422
    `not_a_dine_in_order`), open: draft, kot or billed (409 `order_closed`);
    `expected_version` matches (409 `version_conflict`); the table is the
    outlet's (400 `validation_error` on `table_id`) and has no open order (409
    `table_occupied` with `order_id`; any status is fine without one, as in
    order_create). The same table again is a no-op. Effects: version + 1;
    the old table released (cleaning/free per outlet), the new one occupied
    (`table.status_changed` on both); `order.updated` on orders.<outlet> and
    both table streams, with `from_table_id`; `kot.table_changed` on each
    kitchen with an unfinished ticket of the order.
    """
    orders = orders_lock(outlet=outlet, ids=[order_id])
    order = orders.get(order_id)
    if order is None:
        raise NotFound("No such order.")
    order_check_version(order, expected_version)
    _require_open_dine_in(order, role="to move")
    if order.table_id == table_id:
        return order
    old_table_id = order.table_id
    tables = _lock_tables(outlet=outlet, ids={table_id, *([old_table_id] if old_table_id else [])})
    new_table = tables.get(table_id)
    if new_table is None:
        raise ValidationFailed(fields={"table_id": ["No such table at this outlet."]})
    other = _other_open_order(new_table, exclude={order.pk})
    if other is not None:
        raise Conflict(
            f"Table {new_table.name} already has an open order ({other.number}).",
            code=TableCode.TABLE_OCCUPIED,
            order_id=other.pk,
        )
    old_table = tables.get(old_table_id) if old_table_id else None
    order.table = new_table
    order_bump(order)
    table_occupy(table=new_table, order=order)
    if old_table is not None:
        table_release(table=old_table, outlet=outlet, order=order)
    order_record(order, "order.updated", old_table_id, from_table_id=old_table_id)
    _tell_kitchens(
        order=order,
        kot_ids=list(Kot.objects.filter(order=order).values_list("id", flat=True)),
        from_order=order,
        from_table=old_table,
        reason="transfer",
    )
    return order


@service_transaction
def order_merge(
    *,
    order_id: int,
    outlet: Outlet,
    source_order_id: int,
    by: Staff,
    expected_version: int | None = None,
) -> Order:
    """Merge the source order into the target `order_id` (`POST /orders/{id}/merge`).

    Preconditions: the target is the outlet's (404); the source is another order
    of the outlet (400 `validation_error` on `source_order_id`); both are dine-in
    (422 `not_a_dine_in_order`), open (409 `order_closed`) and not billed (409
    `order_billed`: a printed bill is frozen); the source has no payment (409
    `order_has_payments`: refund or move the payment first); `expected_version`
    is the target's (409 `version_conflict`).

    Effects: every line of the source (pending, sent or void) moves to the
    target keeping its KOT and status, and the source's KOTs move with them;
    guests add up; a draft target that receives sent lines becomes `kot`. The
    target is re-priced with its own discount (the source's is dropped). The
    source becomes `cancelled` ("merged into ORD-..."), re-priced to 0, and its
    table is released unless it is the target's. Both versions + 1. Events:
    `order.updated` for the target (plus `order.status_changed` when it moved
    to `kot`), `order.cancelled` for the source, `table.status_changed` through
    hub.services.tables, `kot.table_changed` to each kitchen with an
    unfinished ticket of the source.
    """
    if source_order_id == order_id:
        raise ValidationFailed(
            fields={"source_order_id": ["An order cannot be merged into itself."]}
        )
    orders = orders_lock(outlet=outlet, ids=[order_id, source_order_id])
    target = orders.get(order_id)
    if target is None:
        raise NotFound("No such order.")
    source = orders.get(source_order_id)
    if source is None:
        raise ValidationFailed(fields={"source_order_id": ["No such order at this outlet."]})
    order_check_version(target, expected_version)
    _require_open_dine_in(target, role="the target")
    _require_open_dine_in(source, role="to merge")
    for order in (target, source):
        if order.status == S.BILLED:
            raise Conflict(
                f"Order {order.number} is billed: its items are frozen.",
                code=OrderCode.ORDER_BILLED,
                order_id=order.pk,
            )
    if Payment.objects.filter(order=source).exists():
        raise Conflict(
            f"Order {source.number} has payments; refund them before merging it.",
            code=CheckCode.ORDER_HAS_PAYMENTS,
            order_id=source.pk,
        )
    table_ids = {t for t in (target.table_id, source.table_id) if t}
    tables = _lock_tables(outlet=outlet, ids=table_ids)
    source_table = tables.get(source.table_id) if source.table_id else None

    kot_ids = list(Kot.objects.filter(order=source).values_list("id", flat=True))
    moved_sent = (
        OrderItem.objects.filter(order=source)
        .exclude(status__in=(OrderItem.Status.PENDING, OrderItem.Status.VOID))
        .exists()
    )
    OrderItem.objects.filter(order=source).update(order=target)
    Kot.objects.filter(pk__in=kot_ids).update(order=target)

    # the target
    if source.guests:
        target.guests = min(MAX_GUESTS, (target.guests or 0) + source.guests)
    from_status = target.status
    if target.status == S.DRAFT and (moved_sent or source.status == S.KOT):
        target.status = S.KOT
    order_recalculate(target, save=False)
    order_bump(target)

    # the source: cancelled by the merge, not taken back from any kitchen
    source_from = source.status
    source.status = S.CANCELLED
    source.cancel_reason = f"merged into {target.number}"
    source.guests = None
    order_recalculate(source, save=False)
    order_bump(source)
    if source_table is not None and source.table_id != target.table_id:
        table_release(table=source_table, outlet=outlet, order=source)

    order_record(target, "order.updated", merged_order_id=source.pk)
    if target.status != from_status:
        order_record(target, "order.status_changed", from_status=str(from_status))
    order_record(
        source,
        "order.cancelled",
        reason=source.cancel_reason,
        from_status=str(source_from),
        merged_into_order_id=target.pk,
    )
    _tell_kitchens(
        order=target, kot_ids=kot_ids, from_order=source, from_table=source_table, reason="merge"
    )
    return target
