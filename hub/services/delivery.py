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

from collections.abc import Collection
from typing import Any

from hub.errors import (
    BusinessRuleViolation,
    Conflict,
    DeliveryCode,
    Forbidden,
    OrderCode,
    ValidationFailed,
)
from hub.events import driver_stream, orders_stream, record_event, service_transaction
from hub.models import DeliveryDriver, Order, Outlet, Staff
from hub.roles import DRIVER, role_may
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
            code=DeliveryCode.NOT_A_DELIVERY_ORDER,
        )
    if order.status == Order.Status.CANCELLED:
        raise Conflict(
            f"Order {order.number} is cancelled; it is not delivered.", code=OrderCode.ORDER_CLOSED
        )


def delivery_allowed_statuses(order: Order) -> list[str]:
    """The delivery's half of a move, whoever asks: what `PUT .../delivery-status` may
    move it to from here (none for a cancelled or a non-delivery order). Events carry it
    (`allowed_delivery_statuses`)."""
    if order.order_type.code != "delivery" or order.status == Order.Status.CANCELLED:
        return []
    return [str(s) for s in DELIVERY_TRANSITIONS[order.delivery_status or D.PENDING]]


def delivery_active(order: Order) -> bool:
    """Still with a driver: assigned, picked up or out for delivery, and not cancelled
    (hub.selectors.delivery sorts "my deliveries" by the same rule, in SQL)."""
    return order.delivery_status in ACTIVE_DELIVERY and order.status != Order.Status.CANCELLED


def delivery_move_refusal(
    *, driver_id: int | None, by: Staff, own_driver_ids: Collection[int] | None = None
) -> Forbidden | None:
    """The caller's half of a move: why `by` may not move a delivery that `driver_id` is
    carrying, or None if they may. Roles with `delivery.set_status`; a driver only the
    deliveries assigned to them. Not the status: so GET /me's `delivery_statuses` and an
    event's `allowed_delivery_statuses` together give what REST's rows say.
    `own_driver_ids`: `by`'s driver profiles, when read already; else read here."""
    if not role_may(by.role, "delivery.set_status"):
        return Forbidden("Your role may not change deliveries.")
    if by.role == DRIVER:
        own = (
            driver_id in own_driver_ids
            if own_driver_ids is not None
            else DeliveryDriver.objects.filter(pk=driver_id, staff_id=by.pk).exists()
        )
        if driver_id is None or not own:
            return Forbidden("This delivery is not assigned to you.")
    return None


def delivery_statuses_for(
    *, order: Order, by: Staff, own_driver_ids: Collection[int] | None = None
) -> list[str]:
    """What `PUT /orders/{id}/delivery-status` accepts now from `by` (a delivery row's
    `allowed_delivery_statuses`)."""
    if delivery_move_refusal(driver_id=order.driver_id, by=by, own_driver_ids=own_driver_ids):
        return []
    return delivery_allowed_statuses(order)


def staff_driver_ids(staff: Staff) -> set[int]:
    """The driver profiles of a staff user (one query), for delivery_move_refusal over
    many orders."""
    return set(DeliveryDriver.objects.filter(staff=staff).values_list("pk", flat=True))


DELIVERY_TARGETS = tuple(sorted({str(s) for moves in DELIVERY_TRANSITIONS.values() for s in moves}))


def delivery_own_statuses(*, by: Staff, driver_id: int | None) -> list[str]:
    """For GET /me (`delivery_statuses`): the statuses `by` may set on a delivery assigned
    to their driver profile `driver_id` (none without one)."""
    if driver_id is None:
        return []
    refusal = delivery_move_refusal(driver_id=driver_id, by=by, own_driver_ids={driver_id})
    return [] if refusal else list(DELIVERY_TARGETS)


def _event_data(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "driver_id": order.driver_id,
        "delivery_status": order.delivery_status,
        "status": order.status,
        "version": order.version,
        # what a driver's phone draws, decided here (docs/screens.md "Screen state")
        "active": delivery_active(order),
        "allowed_delivery_statuses": delivery_allowed_statuses(order),
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
            code=OrderCode.INVALID_TRANSITION,
            allowed=list(DELIVERY_TRANSITIONS[current]),
        )
    if order.driver_id == driver.pk and current == D.ASSIGNED:
        return order  # a repeated tap: nothing changes, nothing is told twice
    if not driver.is_available:
        raise BusinessRuleViolation(
            f"{driver.name} is not on shift (unavailable).", code=DeliveryCode.DRIVER_UNAVAILABLE
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
    refusal = delivery_move_refusal(driver_id=order.driver_id, by=by)
    if refusal is not None:
        raise refusal
    current = order.delivery_status or D.PENDING
    if status == current:
        return order
    allowed = delivery_allowed_statuses(order)
    if status not in allowed:
        message = f"Cannot move the delivery from {current} to {status}."
        if status == D.ASSIGNED:
            message = (
                "A delivery is assigned by assigning a driver: POST /orders/{id}/assign-driver."
            )
        raise Conflict(message, code=OrderCode.INVALID_TRANSITION, allowed=allowed)
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
