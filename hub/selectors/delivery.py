"""Read queries for delivery: drivers and platforms (docs/api.md "Delivery drivers and platforms"),
and a driver's own deliveries (docs/api.md "Delivery")."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

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


ACTIVE_DELIVERY = (
    Order.DeliveryStatus.ASSIGNED,
    Order.DeliveryStatus.PICKED_UP,
    Order.DeliveryStatus.OUT_FOR_DELIVERY,
)


def driver_of(*, staff, outlet: Outlet) -> DeliveryDriver | None:
    """The driver profile of a signed-in staff user at their outlet, or None."""
    return DeliveryDriver.objects.filter(staff=staff, outlet=outlet).first()


def driver_deliveries(
    *, driver: DeliveryDriver, business_date=None, active_only: bool = False
) -> QuerySet[Order]:
    """The driver's orders for their phone (docs/api.md "Delivery", "My deliveries").

    Active ones first (assigned, picked up, out for delivery; not cancelled),
    oldest first, so the next drop is on top; then the finished ones (delivered,
    failed, or cancelled while assigned) of `business_date`, newest first.
    Customer, type and platform are joined: one query per page, whatever its size.
    """
    is_active = Q(delivery_status__in=ACTIVE_DELIVERY) & ~Q(status=Order.Status.CANCELLED)
    queryset = Order.objects.filter(outlet_id=driver.outlet_id, driver=driver)
    if active_only:
        queryset = queryset.filter(is_active)
    elif business_date is not None:
        queryset = queryset.filter(is_active | Q(business_date=business_date))
    return (
        queryset.select_related("customer", "order_type", "platform")
        .annotate(
            active_rank=Case(
                When(is_active, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by(
            "active_rank",
            Case(When(is_active, then=F("created_at")), default=None).asc(nulls_last=True),
            F("updated_at").desc(),
            "id",
        )
    )
