"""Read queries for the POS session (docs/api.md "POS session")."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from hub.models import HeldOrder, OrderItem, Outlet


def held_orders_list(*, outlet: Outlet) -> QuerySet[HeldOrder]:
    """The outlet's parked carts and orders not yet resumed, newest first (holder and
    order joined, a parked order's lines prefetched in line order: two queries a page,
    however many lines)."""
    return (
        HeldOrder.objects.filter(outlet=outlet, resumed_at__isnull=True)
        .select_related("held_by", "order")
        .prefetch_related(Prefetch("order__items", queryset=OrderItem.objects.order_by("id")))
        .order_by("-held_at", "-id")
    )
