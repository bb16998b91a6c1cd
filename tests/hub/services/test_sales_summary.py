"""The per-day sales summary behind GET /reports/sales (hub/services/sales_summary.py;
docs/performance.md "Reports"): written with the payment that makes an order paid, in
its transaction, and equal to a rebuild from the orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from hub.models import GstDaySummary, Order, SalesDaySummary, Staff
from hub.services import printing
from hub.services.orders import ItemInput, order_apply_discount
from hub.services.payments import PaymentRequest, payment_refund, payments_capture
from hub.services.sales_summary import sales_summary_rebuild
from tests.given import order_given

D = Decimal


def _rows(outlet) -> list[tuple]:
    return sorted(
        SalesDaySummary.objects.filter(outlet=outlet).values_list(
            "business_date",
            "dimension",
            "group_key",
            "quantity",
            "orders",
            "subtotal",
            "discount_amount",
            "tax_total",
            "total",
        )
    )


def test_each_payment_adds_what_a_rebuild_computes(demo):
    cashier = Staff.objects.get(username="cashier")
    order_given(status="paid")  # 2 x Paneer Tikka, cash
    mixed = order_given(
        status="billed",
        order_type_id=1,
        table_id=3,
        items=[ItemInput(menu_item_id=15, quantity=1), ItemInput(menu_item_id=16, quantity=2)],
    )
    order_apply_discount(
        order_id=mixed.pk, outlet=demo, by=cashier, discount_type="percent", discount_value=D("7")
    )
    mixed.refresh_from_db()
    half = (mixed.total / 2).quantize(D("0.01"))
    payments_capture(
        order_id=mixed.pk,
        outlet=demo,
        by=cashier,
        requests=[PaymentRequest("card", half), PaymentRequest("upi", mixed.total - half)],
    )
    order_given(status="cancelled")
    order_given(status="kot")  # not paid: in no row
    kept = _rows(demo)
    totals = SalesDaySummary.objects.get(outlet=demo, dimension="total")
    assert totals.orders == 2 and totals.quantity == 5
    assert totals.total == sum(o.total for o in Order.objects.filter(status="paid"))
    by_method = {
        r.group_key: r.orders
        for r in SalesDaySummary.objects.filter(outlet=demo, dimension="payment_method")
    }
    assert by_method == {1: 1, 2: 1, 3: 1}  # cash; card and UPI share the mixed order
    printing.print_job_create_for_invoice(order=mixed, by=None)  # its GST day rows
    gst = sorted(GstDaySummary.objects.filter(outlet=demo).values_list())
    assert len(gst) == 3  # CGST 2.5, SGST 2.5 and the day's invoices
    assert sales_summary_rebuild(outlet=demo) == len(kept) + len(gst)
    assert _rows(demo) == kept
    assert [r[2:] for r in sorted(GstDaySummary.objects.filter(outlet=demo).values_list())] == [
        r[2:] for r in gst
    ]  # the same figures (new ids)


def test_a_payment_that_rolls_back_adds_nothing(demo):
    billed = order_given(status="billed")
    cashier = Staff.objects.get(username="cashier")
    with pytest.raises(RuntimeError), transaction.atomic():
        payments_capture(
            order_id=billed.pk,
            outlet=demo,
            by=cashier,
            requests=[PaymentRequest("cash", billed.total)],
        )
        assert SalesDaySummary.objects.filter(outlet=demo).exists()  # written with it
        raise RuntimeError("the request fails after the payment")
    assert not SalesDaySummary.objects.filter(outlet=demo).exists()


def test_a_refund_leaves_the_days_sales_as_they_were(demo):
    paid = order_given(status="paid")
    kept = _rows(demo)
    payment_refund(
        order_id=paid.pk,
        outlet=demo,
        payment_id=paid.payments.get().pk,
        amount=D("5.00"),
        reason="cold",
        by=Staff.objects.get(username="manager"),
    )
    assert _rows(demo) == kept  # sales are the paid orders' figures (docs/api.md "Reports")


@pytest.mark.postgres
def test_eight_payments_at_once_add_up_and_never_deadlock(transactional_demo):
    """Eight cashiers pay eight orders at once, whose lines touch the same day rows in
    opposite orders (Paneer then Chai, Chai then Paneer): each row is locked in sorted
    order, so none waits in a cycle, and the day's rows hold every order once."""
    from django.db import connection

    from tests.concurrency import run_concurrently

    outlet = transactional_demo
    cashier = Staff.objects.get(username="cashier")
    first, second = ItemInput(menu_item_id=15, quantity=1), ItemInput(menu_item_id=16, quantity=1)
    orders = [
        order_given(status="billed", items=[first, second] if i % 2 else [second, first])
        for i in range(8)
    ]

    def deadlocks() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = deadlocks()

    def work(index: int):
        order = orders[index]
        return payments_capture(
            order_id=order.pk,
            outlet=outlet,
            by=cashier,
            requests=[PaymentRequest("cash" if index % 2 else "card", order.total)],
        )

    results = run_concurrently(work, len(orders))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert deadlocks() == before
    day = {(r.dimension, r.group_key): r for r in SalesDaySummary.objects.filter(outlet=outlet)}
    assert day[("total", -1)].orders == 8 and day[("total", -1)].quantity == 16
    assert day[("total", -1)].total == sum(Order.objects.get(pk=o.pk).total for o in orders)
    assert day[("item", 15)].orders == day[("item", 16)].orders == 8
    assert day[("payment_method", 1)].orders == day[("payment_method", 2)].orders == 4
