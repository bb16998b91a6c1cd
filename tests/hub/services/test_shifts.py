"""Shifts, the cash drawer and the X/Z report (CONTRACT 14; docs/api.md "Shifts").

The worked example of docs/api.md "Shifts" is built here through the services, and every
figure of its report is asserted.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from hub.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hub.models import AuditEntry, Event, Order, Outlet, Payment, Refund, Shift, Staff
from hub.services.orders import ItemInput, order_apply_discount, order_cancel, order_update
from hub.services.payments import PaymentRequest, payment_refund, payments_capture
from hub.services.shifts import (
    cash_movement_record,
    shift_close,
    shift_open,
    shift_report,
    shift_x_report,
)
from tests.concurrency import run_concurrently
from tests.given import order_given

D = Decimal


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def pay(order: Order, method: str, amount: str, *, tip: str = "0") -> Payment:
    cashier = staff("cashier")
    outcome = payments_capture(
        order_id=order.pk,
        outlet=cashier.outlet,
        by=cashier,
        requests=[PaymentRequest(method, D(amount), tip_amount=D(tip))],
    )
    return outcome.payments[0]


def refund(payment: Payment, amount: str, reason: str = "cold") -> Refund:
    manager = staff("manager")
    return payment_refund(
        order_id=payment.order_id,
        outlet=manager.outlet,
        payment_id=payment.pk,
        amount=D(amount),
        reason=reason,
        by=manager,
    )


def worked_example(outlet: Outlet) -> dict:
    """docs/api.md "Shifts", worked example: the shift's rows, made by the services."""
    cashier, manager = staff("cashier"), staff("manager")
    shift_open(outlet=outlet, by=cashier, opening_float=D("1000.00"))
    # A: 2 x Paneer Tikka 25.98 + CGST 0.65 + SGST 0.65 = 27.28, paid with 50.00 cash
    a = order_given(status="billed")
    pay_a = pay(a, "cash", "50.00")
    # B: 1 x Masala Chai 4.50 + 0.11 + 0.11 = 4.72 by card with a 1.00 tip
    b = order_given(status="billed", items=[ItemInput(menu_item_id=16, quantity=1)])
    pay_b = pay(b, "card", "4.72", tip="1.00")
    # C: sent to the kitchen, then cancelled
    c = order_given(status="kot")
    order_cancel(order_id=c.pk, outlet=outlet, by=manager, reason="guest left")
    # D: 2 x Paneer sent, one taken back (a void line of 12.99), 10% off by the cashier:
    # 12.99 - 1.30 = 11.69, + 0.29 + 0.29 = 12.27, by UPI
    d = order_given(status="kot")
    line = d.items.get()
    order_update(
        order_id=d.pk,
        outlet=outlet,
        by=manager,
        items=[ItemInput(id=line.pk, quantity=1)],
        void_reason="one was enough",
    )
    order_apply_discount(
        order_id=d.pk, outlet=outlet, by=cashier, discount_type="percent", discount_value=D("10")
    )
    pay(d, "upi", "12.27")
    # refunds: 2.00 of A's cash, 1.00 of B's card
    refund(pay_a, "2.00")
    refund(pay_b, "1.00")
    cash_movement_record(outlet=outlet, by=cashier, kind="paid_in", amount=D("500"), reason="coins")
    cash_movement_record(outlet=outlet, by=cashier, kind="paid_out", amount=D("120"), reason="milk")
    return {"a": a, "b": b, "c": c, "d": d, "pay_a": pay_a}


def as_json(value):
    """Decimals as their strings, as the stored Z report keeps them."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_the_worked_example_every_figure(demo):
    worked_example(demo)
    x = shift_x_report(outlet=demo)
    assert x["z_number"] is None and x["shift"]["closed_at"] is None
    assert x["shift"]["opened_by"]["name"] == staff("cashier").name
    assert x["orders"] == {
        "count": 3,
        "cancelled": 1,
        "void_lines": 1,
        "void_amount": D("12.99"),
        "discounts": 1,
        "discount_amount": D("1.30"),
    }
    assert x["sales"] == {
        "subtotal": D("43.47"),  # 25.98 + 4.50 + 12.99
        "discount_amount": D("1.30"),
        "taxes": [
            {"name": "CGST", "rate": D("2.5"), "amount": D("1.05")},  # 0.65 + 0.11 + 0.29
            {"name": "SGST", "rate": D("2.5"), "amount": D("1.05")},
        ],
        "tax_total": D("2.10"),
        "service_charge": D("0.00"),
        "round_off": D("0.00"),
        "total": D("44.27"),  # 27.28 + 4.72 + 12.27
    }
    assert x["payments"] == [
        {"method": "cash", "name": "Cash", "count": 1, "amount": D("27.28"), "tips": D("0.00")},
        {"method": "card", "name": "Card", "count": 1, "amount": D("4.72"), "tips": D("1.00")},
        {"method": "upi", "name": "UPI", "count": 1, "amount": D("12.27"), "tips": D("0.00")},
    ]
    assert x["refunds"] == {"count": 2, "amount": D("3.00")}
    assert x["cash"] == {
        "opening_float": D("1000.00"),
        "cash_payments": D("50.00"),  # tendered, change included
        "change_given": D("22.72"),
        "cash_refunds": D("2.00"),  # the card refund is not the drawer's
        "paid_in": D("500.00"),
        "paid_out": D("120.00"),
        # 1000 + 50.00 - 22.72 - 2.00 + 500 - 120
        "expected": D("1405.28"),
        "counted": None,
        "difference": None,
    }

    z = shift_close(outlet=demo, by=staff("cashier"), counted_cash=D("1400.00"))
    assert z["z_number"] == 1
    assert z["cash"]["counted"] == "1400.00" and z["cash"]["difference"] == "-5.28"
    assert z["cash"]["expected"] == "1405.28"
    # the Z is the X of the same rows, plus the close
    for key in ("orders", "sales", "payments", "refunds"):
        assert z[key] == as_json(x[key]), key
    assert z["shift"]["closed_by"]["name"] == staff("cashier").name


def test_the_x_report_changes_nothing(demo):
    worked_example(demo)
    events, shift = Event.objects.count(), Shift.objects.get()
    first = shift_x_report(outlet=demo)
    assert shift_x_report(outlet=demo) == first
    assert Event.objects.count() == events
    assert Shift.objects.get().report is None and shift.z_number is None


def test_the_z_report_is_frozen_and_later_refunds_fall_in_the_next_shift(demo):
    rows = worked_example(demo)
    shift = Shift.objects.get()
    z = shift_close(outlet=demo, by=staff("manager"), counted_cash=D("1405.28"))
    assert z["cash"]["difference"] == "0.00"
    second = shift_open(outlet=demo, by=staff("cashier"), opening_float=D("0"))
    late = refund(rows["pay_a"], "5.00", reason="found a hair")
    assert late.shift_id == second.pk
    assert shift_report(outlet=demo, shift_id=shift.pk) == z  # unchanged, forever
    next_x = shift_x_report(outlet=demo)
    assert next_x["refunds"] == {"count": 1, "amount": D("5.00")}
    assert next_x["cash"]["cash_refunds"] == D("5.00")
    assert next_x["cash"]["expected"] == D("-5.00")
    assert next_x["orders"]["count"] == 0  # the order was paid in the first shift


def test_payments_refunds_and_orders_record_the_open_shift(demo):
    before = order_given(status="paid")  # no shift open: attributed to none
    assert before.shift_id is None and before.payments.get().shift_id is None
    shift = shift_open(outlet=demo, by=staff("cashier"), opening_float=D("10"))
    paid = order_given(status="paid")
    assert paid.shift_id == shift.pk and paid.payments.get().shift_id == shift.pk
    cancelled = order_given(status="cancelled")
    assert cancelled.shift_id == shift.pk


def test_one_open_shift_per_outlet(demo):
    shift_open(outlet=demo, by=staff("cashier"), opening_float=D("10"))
    with pytest.raises(Conflict) as refused:
        shift_open(outlet=demo, by=staff("manager"), opening_float=D("10"))
    assert refused.value.code == "shift_open"
    # another outlet has its own
    other = Outlet.objects.get(code="002")
    shift_open(outlet=other, by=staff("manager2"), opening_float=D("0"))
    assert Shift.objects.filter(closed_at__isnull=True).count() == 2


def test_no_open_shift_refusals(demo):
    with pytest.raises(NotFound):
        shift_x_report(outlet=demo)
    with pytest.raises(Conflict) as refused:
        shift_close(outlet=demo, by=staff("cashier"), counted_cash=D("0"))
    assert refused.value.code == "no_open_shift"
    with pytest.raises(Conflict) as refused:
        cash_movement_record(
            outlet=demo, by=staff("cashier"), kind="paid_in", amount=D("1"), reason="x"
        )
    assert refused.value.code == "no_open_shift"


def test_requires_open_shift_refuses_payments_without_one(demo):
    Outlet.objects.filter(pk=demo.pk).update(requires_open_shift=True)
    order = order_given(status="billed")
    with pytest.raises(Conflict) as refused:
        pay(order, "cash", "100")
    assert refused.value.code == "no_open_shift"
    assert not Payment.objects.filter(order=order).exists()
    shift = shift_open(outlet=demo, by=staff("cashier"), opening_float=D("0"))
    assert pay(order, "cash", "100").shift_id == shift.pk


def test_roles_and_bad_amounts(demo):
    with pytest.raises(Forbidden):
        shift_open(outlet=demo, by=staff("waiter"), opening_float=D("0"))
    with pytest.raises(ValidationFailed):
        shift_open(outlet=demo, by=staff("cashier"), opening_float=D("-1"))
    with pytest.raises(ValidationFailed):
        shift_open(outlet=demo, by=staff("cashier"), opening_float=D("1.005"))
    shift_open(outlet=demo, by=staff("cashier"), opening_float=D("0"))
    for kind, amount, reason in [("paid_in", "0", "x"), ("tip", "1", "x"), ("paid_out", "1", " ")]:
        with pytest.raises(ValidationFailed):
            cash_movement_record(
                outlet=demo, by=staff("cashier"), kind=kind, amount=D(amount), reason=reason
            )


def test_events_and_audit_of_open_cash_and_close(demo):
    cashier = staff("cashier")
    shift = shift_open(outlet=demo, by=cashier, opening_float=D("100"))
    cash_movement_record(outlet=demo, by=cashier, kind="paid_out", amount=D("30"), reason="ice")
    shift_close(outlet=demo, by=cashier, counted_cash=D("69.50"))
    opened, closed = Event.objects.filter(stream="orders.1", type__startswith="shift.").order_by(
        "seq"
    )
    assert opened.type == "shift.opened" and opened.data["opening_float"] == 100.0
    assert closed.type == "shift.closed"
    assert closed.data["z_number"] == 1 and closed.data["difference"] == -0.5
    assert closed.data["expected"] == 70.0 and closed.data["shift_id"] == shift.pk
    audit = list(AuditEntry.objects.filter(shift=shift).order_by("id"))
    assert [(a.kind, a.amount, a.reason) for a in audit] == [
        ("cash_movement", D("30.00"), "ice"),
        ("shift_close", D("-0.50"), ""),
    ]
    assert audit[1].after == {
        "z_number": 1,
        "expected": "70.00",
        "counted": "69.50",
        "difference": "-0.50",
    }


def test_x_report_queries_do_not_grow_with_the_shift(demo, django_assert_max_num_queries):
    shift_open(outlet=demo, by=staff("cashier"), opening_float=D("0"))
    order_given(status="paid")
    with django_assert_max_num_queries(8) as few:
        shift_x_report(outlet=demo)
    for _ in range(6):
        paid = order_given(status="paid")
        refund(paid.payments.get(), "1.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = shift_x_report(outlet=demo)
    assert report["orders"]["count"] == 7 and report["refunds"]["count"] == 6


@pytest.mark.postgres
def test_z_numbers_are_gap_free_under_concurrent_opens_and_closes(transactional_demo):
    """8 workers at once, 6 rounds: each opens a shift (one wins, the rest 409), then each
    tries to close it (one wins). A close that rolls back after taking its number gives
    it back. The Z numbers are 1..n, each once."""
    outlet = transactional_demo
    cashier = staff("cashier")

    class Boom(Exception):
        pass

    def work(index: int):
        outcomes = []
        for round_ in range(6):
            try:
                shift_open(outlet=outlet, by=cashier, opening_float=D("1"))
                outcomes.append("opened")
            except Conflict as refused:
                outcomes.append(refused.code)
            try:
                if (index + round_) % 5 == 0:
                    with transaction.atomic():
                        shift_close(outlet=outlet, by=cashier, counted_cash=D("1"))
                        raise Boom
                shift_close(outlet=outlet, by=cashier, counted_cash=D("1"))
                outcomes.append("closed")
            except Conflict as refused:
                outcomes.append(refused.code)
            except Boom:
                outcomes.append("rolled back")
        return outcomes

    results = run_concurrently(work, 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    closed = list(Shift.objects.filter(outlet=outlet, closed_at__isnull=False))
    numbers = sorted(s.z_number for s in closed)
    assert numbers == list(range(1, len(closed) + 1)) and len(closed) >= 6
    assert Shift.objects.filter(outlet=outlet, closed_at__isnull=True).count() <= 1
    assert all(s.report["z_number"] == s.z_number for s in closed)
    assert sum(r.count("closed") for r in results) == len(closed)


@pytest.mark.postgres
def test_a_payment_racing_a_close_is_in_the_z_report_or_in_no_shift(transactional_demo):
    """Payments and a close at once: every payment attributed to the closed shift is in
    its Z report (its lock on the shift row makes the close wait), none after it."""
    outlet = transactional_demo
    shift = shift_open(outlet=outlet, by=staff("cashier"), opening_float=D("0"))
    orders = [order_given(status="billed") for _ in range(6)]

    def work(index: int):
        if index == len(orders):
            return shift_close(outlet=outlet, by=staff("manager"), counted_cash=D("0"))
        return pay(orders[index], "cash", "27.28")

    results = run_concurrently(work, len(orders) + 1)
    assert not [r for r in results if isinstance(r, Exception)], results
    z = Shift.objects.get(pk=shift.pk).report
    in_shift = Payment.objects.filter(shift=shift)
    assert z["cash"]["cash_payments"] == f"{D('27.28') * in_shift.count():.2f}"
    assert Payment.objects.filter(shift__isnull=True).count() == len(orders) - in_shift.count()


def test_requires_open_shift_refuses_refunds_without_one(demo):
    shift_open(outlet=demo, by=staff("cashier"), opening_float=D("0"))
    paid = order_given(status="paid")
    shift_close(outlet=demo, by=staff("cashier"), counted_cash=D("27.28"))
    Outlet.objects.filter(pk=demo.pk).update(requires_open_shift=True)
    with pytest.raises(Conflict) as refused:
        refund(paid.payments.get(), "1.00")
    assert refused.value.code == "no_open_shift"
    assert not Refund.objects.exists() and not AuditEntry.objects.filter(kind="refund").exists()
