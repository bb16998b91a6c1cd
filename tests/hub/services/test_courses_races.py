"""Courses under races (CONTRACT 13, docs/architecture.md "Lock order"): a fire racing a
send, two fires at once, a line bump racing a KOT-level move. Each change locks the order
first, so whichever wins, nothing is left held after its course was fired, nothing
prints twice, and the ticket's status agrees with its lines."""

from __future__ import annotations

import pytest

from hub.models import Kot, Order, OrderItem, PrintJob
from hub.services.kitchen import kot_item_set_status, kot_send, kot_set_status, order_fire
from hub.services.orders import ItemInput
from tests.concurrency import run_concurrently
from tests.given import order_given, staff

pytestmark = pytest.mark.postgres

ROUNDS = 6


def two_courses() -> Order:
    return order_given(
        items=[
            ItemInput(menu_item_id=15, quantity=1),
            ItemInput(menu_item_id=6, quantity=1, course=2),
        ]
    )


def test_a_fire_racing_a_send_leaves_nothing_held(transactional_demo):
    for _ in range(ROUNDS):
        _fire_racing_a_send(transactional_demo)


def _fire_racing_a_send(transactional_demo):
    waiter = staff("waiter")
    order = two_courses()
    calls = [
        lambda: kot_send(order_id=order.pk, outlet=transactional_demo, by=waiter),
        lambda: order_fire(order_id=order.pk, outlet=transactional_demo, course=2, by=waiter),
    ]
    results = run_concurrently(lambda i: calls[i](), 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Order.objects.get(pk=order.pk).fired_course == 2
    assert not Kot.objects.filter(order=order, status="held").exists()
    assert set(OrderItem.objects.filter(order=order).values_list("status", flat=True)) == {
        "sent_to_kitchen"
    }
    for kot in Kot.objects.filter(order=order):
        assert PrintJob.objects.filter(kot=kot).count() == 1


def test_two_fires_at_once_send_and_print_each_held_ticket_once(transactional_demo):
    for _ in range(ROUNDS):
        _two_fires(transactional_demo)


def _two_fires(transactional_demo):
    waiter, cashier = staff("waiter"), staff("cashier")
    order = two_courses()
    kot_send(order_id=order.pk, outlet=transactional_demo, by=waiter)
    people = [waiter, cashier]
    results = run_concurrently(
        lambda i: order_fire(order_id=order.pk, outlet=transactional_demo, course=2, by=people[i]),
        2,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    (held,) = Kot.objects.filter(order=order, course=2)
    assert held.status == "sent_to_kitchen"
    assert PrintJob.objects.filter(kot=held).count() == 1
    assert Order.objects.get(pk=order.pk).version == order.version + 2  # send + one fire


def test_a_line_bump_racing_a_kot_move_leaves_the_ticket_agreeing_with_its_lines(
    transactional_demo,
):
    for _ in range(ROUNDS):
        _bump_racing_a_move(transactional_demo)


def _bump_racing_a_move(transactional_demo):
    waiter, chef = staff("waiter"), staff("chef")
    order = order_given(items=[ItemInput(menu_item_id=15, quantity=1)])
    (kot,) = kot_send(order_id=order.pk, outlet=transactional_demo, by=waiter)
    kot_set_status(kot_id=kot.pk, outlet=transactional_demo, status="in_kitchen", by=chef)
    (item,) = OrderItem.objects.filter(kot=kot)
    calls = [
        lambda: kot_item_set_status(
            kot_id=kot.pk,
            item_id=item.pk,
            outlet=transactional_demo,
            status="food_ready",
            by=chef,
        ),
        lambda: kot_set_status(
            kot_id=kot.pk, outlet=transactional_demo, status="food_ready", by=chef
        ),
    ]
    results = run_concurrently(lambda i: calls[i](), 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Kot.objects.get(pk=kot.pk).status == "food_ready"
    assert OrderItem.objects.get(pk=item.pk).status == "food_ready"
