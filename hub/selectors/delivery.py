"""Read queries for delivery: drivers and platforms (docs/api.md "Delivery drivers and platforms")."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from hub.models import DeliveryDriver, DeliveryPlatform, Order, Outlet

FINISHED_DELIVERY = (Order.DeliveryStatus.DELIVERED, Order.DeliveryStatus.FAILED)


def active_delivery_filter(prefix: str = "") -> Q:
    """Orders a driver is still carrying: assigned to them, not delivered or failed, not cancelled."""
    return ~Q(**{f"{prefix}delivery_status__in": FINISHED_DELIVERY}) & ~Q(
        **{f"{prefix}status": Order.Status.CANCELLED}
    )


def drivers_list(*, outlet: Outlet) -> QuerySet[DeliveryDriver]:
    """The outlet's drivers by id, each annotated with `active_deliveries` (one query)."""
    return (
        DeliveryDriver.objects.filter(outlet=outlet)
        .annotate(
            active_deliveries=Count(
                "orders", filter=Q(orders__isnull=False) & active_delivery_filter("orders__")
            )
        )
        .order_by("id")
    )


def platforms_active() -> QuerySet[DeliveryPlatform]:
    return DeliveryPlatform.objects.filter(is_active=True).order_by("id")
