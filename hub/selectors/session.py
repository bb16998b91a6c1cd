"""Read queries for the POS session (docs/api.md "POS session")."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.models import HeldOrder, Outlet


def held_orders_list(*, outlet: Outlet) -> QuerySet[HeldOrder]:
    """The outlet's parked carts and orders not yet resumed, newest first (holder and
    order joined: one query per page)."""
    return (
        HeldOrder.objects.filter(outlet=outlet, resumed_at__isnull=True)
        .select_related("held_by", "order")
        .order_by("-held_at", "-id")
    )
