"""Read queries for orders, shaped for the full representation (docs/api.md "Orders and money").

`orders_prefetched` loads everything the representation shows (items, payments
with their method, KOTs with kitchen and lines) in a fixed number of queries,
whatever the number of rows: one per relation, never one per row.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from hub.errors import NotFound
from hub.models import Check, Kot, Order, OrderItem, Outlet, Payment, Staff
from hub.roles import DRIVER


def orders_prefetched(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related(
        "outlet",
        "order_type",
        "table",
        "customer",
        "coupon",
        "driver",
        "platform",
        "platform_intake",  # allowed_actions' accept/reject: no query per order
    ).prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id")),
        Prefetch("payments", queryset=Payment.objects.select_related("method").order_by("id")),
        Prefetch(
            "kots",
            queryset=Kot.objects.select_related("kitchen").prefetch_related("lines").order_by("id"),
        ),
        Prefetch("checks", queryset=Check.objects.order_by("number")),
    )


def orders_visible(*, outlet: Outlet, staff: Staff | None = None) -> QuerySet[Order]:
    """The outlet's orders this caller may read: a driver sees only orders assigned to them."""
    queryset = Order.objects.filter(outlet=outlet)
    if staff is not None and staff.role == DRIVER:
        queryset = queryset.filter(driver__staff=staff)
    return queryset


def order_get(*, outlet: Outlet, order_id: int, staff: Staff | None = None) -> Order:
    """One order with everything prefetched; another outlet's (or not visible) is NotFound."""
    order = orders_prefetched(
        orders_visible(outlet=outlet, staff=staff).filter(pk=order_id)
    ).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def orders_list(
    *,
    outlet: Outlet,
    staff: Staff | None = None,
    status: str | None = None,
    table_id: int | None = None,
    business_date: date | None = None,
    payment_status: str | None = None,
    order_type_id: int | None = None,
    customer_id: int | None = None,
) -> QuerySet[Order]:
    """Filtered, newest first. `business_date` is the outlet-local day the order opened."""
    queryset = orders_visible(outlet=outlet, staff=staff)
    filters = {
        "status": status,
        "table_id": table_id,
        "business_date": business_date,
        "payment_status": payment_status,
        "order_type_id": order_type_id,
        "customer_id": customer_id,
    }
    queryset = queryset.filter(**{k: v for k, v in filters.items() if v is not None})
    return orders_prefetched(queryset.order_by("-created_at", "-id"))
