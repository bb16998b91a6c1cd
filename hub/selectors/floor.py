"""Read queries for the floor: tables with their running order (docs/api.md "Tables").

Each table carries its open order (not paid, not cancelled), fetched for the
whole page in one extra query, so a floor of any size costs the same queries.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from hub.errors import NotFound
from hub.models import Order, Outlet, Table

CLOSED_ORDER_STATUSES = (Order.Status.PAID, Order.Status.CANCELLED)


def open_orders_on(table_id: int) -> QuerySet[Order]:
    """Orders still running on the table: anything not paid or cancelled."""
    return Order.objects.filter(table_id=table_id).exclude(status__in=CLOSED_ORDER_STATUSES)


def _with_open_orders(queryset: QuerySet[Table]) -> QuerySet[Table]:
    open_orders = Order.objects.exclude(status__in=CLOSED_ORDER_STATUSES).order_by("id")
    return queryset.prefetch_related(
        Prefetch("orders", queryset=open_orders, to_attr="open_orders")
    )


def tables_list(
    *, outlet: Outlet, status: str | None = None, area: str | None = None
) -> QuerySet[Table]:
    """The outlet's tables by id; `status` exact, `area` case-insensitive exact."""
    queryset = Table.objects.filter(outlet=outlet)
    if status:
        queryset = queryset.filter(status=status)
    if area:
        queryset = queryset.filter(area__iexact=area)
    return _with_open_orders(queryset.order_by("id"))


def table_get(*, outlet: Outlet, table_id: int) -> Table:
    """One table of the outlet with `open_orders`; another outlet's table is NotFound."""
    table = _with_open_orders(Table.objects.filter(outlet=outlet, pk=table_id)).first()
    if table is None:
        raise NotFound("No such table.")
    return table


def table_current_order(table: Table) -> Order | None:
    """The order running on the table (the oldest, if a table carries split checks)."""
    orders = getattr(table, "open_orders", None)
    if orders is None:
        orders = list(_with_open_orders(Table.objects.filter(pk=table.pk))[0].open_orders)
    return orders[0] if orders else None
