"""Delivery: assigning a driver and walking a delivery to the door (CONTRACT 4a;
docs/api.md "Delivery").

A delivery order (order type `delivery`) carries `delivery_status`:

    pending -> assigned -> picked_up -> out_for_delivery -> delivered
    pending | assigned | picked_up | out_for_delivery -> failed (with a reason)

`assigned` is reached only through `delivery_assign` (a status without a driver
would mean nothing). A failed delivery, or one not yet picked up, can be
(re)assigned; once the food left with a driver it cannot be given to another
one: that driver first reports `failed` (with the reason), then the order is
reassigned. The delivery status is independent of the order status: a
prepaid (paid) delivery order is still delivered, so only cancelled orders are
closed for delivery.

Both functions lock the order row (hub.services.order_core.order_lock), raise
`Order.version` by one and record their event in the same transaction on the
outlet's orders stream and on the driver's stream (both drivers' streams on a
reassignment, so the old driver's phone learns the order was taken away).
No `order.updated` is recorded: the `delivery.*` events carry the new
`version`, which is what a POS client needs to keep its copy current.
"""

from __future__ import annotations

from typing import Any

from hub.errors import BusinessRuleViolation, Conflict, Forbidden, ValidationFailed
from hub.models import DeliveryDriver, Order, Outlet, Staff
from hub.roles import DRIVER
from hub.services.events import driver_stream, orders_stream, record_event, service_transaction
from hub.services.order_core import order_bump, order_lock

D = Order.DeliveryStatus

# What PUT /orders/{id}/delivery-status accepts from each status. `assigned` is
# absent as a target on purpose: it is reached by assigning a driver.
DELIVERY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    D.PENDING: (D.FAILED,),
    D.ASSIGNED: (D.PICKED_UP, D.FAILED),
    D.PICKED_UP: (D.OUT_FOR_DELIVERY, D.FAILED),
    D.OUT_FOR_DELIVERY: (D.DELIVERED, D.FAILED),
    D.DELIVERED: (),
    D.FAILED: (),
}
# Where a driver may be (re)assigned from: the food has not left with anyone.
ASSIGNABLE_FROM = frozenset({D.PENDING, D.ASSIGNED, D.FAILED})
ACTIVE_DELIVERY = frozenset({D.ASSIGNED, D.PICKED_UP, D.OUT_FOR_DELIVERY})
MAX_REASON = 200


def _require_delivery_order(order: Order) -> None:
    if order.order_type.code != "delivery":
        raise BusinessRuleViolation(
            f"Order {order.number} is a {order.order_type.name} order, not a delivery.",
            code="not_a_delivery_order",
        )
    if order.status == Order.Status.CANCELLED:
        raise Conflict(
            f"Order {order.number} is cancelled; it is not delivered.", code="order_closed"
        )


def _event_data(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "driver_id": order.driver_id,
        "delivery_status": order.delivery_status,
        "status": order.status,
        "version": order.version,
        **extra,
    }


@service_transaction
def delivery_assign(*, order_id: int, outlet: Outlet, driver_id: int, by: Staff) -> Order:
    """Give a delivery order to a driver of the outlet (`POST /orders/{id}/assign-driver`).

    Preconditions: the order is the outlet's (else 404), its type is delivery
    (422 `not_a_delivery_order`), it is not cancelled (409 `order_closed`; paid
    is fine: prepaid orders are delivered too), its delivery is `pending`,
    `assigned` or `failed` (409 `invalid_transition`, `allowed` = the status
    moves still possible); the driver is the outlet's (400 `validation_error`
    on `driver_id`) and on shift, `is_available` (422 `driver_unavailable`).
    The same driver again changes nothing. Otherwise `driver`, `delivery_status
    = assigned`, a cleared failure reason, version + 1, and `delivery.assigned`
    on orders.<outlet>, driver.<new> and, on a reassignment, driver.<old>.
    """
    order = order_lock(order_id=order_id, outlet=outlet)
    _require_delivery_order(order)
    driver = DeliveryDriver.objects.filter(pk=driver_id, outlet=outlet).first()
    if driver is None:
        raise ValidationFailed(fields={"driver_id": ["No such driver at this outlet."]})
    current = order.delivery_status or D.PENDING
    if current not in ASSIGNABLE_FROM:
        raise Conflict(
            f"The delivery is {current}: the food is with {_driver_name(order)}. "
            "They report it failed before it can go to another driver.",
            code="invalid_transition",
            allowed=list(DELIVERY_TRANSITIONS[current]),
        )
    if order.driver_id == driver.pk and current == D.ASSIGNED:
        return order  # a repeated tap: nothing changes, nothing is told twice
    if not driver.is_available:
        raise BusinessRuleViolation(
            f"{driver.name} is not on shift (unavailable).", code="driver_unavailable"
        )
    previous_driver_id = order.driver_id
    order.driver = driver
    order.delivery_status = D.ASSIGNED
    order.delivery_failed_reason = ""
    order_bump(order, fields=["driver", "delivery_status", "delivery_failed_reason"])
    streams = [orders_stream(outlet.pk), driver_stream(driver.pk)]
    if previous_driver_id and previous_driver_id != driver.pk:
        streams.append(driver_stream(previous_driver_id))
    record_event(
        outlet=outlet,
        streams=streams,
        type="delivery.assigned",
        data=_event_data(
            order,
            previous_driver_id=previous_driver_id,
            from_status=str(current),
            driver_name=driver.name,
        ),
    )
    return order


def _driver_name(order: Order) -> str:
    return order.driver.name if order.driver_id else "nobody"


@service_transaction
def delivery_set_status(
    *, order_id: int, outlet: Outlet, status: str, by: Staff, reason: str = ""
) -> Order:
    """Move a delivery along its path (`PUT /orders/{id}/delivery-status`).

    Preconditions: the order is the outlet's (404) delivery order (422
    `not_a_delivery_order`), not cancelled (409 `order_closed`); a driver
    changes only orders assigned to them (403 `forbidden`; managers and
    cashiers change any); `failed` needs a `reason` (400); the move follows
    DELIVERY_TRANSITIONS (409 `invalid_transition` with `allowed`). The current
    status again is a no-op (a retried tap). Raises version by one and records
    `delivery.status_changed` on orders.<outlet> and driver.<driver>.
    """
    if status not in D.values:
        raise ValidationFailed(fields={"status": [f"Must be one of {', '.join(D.values)}."]})
    reason = (reason or "").strip()
    order = order_lock(order_id=order_id, outlet=outlet)
    _require_delivery_order(order)
    if (
        by.role == DRIVER
        and not DeliveryDriver.objects.filter(pk=order.driver_id, staff_id=by.pk).exists()
    ):
        raise Forbidden("This delivery is not assigned to you.")
    current = order.delivery_status or D.PENDING
    if status == current:
        return order
    allowed = list(DELIVERY_TRANSITIONS[current])
    if status not in allowed:
        message = f"Cannot move the delivery from {current} to {status}."
        if status == D.ASSIGNED:
            message = (
                "A delivery is assigned by assigning a driver: POST /orders/{id}/assign-driver."
            )
        raise Conflict(message, code="invalid_transition", allowed=allowed)
    if status == D.FAILED and not reason:
        raise ValidationFailed(fields={"reason": ["Say why the delivery failed."]})
    order.delivery_status = status
    order.delivery_failed_reason = reason[:MAX_REASON] if status == D.FAILED else ""
    order_bump(order, fields=["delivery_status", "delivery_failed_reason"])
    streams = [orders_stream(outlet.pk)]
    if order.driver_id:
        streams.append(driver_stream(order.driver_id))
    record_event(
        outlet=outlet,
        streams=streams,
        type="delivery.status_changed",
        data=_event_data(order, from_status=str(current), reason=order.delivery_failed_reason),
    )
    return order
