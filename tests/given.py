"""Orders in a given state for tests, made only through the services (DESIGN.md, "A test:
given, when, then"): whatever state a test starts from is one the hub can reach.

A test that needs a state the services cannot make builds it itself, next to a
comment that says why that state is the point of the test.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.models import Kot, Order, Staff
from hub.services.delivery import delivery_assign, delivery_set_status
from hub.services.kitchen import kot_send
from hub.services.orders import ItemInput, order_cancel, order_create, order_set_status
from hub.services.payments import PaymentRequest, payments_capture

PANEER = ItemInput(menu_item_id=15, quantity=2)  # 25.98 + GST 5% = 27.28, kitchen 1

# The delivery walk (hub/services/delivery.py) up to each status, after `assigned`.
DELIVERY_WALK = {
    "assigned": [],
    "picked_up": ["picked_up"],
    "out_for_delivery": ["picked_up", "out_for_delivery"],
    "delivered": ["picked_up", "out_for_delivery", "delivered"],
    "failed": ["failed"],
}


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def kots_sent(order: Order, *, by: str = "waiter") -> list[Kot]:
    """Every unsent item of the order to its kitchen: hub.services.kitchen.kot_send."""
    person = staff(by)
    return kot_send(order_id=order.pk, outlet=person.outlet, by=person)


def pay_in_full(order: Order, *, by: str = "cashier") -> Order:
    person = staff(by)
    balance = Order.objects.get(pk=order.pk).balance_due
    payments_capture(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        requests=[PaymentRequest(payment_method="cash", amount=balance)],
    )
    return Order.objects.get(pk=order.pk)


def order_given(
    *,
    status: str = Order.Status.DRAFT,
    order_type_id: int = 2,
    items: Sequence[ItemInput] = (PANEER,),
    table_id: int | None = None,
    customer_id: int | None = None,
    guests: int | None = None,
    driver_id: int | None = None,
    delivery_status: str = "",
    by: str = "waiter",
) -> Order:
    """An order of outlet 001 taken by `by`, walked to `status` the way a restaurant does:
    kot (sent), billed (sent, billed), paid (sent, billed, paid in cash by the cashier),
    cancelled (cancelled by the manager). A delivery order (type 3) with `driver_id` is
    assigned to that driver, then walked to `delivery_status` before the order's status
    changes (a cancelled order's delivery stays where it was)."""
    person = staff(by)
    order = order_create(
        outlet=person.outlet,
        by=person,
        order_type_id=order_type_id,
        items=list(items),
        table_id=table_id,
        customer_id=customer_id,
        guests=guests,
    )
    if driver_id is not None:
        _deliver(order, driver_id=driver_id, delivery_status=delivery_status or "assigned")
    if status in (Order.Status.KOT, Order.Status.BILLED, Order.Status.PAID):
        kots_sent(order, by=by)
    if status in (Order.Status.BILLED, Order.Status.PAID):
        cashier = staff("cashier")
        order_set_status(order_id=order.pk, outlet=cashier.outlet, by=cashier, status="billed")
    if status == Order.Status.PAID:
        pay_in_full(order)
    if status == Order.Status.CANCELLED:
        manager = staff("manager")
        order_cancel(order_id=order.pk, outlet=manager.outlet, by=manager, reason="test")
    order = Order.objects.select_related("outlet").get(pk=order.pk)
    assert order.status == status, (order.status, status)
    return order


def _deliver(order: Order, *, driver_id: int, delivery_status: str) -> None:
    cashier = staff("cashier")
    delivery_assign(order_id=order.pk, outlet=cashier.outlet, driver_id=driver_id, by=cashier)
    for step in DELIVERY_WALK[delivery_status]:
        reason = "nobody home" if step == "failed" else ""
        delivery_set_status(
            order_id=order.pk, outlet=cashier.outlet, status=step, by=cashier, reason=reason
        )
