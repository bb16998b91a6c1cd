"""Reports: sales, GST and the audit register (CONTRACT 15; docs/api.md "Reports").

Every figure is a SQL aggregate (GROUP BY in the database, never a loop over orders in
Python), so each report runs a fixed number of queries whatever the number of orders
(tests/hub/selectors/test_reports.py asserts it over growing data):

- sales: paid orders whose business day (`Order.business_date`, the outlet-local day
  the order was opened, as `GET /orders?date=` means it) is in the range; void lines
  and cancelled orders are out. Rows by an order-level key (hour paid, staff who took
  the order, order type, platform) sum the orders' stored figures and add up exactly
  to the totals. Item and category rows sum their lines, and share each order's
  discount, tax and total in proportion to the line's part of the order's subtotal,
  rounded once per row (so their sum may differ from the totals by rounding). Payment
  method rows share each order's figures in proportion to the payment's part of what
  was paid on it.
- GST: the tax lines of the invoices issued in the range (hub/models/invoices.py),
  per component and rate: what the invoices printed, to the paisa, summed per day as
  each invoice is issued (GstDaySummary).
- audit: the register's rows in the range, newest first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractHour, NullIf

from hub import pricing
from hub.errors import ValidationFailed
from hub.models import (
    AuditEntry,
    DeliveryPlatform,
    GstDaySummary,
    InvoiceTaxLine,
    MenuCategory,
    MenuItem,
    Order,
    OrderItem,
    OrderType,
    Outlet,
    Payment,
    PaymentMethod,
    SalesDaySummary,
    Staff,
)

MAX_DAYS = 365
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)
GROUPS = ("item", "category", "hour", "staff", "order_type", "payment_method", "platform")
ORDER_LEVEL = ("hour", "staff", "order_type", "platform")
TWO = Decimal("0.01")
ZERO = Decimal("0.00")
# Shares carry many decimals until the row is rounded once.
SHARE = DecimalField(max_digits=30, decimal_places=10)
MONEY = DecimalField(max_digits=16, decimal_places=2)
FIGURES = ("subtotal", "discount_amount", "tax_total", "total")


def money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(TWO, rounding=ROUND_HALF_UP)


def report_range_check(date_from: date, date_to: date) -> None:
    """Both days inclusive, `to` not before `from`, at most 365 days apart (400)."""
    if date_to < date_from:
        raise ValidationFailed(fields={"to": ["Must not be before from."]})
    if (date_to - date_from).days > MAX_DAYS:
        raise ValidationFailed(fields={"to": [f"At most {MAX_DAYS} days after from."]})


def _paid(outlet: Outlet, date_from: date, date_to: date) -> Q:
    return Q(outlet=outlet, status=Order.Status.PAID, business_date__range=(date_from, date_to))


def _sum(expression, output=MONEY) -> Coalesce:
    return Coalesce(Sum(expression), Value(ZERO), output_field=output)


def _row(key, name, figures: dict[str, Any]) -> dict[str, Any]:
    """A row from the aggregates `qty`, `n_orders` and `sum_<figure>` (aliases that no
    model field has: Django refuses an annotation named like a field)."""
    return {
        "key": key,
        "name": name,
        "quantity": int(figures.get("qty") or 0),
        "orders": int(figures.get("n_orders") or 0),
        **{f: money(figures.get(f"sum_{f}")) for f in FIGURES},
    }


def _sums(expression_of) -> dict[str, Any]:
    return {f"sum_{f}": expression_of(f) for f in FIGURES}


def sales_totals(
    *, outlet: Outlet, date_from: date, date_to: date, quantity: int | None = None
) -> dict[str, Any]:
    """The range's paid orders' stored figures, summed (one query, and one more for the
    items' quantity unless the caller knows it)."""
    paid = _paid(outlet, date_from, date_to)
    totals = Order.objects.filter(paid).aggregate(
        n_orders=Count("id"), n_covers=Coalesce(Sum("guests"), 0), **_sums(_sum)
    )
    if quantity is None:
        quantity = (
            OrderItem.objects.filter(**_prefixed(paid))
            .exclude(status=OrderItem.Status.VOID)
            .aggregate(q=Coalesce(Sum("quantity"), 0))["q"]
        )
    totals["qty"] = quantity
    return _totals(totals)


def _prefixed(q: Q) -> dict[str, Any]:
    """The order filter of `_paid`, seen from a row that references the order."""
    return {f"order__{k}": v for k, v in q.children}


def _order_key(group_by: str, zone: tzinfo):
    if group_by == "hour":
        return ExtractHour("paid_at", tzinfo=zone)
    return F(
        {"staff": "created_by_id", "order_type": "order_type_id", "platform": "platform_id"}[
            group_by
        ]
    )


def _names(group_by: str, keys: set) -> dict[Any, str]:
    """One query for the rows' names (none for hours)."""
    keys = {k for k in keys if k is not None}
    if group_by == "hour":
        return {k: f"{k:02d}:00-{k:02d}:59" for k in keys}
    if group_by == "staff":
        return {s.pk: s.name for s in Staff.objects.filter(pk__in=keys)}
    model = {
        "order_type": OrderType,
        "platform": DeliveryPlatform,
        "item": MenuItem,
        "category": MenuCategory,
        "payment_method": PaymentMethod,
    }[group_by]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


NONE_NAMES = {
    "staff": "Nobody",
    "platform": "Direct (no platform)",
    "category": "No category",
    "hour": "Unknown",
}


def _order_level_rows(zone: tzinfo, paid: Q, group_by: str) -> list[dict[str, Any]]:
    orders = (
        Order.objects.filter(paid)
        .annotate(group=_order_key(group_by, zone))
        .values("group")
        .annotate(n_orders=Count("id"), **_sums(_sum))
        .order_by()
    )
    quantities = dict(
        OrderItem.objects.filter(**_prefixed(paid))
        .exclude(status=OrderItem.Status.VOID)
        .annotate(group=_order_key_of_item(group_by, zone))
        .values("group")
        .annotate(q=Sum("quantity"))
        .order_by()
        .values_list("group", "q")
    )
    return [{**row, "qty": quantities.get(row["group"], 0)} for row in orders]


def _order_key_of_item(group_by: str, zone: tzinfo):
    if group_by == "hour":
        return ExtractHour("order__paid_at", tzinfo=zone)
    return F(
        {
            "staff": "order__created_by_id",
            "order_type": "order__order_type_id",
            "platform": "order__platform_id",
        }[group_by]
    )


def _share(of: str, over: str, part) -> ExpressionWrapper:
    """`part * order.<of> / order.<over>` (0 when the order's `over` is 0)."""
    return ExpressionWrapper(part * F(of) / NullIf(F(over), Value(ZERO)), output_field=SHARE)


def _line_rows(paid: Q, group_by: str) -> list[dict[str, Any]]:
    line_total = ExpressionWrapper(F("unit_price") * F("quantity"), output_field=SHARE)
    key = {"item": "menu_item_id", "category": "menu_item__category_id"}[group_by]
    return list(
        OrderItem.objects.filter(**_prefixed(paid))
        .exclude(status=OrderItem.Status.VOID)
        .annotate(group=F(key))
        .values("group")
        .annotate(
            qty=Sum("quantity"),
            n_orders=Count("order_id", distinct=True),
            sum_subtotal=_sum(line_total, SHARE),
            **{
                f"sum_{f}": _sum(_share(f"order__{f}", "order__subtotal", line_total), SHARE)
                for f in ("discount_amount", "tax_total", "total")
            },
        )
        .order_by()
    )


def _payment_rows(paid: Q) -> list[dict[str, Any]]:
    amount = ExpressionWrapper(F("amount") * Value(Decimal("1")), output_field=SHARE)
    return list(
        Payment.objects.filter(**_prefixed(paid))
        .annotate(group=F("method_id"))
        .values("group")
        .annotate(
            qty=Count("id"),
            n_orders=Count("order_id", distinct=True),
            **_sums(lambda f: _sum(_share(f"order__{f}", "order__paid_total", amount), SHARE)),
        )
        .order_by()
    )


def _group_by_check(group_by: str) -> None:
    if group_by not in GROUPS:
        raise ValidationFailed(fields={"group_by": [f"One of {', '.join(GROUPS)}."]})


def _sorted(rows: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    if group_by == "hour":
        rows.sort(key=lambda r: (r["key"] is None, r["key"] or 0))
    else:
        rows.sort(key=lambda r: (-r["total"], r["key"] is None, r["key"] or 0))
    return rows


def _named(raw: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    names = _names(group_by, {r["group"] for r in raw})
    none = NONE_NAMES.get(group_by, "Unknown")
    return [
        _row(r["group"], names.get(r["group"], none) if r["group"] is not None else none, r)
        for r in raw
    ]


def sales_report(
    *, outlet: Outlet, zone: tzinfo, date_from: date, date_to: date, group_by: str
) -> dict[str, Any]:
    """`{"rows": [...], "totals": {...}}` of CONTRACT 15, from the day summaries that the
    payments keep (hub/services/sales_summary.py): three queries (rows, names, totals),
    each over at most one row per day and key of the range. `zone` is unused here (the
    hour of each order was taken in the outlet's zone when it was paid); kept so callers
    need not know which source answers."""
    report_range_check(date_from, date_to)
    _group_by_check(group_by)
    days = SalesDaySummary.objects.filter(outlet=outlet, business_date__range=(date_from, date_to))
    sums = {
        "qty": Coalesce(Sum("quantity"), 0),
        "n_orders": Coalesce(Sum("orders"), 0),
        **_sums(lambda f: _sum(f, SHARE)),
    }
    per_day = days.filter(dimension="total")
    raw = [
        {**r, "group": None if r["group_key"] == SalesDaySummary.NONE_KEY else r["group_key"]}
        for r in days.filter(dimension=group_by).values("group_key").annotate(**sums).order_by()
    ]
    rows = _sorted(_named(raw, group_by), group_by)
    figures = per_day.aggregate(**sums, n_covers=Coalesce(Sum("covers"), 0))
    return {"rows": rows, "totals": _totals(figures)}


def _totals(figures: dict[str, Any]) -> dict[str, Any]:
    """The totals row, with what a manager reads off it: `covers` (the guests of the
    orders that recorded them) and `average_ticket` (total / orders, null for none)."""
    totals = _row(None, "Total", figures)
    del totals["key"], totals["name"]
    totals["covers"] = int(figures.get("n_covers") or 0)
    totals["average_ticket"] = pricing.average_ticket(totals["total"], totals["orders"])
    return totals


def sales_report_from_orders(
    *, outlet: Outlet, zone: tzinfo, date_from: date, date_to: date, group_by: str
) -> dict[str, Any]:
    """The same report computed from the orders and lines themselves (at most five
    queries, each over every order and line of the range): what the summary must always
    equal (tests/hub/selectors/test_reports.py), and the bench's baseline
    (bench/reports.py). `zone`: the outlet's, for the hour rows."""
    report_range_check(date_from, date_to)
    _group_by_check(group_by)
    paid = _paid(outlet, date_from, date_to)
    if group_by in ORDER_LEVEL:
        raw = _order_level_rows(zone, paid, group_by)
    elif group_by == "payment_method":
        raw = _payment_rows(paid)
    else:
        raw = _line_rows(paid, group_by)
    rows = _sorted(_named(raw, group_by), group_by)
    quantity = None
    if group_by != "payment_method":  # every non-void line is in one row
        quantity = sum(r["quantity"] for r in rows)
    totals = sales_totals(outlet=outlet, date_from=date_from, date_to=date_to, quantity=quantity)
    return {"rows": rows, "totals": totals}


def gst_report(*, outlet: Outlet, date_from: date, date_to: date) -> dict[str, Any]:
    """Per component and rate, the taxable value and tax of the invoices issued in the
    range (their outlet-local issue day), from the day rows each invoice's issue adds
    (GstDaySummary): one query, over at most one row per day and component."""
    report_range_check(date_from, date_to)
    rows, totals = [], {"invoices": 0, "amount": ZERO}
    for r in (
        GstDaySummary.objects.filter(outlet=outlet, business_date__range=(date_from, date_to))
        .values("name", "rate")
        .annotate(invoices=Sum("invoices"), taxable=_sum("taxable_value"), tax=_sum("amount"))
        .order_by("rate", "name")
    ):
        if r["name"] == GstDaySummary.ALL:  # the day's invoices, once each
            totals = {"invoices": int(r["invoices"]), "amount": money(r["tax"])}
            continue
        rows.append(
            {
                "tax": r["name"],
                "rate": Decimal(r["rate"]).normalize(),
                "invoices": int(r["invoices"]),
                "taxable_value": money(r["taxable"]),
                "amount": money(r["tax"]),
            }
        )
    return {"rows": rows, "totals": totals}


def gst_report_from_lines(*, outlet: Outlet, date_from: date, date_to: date) -> dict[str, Any]:
    """The same report from every invoice tax line of the range (two queries): what the
    day rows must always equal (tests/hub/selectors/test_reports.py)."""
    report_range_check(date_from, date_to)
    lines = InvoiceTaxLine.objects.filter(outlet=outlet, business_date__range=(date_from, date_to))
    rows = [
        {
            "tax": r["name"],
            "rate": Decimal(r["rate"]).normalize(),
            "invoices": r["invoices"],
            "taxable_value": money(r["taxable"]),
            "amount": money(r["tax"]),
        }
        for r in lines.values("name", "rate")
        .annotate(
            invoices=Count("invoice_number", distinct=True),
            taxable=_sum("taxable_value"),
            tax=_sum("amount"),
        )
        .order_by("rate", "name")
    ]
    totals = lines.aggregate(invoices=Count("invoice_number", distinct=True), tax=_sum("amount"))
    return {
        "rows": rows,
        "totals": {"invoices": totals["invoices"], "amount": money(totals["tax"])},
    }


def day_bounds(zone: tzinfo, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The instants the outlet's business days `date_from` .. `date_to` start and end."""
    # clamped to years the database's UTC instants can hold (from=0001-01-01 is a range
    # a client may ask for, not a 500)
    date_from, date_to = max(date_from, EARLIEST), min(date_to, LATEST)
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def audit_entries(
    *, outlet: Outlet, zone: tzinfo, date_from: date, date_to: date, kind: str | None = None
) -> QuerySet[AuditEntry]:
    """The register's rows in the range (outlet-local days), newest first, with the staff
    who did and approved each (no query per row)."""
    report_range_check(date_from, date_to)
    if kind and kind not in AuditEntry.Kind.values:
        raise ValidationFailed(fields={"kind": [f"One of {', '.join(AuditEntry.Kind.values)}."]})
    start, end = day_bounds(zone, date_from, date_to)
    entries = AuditEntry.objects.filter(outlet=outlet, at__gte=start, at__lt=end)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("staff", "approved_by").order_by("-at", "-id")
