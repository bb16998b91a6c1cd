"""A shift's report figures, as SQL aggregates (CONTRACT 14; docs/api.md "Shifts").

`shift_figures` answers the X/Z report of CONTRACT 14 for one shift in a fixed number of
queries (one per kind of row: orders, void lines, taxes, payments, refunds, cash
movements), whatever the shift holds. What belongs to a shift is what names it:

- orders whose `shift` is it: the shift they were paid (or cancelled) in; `sales` and
  `orders` count the paid ones (void lines of those orders, their discounts), `cancelled`
  the cancelled ones;
- payments and refunds whose `shift` is it: those taken while it was open, whichever
  shift their order belongs to (a refund of yesterday's order is today's cash);
- its cash movements.

Money comes back as Decimal with two places. `taxes` are summed per component name and
rate from each order's stored `taxes` (JSON), in SQL on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from hub.models import CashMovement, Order, OrderItem, Payment, Refund, Shift

ZERO = Decimal("0.00")
TWO = Decimal("0.01")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(TWO)


def _sum(expression, **filter_) -> Coalesce:
    expr = Sum(expression, filter=Q(**filter_)) if filter_ else Sum(expression)
    return Coalesce(expr, Value(ZERO), output_field=MONEY)


def order_tax_rows(where: str, params: list[Any]) -> list[dict[str, Any]]:
    """`[{name, rate, amount}]` summed over the stored `taxes` of the orders `o` that
    `where` (SQL on hub_order aliased `o`) selects, by name and rate, in name and rate
    order. Amounts are summed in whole paisa, exact on either database."""
    if connection.vendor == "postgresql":
        source = "jsonb_array_elements(o.taxes) AS t"
        name, rate, amount = "t->>'name'", "t->>'rate'", "t->>'amount'"
        paisa = f"ROUND(({amount})::numeric * 100)::bigint"
        rate_key = f"({rate})::numeric"
    else:
        source = "json_each(o.taxes) AS t"
        name = "json_extract(t.value, '$.name')"
        rate = "json_extract(t.value, '$.rate')"
        amount = "json_extract(t.value, '$.amount')"
        paisa = f"CAST(ROUND(CAST({amount} AS REAL) * 100) AS INTEGER)"
        rate_key = f"CAST({rate} AS REAL)"
    sql = (
        f"SELECT {name}, MIN({rate}), SUM({paisa}) FROM hub_order o, {source} "
        f"WHERE {where} GROUP BY {name}, {rate_key} ORDER BY {name}, {rate_key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {"name": n, "rate": Decimal(str(r)).normalize(), "amount": money(Decimal(p) / 100)}
        for n, r, p in rows
    ]


def shift_figures(shift: Shift, *, counted: Decimal | None = None) -> dict[str, Any]:
    """The report of CONTRACT 14 for `shift` as its rows stand now (z_number is the
    shift's, None for an open one; `counted` the cash counted at a close)."""
    orders = Order.objects.filter(shift=shift).aggregate(
        count=Count("id", filter=Q(status=Order.Status.PAID)),
        cancelled=Count("id", filter=Q(status=Order.Status.CANCELLED)),
        discounts=Count("id", filter=Q(status=Order.Status.PAID, discount_amount__gt=0)),
        subtotal=_sum("subtotal", status=Order.Status.PAID),
        discount_amount=_sum("discount_amount", status=Order.Status.PAID),
        tax_total=_sum("tax_total", status=Order.Status.PAID),
        service_charge=_sum("service_charge", status=Order.Status.PAID),
        round_off=_sum("round_off", status=Order.Status.PAID),
        total=_sum("total", status=Order.Status.PAID),
    )
    voids = OrderItem.objects.filter(
        order__shift=shift, order__status=Order.Status.PAID, status=OrderItem.Status.VOID
    ).aggregate(
        lines=Count("id"),
        amount=_sum(ExpressionWrapper(F("unit_price") * F("quantity"), output_field=MONEY)),
    )
    taxes = order_tax_rows("o.shift_id = %s AND o.status = %s", [shift.pk, Order.Status.PAID])
    payments = list(
        Payment.objects.filter(shift=shift)
        .values("method__code", "method__name", "method__is_cash")
        .annotate(
            count=Count("id"),
            applied=_sum("amount"),
            tips=_sum("tip_amount"),
            tendered=_sum("tendered"),
            change=_sum("change_due"),
        )
        .order_by("method__id")
    )
    refunds = Refund.objects.filter(shift=shift).aggregate(
        count=Count("id"),
        given=_sum("amount"),
        cash=_sum("amount", payment__method__is_cash=True),
    )
    movements = CashMovement.objects.filter(shift=shift).aggregate(
        paid_in=_sum("amount", kind=CashMovement.Kind.PAID_IN),
        paid_out=_sum("amount", kind=CashMovement.Kind.PAID_OUT),
    )
    cash_rows = [p for p in payments if p["method__is_cash"]]
    cash_payments = money(sum((p["tendered"] for p in cash_rows), ZERO))
    change_given = money(sum((p["change"] for p in cash_rows), ZERO))
    expected = money(
        shift.opening_float
        + cash_payments
        - change_given
        - refunds["cash"]
        + movements["paid_in"]
        - movements["paid_out"]
    )
    return {
        "shift": {
            "id": shift.pk,
            "opened_at": shift.opened_at,
            "closed_at": shift.closed_at,
            "opened_by": _staff(shift.opened_by),
            "closed_by": _staff(shift.closed_by) if shift.closed_by_id else None,
        },
        "z_number": shift.z_number,
        "orders": {
            "count": orders["count"],
            "cancelled": orders["cancelled"],
            "void_lines": voids["lines"],
            "void_amount": money(voids["amount"]),
            "discounts": orders["discounts"],
            "discount_amount": money(orders["discount_amount"]),
        },
        "sales": {
            "subtotal": money(orders["subtotal"]),
            "discount_amount": money(orders["discount_amount"]),
            "taxes": taxes,
            "tax_total": money(orders["tax_total"]),
            "service_charge": money(orders["service_charge"]),
            "round_off": money(orders["round_off"]),
            "total": money(orders["total"]),
        },
        "payments": [
            {
                "method": p["method__code"],
                "name": p["method__name"],
                "count": p["count"],
                "amount": money(p["applied"]),
                "tips": money(p["tips"]),
            }
            for p in payments
        ],
        "refunds": {"count": refunds["count"], "amount": money(refunds["given"])},
        "cash": {
            "opening_float": money(shift.opening_float),
            "cash_payments": cash_payments,
            "change_given": change_given,
            "cash_refunds": money(refunds["cash"]),
            "paid_in": money(movements["paid_in"]),
            "paid_out": money(movements["paid_out"]),
            "expected": expected,
            "counted": money(counted) if counted is not None else None,
            "difference": money(counted - expected) if counted is not None else None,
        },
    }


def _staff(staff) -> dict[str, Any]:
    return {"id": staff.pk, "name": staff.name}


def shift_open_of(*, outlet_id: int) -> Shift | None:
    """The outlet's open shift (no lock), with who opened it."""
    return (
        Shift.objects.select_related("opened_by", "closed_by")
        .filter(outlet_id=outlet_id, closed_at__isnull=True)
        .first()
    )


def shift_of(*, outlet_id: int, shift_id: int) -> Shift | None:
    return (
        Shift.objects.select_related("opened_by", "closed_by")
        .filter(outlet_id=outlet_id, pk=shift_id)
        .first()
    )
