"""hub/services/delivery.py: assigning drivers, the delivery path, who may move it, events."""

from decimal import Decimal

import pytest

from hub.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from hub.models import DeliveryDriver, Event, Order, Staff
from hub.services import delivery as svc
from hub.services.orders import ItemInput, order_cancel, order_create

PANEER = ItemInput(menu_item_id=15, quantity=2)


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def delivery_order(**kwargs) -> Order:
    cashier = staff("cashier")
    kwargs.setdefault("order_type_id", 3)
    kwargs.setdefault("customer_id", 10)
    return order_create(outlet=cashier.outlet, by=cashier, items=[PANEER], **kwargs)


def assign(order: Order, driver_id: int, by: str = "manager") -> Order:
    person = staff(by)
    return svc.delivery_assign(
        order_id=order.pk, outlet=person.outlet, driver_id=driver_id, by=person
    )


def move(order: Order, status: str, by: str = "driver", reason: str = "") -> Order:
    person = staff(by)
    return svc.delivery_set_status(
        order_id=order.pk, outlet=person.outlet, status=status, reason=reason, by=person
    )


def stream_events(stream: str, order: Order) -> list[Event]:
    return [
        e
        for e in Event.objects.filter(stream=stream).order_by("seq")
        if e.data.get("order_id") == order.pk
    ]


@pytest.mark.embedded
def test_driver_walks_a_delivery_to_the_door_on_their_own_stream(demo):
    order = delivery_order()
    assert order.delivery_status == "pending"
    order = assign(order, 1)
    assert (order.driver_id, order.delivery_status, order.version) == (1, "assigned", 2)
    for status in ("picked_up", "out_for_delivery", "delivered"):
        order = move(order, status)
    order.refresh_from_db()
    assert order.delivery_status == "delivered" and order.version == 5
    on_driver = stream_events("driver.1", order)
    assert [(e.type, e.data["delivery_status"]) for e in on_driver] == [
        ("delivery.assigned", "assigned"),
        ("delivery.status_changed", "picked_up"),
        ("delivery.status_changed", "out_for_delivery"),
        ("delivery.status_changed", "delivered"),
    ]
    assert [e.seq for e in on_driver] == sorted(e.seq for e in on_driver)
    assert on_driver[-1].data["from_status"] == "out_for_delivery"
    assert on_driver[-1].data["version"] == 5
    # the POS clients see the same moves on the outlet's orders stream, no table stream
    on_orders = [e.type for e in stream_events("orders.1", order) if e.type.startswith("delivery.")]
    assert on_orders == ["delivery.assigned"] + ["delivery.status_changed"] * 3
    assert not Event.objects.filter(
        stream__startswith="table.", type__startswith="delivery."
    ).exists()


def test_another_driver_may_not_move_the_delivery(demo):
    order = assign(delivery_order(), 1)
    with pytest.raises(Forbidden):
        move(order, "picked_up", by="driver2")
    order.refresh_from_db()
    assert order.delivery_status == "assigned"


def test_driver_may_not_move_an_unassigned_delivery(demo):
    with pytest.raises(Forbidden):
        move(delivery_order(), "failed", by="driver", reason="no")


def test_cashier_and_manager_move_any_delivery_of_the_outlet(demo):
    order = assign(delivery_order(), 2)
    order = move(order, "picked_up", by="cashier")
    assert order.delivery_status == "picked_up"


def test_reassigning_tells_both_drivers(demo):
    order = assign(delivery_order(), 1)
    order = assign(order, 2)
    assert order.driver_id == 2 and order.version == 3
    taken = stream_events("driver.1", order)[-1]
    given = stream_events("driver.2", order)[-1]
    assert taken.type == given.type == "delivery.assigned"
    assert taken.data["driver_id"] == 2 and taken.data["previous_driver_id"] == 1
    assert taken.data == given.data


def test_same_driver_again_changes_nothing(demo):
    order = assign(delivery_order(), 1)
    count = Event.objects.filter(type="delivery.assigned").count()
    again = assign(order, 1)
    assert again.version == order.version
    assert Event.objects.filter(type="delivery.assigned").count() == count


def test_no_reassignment_once_the_food_left(demo):
    order = move(assign(delivery_order(), 1), "picked_up")
    with pytest.raises(Conflict) as caught:
        assign(order, 2)
    assert caught.value.code == "invalid_transition"
    assert caught.value.extra["allowed"] == ["out_for_delivery", "failed"]


def test_failed_needs_a_reason_and_can_be_reassigned(demo):
    order = move(assign(delivery_order(), 1), "picked_up")
    with pytest.raises(ValidationFailed) as caught:
        move(order, "failed", reason="  ")
    assert "reason" in caught.value.fields
    order = move(order, "failed", reason="Customer not answering")
    assert order.delivery_failed_reason == "Customer not answering"
    event = stream_events("driver.1", order)[-1]
    assert event.data["reason"] == "Customer not answering"
    order = assign(order, 2)
    assert order.delivery_status == "assigned" and order.delivery_failed_reason == ""


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("assigned", "delivered", ["picked_up", "failed"]),
        ("assigned", "out_for_delivery", ["picked_up", "failed"]),
        ("picked_up", "assigned", ["out_for_delivery", "failed"]),
        ("delivered", "failed", []),
    ],
)
def test_skipping_or_going_back_is_refused_with_the_allowed_moves(demo, start, target, allowed):
    order = assign(delivery_order(), 1)
    path = ["picked_up", "out_for_delivery", "delivered"]
    for status in path[: path.index(start) + 1] if start != "assigned" else []:
        order = move(order, status)
    with pytest.raises(Conflict) as caught:
        move(order, target, reason="x")
    assert caught.value.code == "invalid_transition"
    assert caught.value.extra["allowed"] == allowed


def test_pending_cannot_be_set_assigned_without_a_driver(demo):
    with pytest.raises(Conflict) as caught:
        move(delivery_order(), "assigned", by="manager")
    assert caught.value.extra["allowed"] == ["failed"]


def test_repeated_status_is_a_no_op(demo):
    order = move(assign(delivery_order(), 1), "picked_up")
    again = move(order, "picked_up")
    assert again.version == order.version


def test_not_a_delivery_order(demo):
    cashier = staff("cashier")
    takeaway = order_create(outlet=cashier.outlet, by=cashier, order_type_id=2, items=[PANEER])
    with pytest.raises(BusinessRuleViolation) as caught:
        assign(takeaway, 1)
    assert caught.value.code == "not_a_delivery_order" and caught.value.status == 422
    with pytest.raises(BusinessRuleViolation):
        move(takeaway, "picked_up", by="manager")


def test_cancelled_order_is_closed_for_delivery(demo):
    order = delivery_order()
    order_cancel(order_id=order.pk, outlet=order.outlet, by=staff("manager"), reason="guest left")
    with pytest.raises(Conflict) as caught:
        assign(order, 1)
    assert caught.value.code == "order_closed"


def test_paid_order_is_still_delivered(demo):
    order = delivery_order()
    Order.objects.filter(pk=order.pk).update(
        status="paid", payment_status="paid", paid_total=order.total
    )
    order = assign(order, 1)
    assert order.delivery_status == "assigned" and order.status == "paid"


def test_driver_of_another_outlet_or_unknown_is_a_validation_error(demo):
    other = DeliveryDriver.objects.create(outlet_id=2, name="Far Away")
    for driver_id in (other.pk, 999999):
        with pytest.raises(ValidationFailed) as caught:
            assign(delivery_order(), driver_id)
        assert "driver_id" in caught.value.fields


def test_unavailable_driver_is_refused(demo):
    DeliveryDriver.objects.filter(pk=3).update(is_available=False)
    with pytest.raises(BusinessRuleViolation) as caught:
        assign(delivery_order(), 3)
    assert caught.value.code == "driver_unavailable"


def test_another_outlets_order_is_not_found(demo):
    order = delivery_order()
    manager2 = staff("manager2")
    with pytest.raises(NotFound):
        svc.delivery_assign(order_id=order.pk, outlet=manager2.outlet, driver_id=1, by=manager2)
    with pytest.raises(NotFound):
        svc.delivery_set_status(
            order_id=order.pk, outlet=manager2.outlet, status="failed", reason="x", by=manager2
        )


def test_refused_change_records_nothing(demo):
    order = assign(delivery_order(), 1)
    before = Event.objects.count()
    with pytest.raises(Forbidden):
        move(order, "picked_up", by="driver2")
    assert Event.objects.count() == before
    assert Order.objects.get(pk=order.pk).total == Decimal("27.28")
