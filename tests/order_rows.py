"""Raw order rows for read-side tests (tables, customers, drivers, the bad-input sweep).

These bypass the order services on purpose: the endpoints under test only read
orders, and their tests must not depend on how orders are taken.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from hub.models import Order, OrderItem

_numbers = itertools.count(90000)


def order_row(
    *,
    outlet_id: int = 1,
    order_type_id: int = 1,
    table_id: int | None = None,
    customer_id: int | None = None,
    status: str = Order.Status.DRAFT,
    total: str = "25.98",
    driver_id: int | None = None,
    delivery_status: str = "",
    with_item: bool = False,
    **extra,
) -> Order:
    number = next(_numbers)
    order = Order.objects.create(
        outlet_id=outlet_id,
        number=f"ORD-T-{number}",
        order_type_id=order_type_id,
        table_id=table_id,
        customer_id=customer_id,
        status=status,
        total=Decimal(total),
        subtotal=Decimal(total),
        driver_id=driver_id,
        delivery_status=delivery_status,
        payment_status=Order.PaymentStatus.PAID
        if status == Order.Status.PAID
        else Order.PaymentStatus.UNPAID,
        paid_total=Decimal(total) if status == Order.Status.PAID else Decimal("0"),
        business_date=timezone.localdate(),
        **extra,
    )
    if with_item:
        OrderItem.objects.create(
            order=order,
            menu_item_id=15,
            name="Paneer Tikka",
            quantity=2,
            unit_price=Decimal("12.99"),
            kitchen_id=1,
        )
    return order
