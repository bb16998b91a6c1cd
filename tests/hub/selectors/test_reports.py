"""Sales, GST and audit reports (CONTRACT 15; hub/selectors/reports.py, docs/api.md "Reports").

Orders are made through the services at a given outlet-local time (the clock patched), so
their business days, paid hours and invoices are the ones a restaurant would have.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.errors import ValidationFailed
from hub.models import AuditEntry, InvoiceTaxLine, Order, PrintJob, Staff
from hub.selectors.reports import GROUPS, audit_entries, gst_report, sales_report
from hub.services import printing
from hub.services.orders import ItemInput, order_apply_discount
from hub.tickets import ticket_from_snapshot
from tests.given import order_given

D = Decimal
KOLKATA = ZoneInfo("Asia/Kolkata")
DAY = date(2031, 3, 3)


@contextmanager
def clock(day: date, hour: int = 13, minute: int = 0):
    at = datetime.combine(day, time(hour, minute), tzinfo=KOLKATA)
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield at


def report(outlet, group_by: str, date_from: date = DAY, date_to: date = DAY) -> dict:
    return sales_report(
        outlet=outlet, zone=KOLKATA, date_from=date_from, date_to=date_to, group_by=group_by
    )


PANEER, CHAI = 15, 16  # 12.99 in kitchen 1, 4.50 in the Bar; GST 5% (2.5 + 2.5)


def the_day(outlet) -> dict[str, Order]:
    """docs/api.md "Reports", worked example: one business day of outlet 001."""
    manager, cashier = Staff.objects.get(username="manager"), Staff.objects.get(username="cashier")
    with clock(DAY, 12, 30):  # 12:30 in Kolkata
        a = order_given(status="paid", items=[ItemInput(menu_item_id=PANEER, quantity=2)])
    with clock(DAY, 13, 10):
        b = order_given(
            status="paid", items=[ItemInput(menu_item_id=CHAI, quantity=3)], by="cashier"
        )
        c = order_given(
            status="billed",
            order_type_id=1,
            table_id=4,
            items=[
                ItemInput(menu_item_id=PANEER, quantity=1),
                ItemInput(menu_item_id=CHAI, quantity=1),
            ],
        )
        order_apply_discount(
            order_id=c.pk,
            outlet=outlet,
            by=cashier,
            discount_type="percent",
            discount_value=D("10"),
        )
    with clock(DAY, 20, 5):
        from tests.given import pay_in_full

        c = pay_in_full(c)
        cancelled = order_given(status="cancelled")
        unpaid = order_given(status="kot")
    with clock(DAY + timedelta(days=1), 0, 30):  # the next business day
        tomorrow = order_given(status="paid")
    assert manager  # the cancellation is the manager's (tests/given.py)
    return {"a": a, "b": b, "c": c, "cancelled": cancelled, "unpaid": unpaid, "tomorrow": tomorrow}


def test_the_worked_example_by_every_group(demo):
    day = the_day(demo)
    a, b, c = day["a"], day["b"], day["c"]
    assert (a.total, b.total, c.total) == (D("27.28"), D("14.18"), D("16.52"))
    totals = {
        "quantity": 7,
        "orders": 3,
        "subtotal": D("56.97"),  # 25.98 + 13.50 + 17.49: not the cancelled and unpaid ones
        "discount_amount": D("1.75"),
        "tax_total": D("2.76"),  # 1.30 + 0.68 + 0.78
        "total": D("57.98"),
        "average_ticket": D("19.33"),  # 57.98 / 3 = 19.3266...
    }
    for group_by in GROUPS:
        assert report(demo, group_by)["totals"] == totals, group_by

    items = report(demo, "item")["rows"]
    assert [(r["key"], r["name"], r["quantity"], r["orders"]) for r in items] == [
        (PANEER, "Paneer Tikka", 3, 2),
        (CHAI, items[1]["name"], 4, 2),
    ]
    assert items[0]["total"] > items[1]["total"]  # sorted by total
    # Paneer: 25.98 + 12.99; its share of C's discount 1.75 * 12.99 / 17.49 = 1.30
    assert items[0]["subtotal"] == D("38.97") and items[0]["discount_amount"] == D("1.30")
    # Chai: 13.50 + 4.50; 1.75 * 4.50 / 17.49 = 0.45
    assert items[1]["subtotal"] == D("18.00") and items[1]["discount_amount"] == D("0.45")
    for figure in ("subtotal", "discount_amount", "tax_total", "total"):
        gap = abs(sum(r[figure] for r in items) - totals[figure])
        assert gap <= D("0.01") * len(items), figure

    hours = report(demo, "hour")["rows"]
    assert [(r["key"], r["orders"], r["total"]) for r in hours] == [
        (12, 1, D("27.28")),
        (13, 1, D("14.18")),
        (20, 1, D("16.52")),
    ]
    staff = {r["name"]: r for r in report(demo, "staff")["rows"]}
    assert staff[Staff.objects.get(username="cashier").name]["total"] == D("14.18")
    assert staff[Staff.objects.get(username="waiter").name]["orders"] == 2
    types = report(demo, "order_type")["rows"]
    assert [(r["key"], r["orders"], r["total"]) for r in types] == [
        (2, 2, D("41.46")),
        (1, 1, D("16.52")),
    ]
    (direct,) = report(demo, "platform")["rows"]
    assert direct["key"] is None and direct["total"] == totals["total"]
    (cash,) = report(demo, "payment_method")["rows"]  # tests/given.py pays in cash
    assert cash["key"] == 1 and cash["quantity"] == 3 and cash["total"] == totals["total"]
    # the next day holds the order paid after midnight
    assert report(demo, "item", DAY + timedelta(days=1), DAY + timedelta(days=1))["totals"][
        "total"
    ] == D("27.28")


def test_the_range_is_inclusive_and_at_most_365_days(demo):
    the_day(demo)
    both = report(demo, "hour", DAY, DAY + timedelta(days=1))["totals"]
    assert both["orders"] == 4 and both["total"] == D("85.26")
    report(demo, "hour", DAY, DAY + timedelta(days=365))
    with pytest.raises(ValidationFailed) as refused:
        report(demo, "hour", DAY, DAY + timedelta(days=366))
    assert "to" in refused.value.fields
    with pytest.raises(ValidationFailed):
        report(demo, "hour", DAY, DAY - timedelta(days=1))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.integers(min_value=0, max_value=4),
    length=st.integers(min_value=0, max_value=4),
    group_by=st.sampled_from(GROUPS),
)
def test_totals_are_the_sums_of_the_paid_orders_over_random_days(
    week_of_orders, first, length, group_by
):
    outlet, orders = week_of_orders
    date_from = DAY + timedelta(days=first)
    date_to = date_from + timedelta(days=length)
    got = report(outlet, group_by, date_from, date_to)
    paid = [o for o in orders if o.status == "paid" and date_from <= o.business_date <= date_to]
    assert got["totals"]["orders"] == len(paid)
    for figure in ("subtotal", "discount_amount", "tax_total", "total"):
        assert got["totals"][figure] == sum((getattr(o, figure) for o in paid), D("0")), figure
    if group_by in ("hour", "staff", "order_type", "platform"):  # order-level keys: exact
        for figure in ("subtotal", "discount_amount", "tax_total", "total"):
            assert sum(r[figure] for r in got["rows"]) == got["totals"][figure]
        assert sum(r["orders"] for r in got["rows"]) == len(paid)
        assert sum(r["quantity"] for r in got["rows"]) == got["totals"]["quantity"]
    else:  # shared pro rata: at most a paisa a row apart
        for figure in ("subtotal", "discount_amount", "tax_total", "total"):
            gap = abs(sum(r[figure] for r in got["rows"]) - got["totals"][figure])
            assert gap <= D("0.01") * max(len(got["rows"]), 1)


@pytest.fixture
def week_of_orders(demo):
    """Orders over seven days, some paid (with discounts, several items, cash or card),
    some cancelled or left open."""
    cashier = Staff.objects.get(username="cashier")
    orders = []
    for offset in range(7):
        for n in range(offset % 3 + 1):
            with clock(DAY + timedelta(days=offset), 11 + n * 3, 7 * n):
                status = ["paid", "paid", "cancelled", "kot"][(offset + n) % 4]
                order = order_given(
                    status="billed" if status == "paid" else status,
                    items=[
                        ItemInput(menu_item_id=PANEER, quantity=n + 1),
                        ItemInput(menu_item_id=CHAI, quantity=offset % 2 + 1),
                    ],
                )
                if status == "paid":
                    if n % 2:
                        order_apply_discount(
                            order_id=order.pk,
                            outlet=demo,
                            by=cashier,
                            discount_type="percent",
                            discount_value=D("7"),
                        )
                    from hub.services.payments import PaymentRequest, payments_capture

                    order.refresh_from_db()
                    half = (order.total / 2).quantize(D("0.01"))
                    payments_capture(
                        order_id=order.pk,
                        outlet=demo,
                        by=cashier,
                        requests=[
                            PaymentRequest("card", half),
                            PaymentRequest("cash", order.total - half + D("10")),
                        ],
                    )
                order.refresh_from_db()
                orders.append(order)
    return demo, orders


def test_queries_do_not_grow_with_the_orders(demo, django_assert_max_num_queries):
    the_day(demo)
    counts = {}
    for group_by in GROUPS:
        with django_assert_max_num_queries(6) as captured:
            report(demo, group_by)
        counts[group_by] = len(captured.captured_queries)
    for _ in range(8):
        with clock(DAY, 15):
            order_given(status="paid", items=[ItemInput(menu_item_id=PANEER, quantity=1)])
            order_given(
                status="paid", items=[ItemInput(menu_item_id=CHAI, quantity=2)], by="cashier"
            )
    for group_by in GROUPS:
        with django_assert_max_num_queries(counts[group_by]):
            assert report(demo, group_by)["totals"]["orders"] == 19
    with django_assert_max_num_queries(2):
        gst_report(outlet=demo, date_from=DAY, date_to=DAY)


def test_the_gst_report_is_the_invoices_tax_tables_to_the_paisa(demo):
    day = the_day(demo)
    with clock(DAY, 21):
        jobs = [
            printing.print_job_create_for_invoice(order=day[k], by=None) for k in ("a", "b", "c")
        ]
    with clock(DAY + timedelta(days=1), 9):
        printing.print_job_create_for_invoice(order=day["tomorrow"], by=None)
        # a duplicate prints the same number and adds nothing to the report
        printing.print_job_create_for_invoice(order=day["a"], by=None)
    got = gst_report(outlet=demo, date_from=DAY, date_to=DAY)
    printed: dict[tuple[str, Decimal], list[Decimal]] = {}
    for job in PrintJob.objects.filter(pk__in=[j.pk for j in jobs]):
        ticket = ticket_from_snapshot("invoice", job.ticket)
        for tax in ticket.taxes:
            sums = printed.setdefault((tax.name, tax.rate.normalize()), [D("0"), D("0")])
            sums[0] += tax.taxable
            sums[1] += tax.amount
    assert [(r["tax"], r["rate"], r["taxable_value"], r["amount"]) for r in got["rows"]] == [
        (name, rate, taxable, amount) for (name, rate), (taxable, amount) in sorted(printed.items())
    ]
    assert got["rows"][0] == {
        "tax": "CGST",
        "rate": D("2.5"),
        "invoices": 3,
        "taxable_value": D("55.22"),  # 25.98 + 13.50 + (17.49 - 1.75)
        "amount": D("1.38"),  # 0.65 + 0.34 + 0.39 (each invoice rounds its own)
    }
    assert got["totals"] == {"invoices": 3, "amount": D("2.76")}
    assert InvoiceTaxLine.objects.filter(order=day["a"]).count() == 2  # once, not per copy


def test_the_audit_register_records_the_sensitive_actions(demo):
    from hub.services.orders import order_update
    from hub.services.payments import payment_refund

    manager = Staff.objects.get(username="manager")
    with clock(DAY, 19):
        paid = order_given(status="paid")
        payment_refund(
            order_id=paid.pk,
            outlet=demo,
            payment_id=paid.payments.get().pk,
            amount=D("3.00"),
            reason="cold",
            by=manager,
        )
        sent = order_given(status="kot", items=[ItemInput(menu_item_id=PANEER, quantity=2)])
        line = sent.items.get()
        order_update(
            order_id=sent.pk,
            outlet=demo,
            by=manager,
            items=[
                ItemInput(id=line.pk, quantity=1),
                ItemInput(menu_item_id=CHAI, quantity=1, price=D("3.00")),  # an override
            ],
            void_reason="too much",
        )
        order_apply_discount(
            order_id=sent.pk, outlet=demo, by=manager, discount_type="fixed", discount_value=D("2")
        )
        printing.print_job_create_for_kot(kot=sent.kots.first(), by=manager, reprint=True)
        order_given(status="cancelled")
    rows = list(audit_entries(outlet=demo, zone=KOLKATA, date_from=DAY, date_to=DAY))
    kinds = [r.kind for r in rows]
    assert sorted(kinds) == sorted(
        ["refund", "void", "price_override", "discount", "reprint", "cancel"]
    )
    by_kind = {r.kind: r for r in rows}
    assert by_kind["refund"].amount == D("3.00") and by_kind["refund"].reason == "cold"
    assert by_kind["void"].amount == D("12.99") and by_kind["void"].kot_id is not None
    assert by_kind["void"].reason == "too much"
    assert by_kind["price_override"].before["price"] == "4.50"
    assert by_kind["price_override"].after["price"] == "3.00"
    assert by_kind["discount"].before["amount"] == "0.00"
    assert by_kind["discount"].after == {
        "type": "fixed",
        "value": "2",
        "coupon": None,
        "amount": "2.00",
    }
    assert by_kind["cancel"].staff == manager
    assert all(r.staff_id for r in rows)
    only = audit_entries(outlet=demo, zone=KOLKATA, date_from=DAY, date_to=DAY, kind="void")
    assert [r.kind for r in only] == ["void"]
    assert not audit_entries(
        outlet=demo,
        zone=KOLKATA,
        date_from=DAY + timedelta(days=1),
        date_to=DAY + timedelta(days=1),
    ).exists()


def test_audit_entries_are_never_changed_or_deleted(demo):
    from django.db import connection, transaction

    with clock(DAY, 19):
        order_given(status="cancelled")
    entry = AuditEntry.objects.get()
    entry.reason = "nothing happened"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    if connection.vendor == "postgresql":  # the database itself refuses, whatever the code
        from django.db import DatabaseError

        for sql in ("UPDATE hub_auditentry SET reason = 'x'", "DELETE FROM hub_auditentry"):
            with pytest.raises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    assert AuditEntry.objects.get().reason == "test"  # as tests/given.py cancelled it
