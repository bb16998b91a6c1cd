"""Payment rules and safety (CONTRACT 2, 3, 4a; docs/api.md "Payments")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.errors import BusinessRuleViolation, Conflict, ValidationFailed
from hub.models import Event, Order, Payment, Staff, Table
from hub.services.orders import ItemInput, order_cancel, order_create
from hub.services.payments import PaymentRequest, payment_refund, payments_capture
from tests.concurrency import run_concurrently

D = Decimal


def _order(outlet, *, total: str, table_id: int | None = None, cancelled: bool = False) -> Order:
    """A real order whose total is `total`: one tax-free line (mineral water) at a price
    the manager sets (price override), so the figures stay round."""
    manager = Staff.objects.get(username="manager")
    order = order_create(
        outlet=outlet,
        by=manager,
        order_type_id=1 if table_id else 2,
        table_id=table_id,
        items=[ItemInput(quantity=1, menu_item_id=21, price=D(total))],
    )
    assert order.total == D(total)
    if cancelled:
        order = order_cancel(order_id=order.pk, outlet=outlet, by=manager, reason="test")
    return order


@pytest.fixture
def cashier(demo):
    return Staff.objects.get(username="cashier")


@pytest.mark.embedded
def test_partial_then_settling_payment_marks_paid_and_releases_table(demo, cashier):
    order = _order(demo, total="100.00", table_id=3)
    first = payments_capture(
        order_id=order.pk,
        outlet=demo,
        by=cashier,
        requests=[PaymentRequest("card", D("40.00"), transaction_id="TXN1")],
    )
    assert first.order.payment_status == "partial"
    assert first.balance_due == D("60.00")
    second = payments_capture(
        order_id=order.pk, outlet=demo, by=cashier, requests=[PaymentRequest("cash", D("100.00"))]
    )
    order.refresh_from_db()
    assert order.status == "paid" and order.payment_status == "paid"
    assert second.change_due == D("40.00")
    assert order.paid_total == D("100.00")
    assert Table.objects.get(pk=3).status == "cleaning"  # the demo outlet's release status
    types = list(
        Event.objects.filter(stream="orders.1").order_by("seq").values_list("type", flat=True)
    )
    assert types[-3:] == ["payment.received", "payment.received", "order.status_changed"]


def test_card_above_balance_is_refused_and_nothing_is_recorded(demo, cashier):
    order = _order(demo, total="25.00")
    with pytest.raises(BusinessRuleViolation) as refused:
        payments_capture(
            order_id=order.pk,
            outlet=demo,
            by=cashier,
            requests=[PaymentRequest("card", D("25.01"))],
        )
    assert refused.value.code == "amount_exceeds_balance"
    assert not Payment.objects.filter(order=order).exists()


def test_tip_is_recorded_but_not_part_of_the_balance(demo, cashier):
    order = _order(demo, total="50.00")
    outcome = payments_capture(
        order_id=order.pk,
        outlet=demo,
        by=cashier,
        requests=[PaymentRequest("card", D("50.00"), tip_amount=D("5.00"))],
    )
    assert outcome.order.tip_total == D("5.00")
    assert outcome.order.paid_total == D("50.00")
    assert outcome.order.status == "paid"


def test_split_is_all_or_nothing(demo, cashier):
    order = _order(demo, total="30.00")
    with pytest.raises(BusinessRuleViolation):
        payments_capture(
            order_id=order.pk,
            outlet=demo,
            by=cashier,
            requests=[
                PaymentRequest("cash", D("10.00")),
                PaymentRequest("card", D("25.00")),  # only 20 left: refused
            ],
        )
    order.refresh_from_db()
    assert order.paid_total == D("0.00")
    assert not Payment.objects.filter(order=order).exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.001"])
def test_bad_amounts_are_validation_errors(demo, cashier, amount):
    order = _order(demo, total="30.00")
    with pytest.raises(ValidationFailed):
        payments_capture(
            order_id=order.pk, outlet=demo, by=cashier, requests=[PaymentRequest("cash", D(amount))]
        )


def test_closed_order_takes_no_payment(demo, cashier):
    order = _order(demo, total="30.00", cancelled=True)
    with pytest.raises(Conflict) as refused:
        payments_capture(
            order_id=order.pk,
            outlet=demo,
            by=cashier,
            requests=[PaymentRequest("cash", D("30.00"))],
        )
    assert refused.value.code == "order_closed"


def test_refund_up_to_the_payment_and_status(demo, cashier):
    manager = Staff.objects.get(username="manager")
    order = _order(demo, total="40.00")
    outcome = payments_capture(
        order_id=order.pk, outlet=demo, by=cashier, requests=[PaymentRequest("card", D("40.00"))]
    )
    payment = outcome.payments[0]
    payment_refund(
        order_id=order.pk,
        outlet=demo,
        payment_id=payment.pk,
        amount=D("10.00"),
        reason="cold food",
        by=manager,
    )
    order.refresh_from_db()
    assert order.payment_status == "partial" and order.refunded_total == D("10.00")
    with pytest.raises(BusinessRuleViolation):
        payment_refund(
            order_id=order.pk,
            outlet=demo,
            payment_id=payment.pk,
            amount=D("30.01"),
            reason="too much",
            by=manager,
        )
    payment_refund(
        order_id=order.pk,
        outlet=demo,
        payment_id=payment.pk,
        amount=D("30.00"),
        reason="rest",
        by=manager,
    )
    order.refresh_from_db()
    assert order.payment_status == "refunded"


@pytest.mark.postgres
def test_eight_concurrent_full_payments_leave_exactly_one(transactional_demo):
    outlet = transactional_demo
    cashier = Staff.objects.get(username="cashier")
    order = _order(outlet, total="45.99")

    def pay(_):
        return payments_capture(
            order_id=order.pk,
            outlet=outlet,
            by=cashier,
            requests=[PaymentRequest("card", D("45.99"))],
        )

    results = run_concurrently(pay, 8)
    order.refresh_from_db()
    paid = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(paid) == 1
    assert {getattr(r, "code", repr(r)) for r in refused} == {"order_closed"}
    assert Payment.objects.filter(order=order).count() == 1
    assert order.paid_total == D("45.99")
