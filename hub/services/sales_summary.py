"""The per-business-day sales summary behind `GET /reports/sales` (CONTRACT 15;
docs/performance.md "Reports", docs/api.md "Reports").

Why: the report over a year of a busy outlet's orders would join every line to its
order and share each order's figures line by line (1.2-1.6 s for 50,000 orders on the
shared 2-core machine). A paid order never changes again (CONTRACT 4: closed), so its
part of each report row can be added once, when it becomes paid, to one row per
(business day, group, key): `hub_salesdaysummary` (hub/models/shifts.py
SalesDaySummary). The report then sums at most one row per day and key.

- `sales_summary_add(order=...)`: called by hub/services/orders.py `_after_paid`, in the
  transaction that makes the order paid, with the order row locked: ONE statement,
  an `INSERT ... SELECT ... ON CONFLICT DO UPDATE` that adds the order's rows to the
  day's. Its rows are taken in (dimension, date, key) order, so two payments never wait
  for each other in a cycle (docs/architecture.md "Lock order", step 8a).
- `sales_summary_rebuild(outlet=...)`: the same SELECT over every paid order of the
  outlet, written afresh (migration 0013 for existing databases, `manage.py
  sales_summary_rebuild`, and the bench after it seeds orders with SQL).

Both are the same SQL, so what a payment adds is what a rebuild computes; the figures
are the ones hub/selectors/reports.py `sales_report_from_orders` computes from the
orders directly (tests/hub/selectors/test_reports.py compares the two over random days).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction

from hub.models import GstDaySummary, Order, Outlet, SalesDaySummary
from hub.services.clock import outlet_zone

NONE_KEY = SalesDaySummary.NONE_KEY
DIMENSIONS = (
    "total",
    "item",
    "category",
    "hour",
    "staff",
    "order_type",
    "payment_method",
    "platform",
)
FIGURES = ("subtotal", "discount_amount", "tax_total", "total")
STORED_PLACES = Decimal("1e-10")  # SalesDaySummary's decimal_places

# The order-level groups: every paid order is in one row of each, with its stored figures.
_ORDER_KEYS = {
    "total": str(NONE_KEY),
    "hour": "o.paid_hour",
    "staff": "o.created_by_id",
    "order_type": "o.order_type_id",
    "platform": "o.platform_id",
}
# The line-level groups: each non-void line's part of its order, shared pro rata.
_LINE_KEYS = {"item": "l.menu_item_id", "category": "l.category_id"}


def _share(part: str, over: str) -> str:
    """Every figure of the order, times the row's part of the order's `over`."""
    return ", ".join(f"{part} * o.{f} / NULLIF(o.{over}, 0) AS {f}" for f in FIGURES)


def _select(where: str, zone: str, *, insert: bool = True) -> tuple[str, list[Any]]:
    """The summary rows of the paid orders matching `where` (on hub_order as `o`), as an
    INSERT of them (or, `insert=False`, the SELECT alone)."""
    hour_sql, hour_params = connection.ops.datetime_extract_sql("hour", "paid_at", (), zone)
    order_figures = ", ".join(f"o.{f} AS {f}" for f in FIGURES)
    branches = [
        f"SELECT o.outlet_id, o.business_date, '{dim}' AS dimension, "
        f"COALESCE({key}, {NONE_KEY}) AS group_key, COALESCE(q.quantity, 0) AS quantity, "
        f"o.id AS order_id, COALESCE(o.guests, 0) AS covers, {order_figures} "
        "FROM o LEFT JOIN q ON q.order_id = o.id"
        for dim, key in _ORDER_KEYS.items()
    ] + [
        f"SELECT o.outlet_id, o.business_date, '{dim}', COALESCE({key}, {NONE_KEY}), "
        f"l.quantity, o.id, 0, l.line_total AS subtotal, "
        + ", ".join(
            f"l.line_total * o.{f} / NULLIF(o.subtotal, 0)"
            for f in ("discount_amount", "tax_total", "total")
        )
        + " FROM l JOIN o ON o.id = l.order_id"
        for dim, key in _LINE_KEYS.items()
    ]
    # payment method rows: each payment's part of what was paid on its order
    branches.append(
        f"SELECT o.outlet_id, o.business_date, 'payment_method', p.method_id, 1, o.id, 0, "
        f"{_share('p.amount', 'paid_total')} FROM hub_payment p JOIN o ON o.id = p.order_id"
    )
    sums = ", ".join(f"COALESCE(SUM(r.{f}), 0)" for f in FIGURES)
    with_clause = (
        "WITH o AS ("
        f"SELECT id, outlet_id, business_date, guests, {', '.join(FIGURES)}, paid_total, "
        f"{hour_sql} AS paid_hour, created_by_id, order_type_id, platform_id "
        f"FROM hub_order WHERE status = 'paid' AND {where}), "
        "l AS (SELECT i.order_id, i.menu_item_id, m.category_id, i.quantity, "
        "i.unit_price * i.quantity AS line_total FROM hub_orderitem i "
        "JOIN o ON o.id = i.order_id JOIN hub_menuitem m ON m.id = i.menu_item_id "
        "WHERE i.status <> 'void'), "
        "q AS (SELECT order_id, SUM(quantity) AS quantity FROM l GROUP BY order_id) "
    )
    insert_clause = (
        "INSERT INTO hub_salesdaysummary (outlet_id, business_date, dimension, group_key, "
        f"quantity, orders, covers, {', '.join(FIGURES)}) "
    )
    select_clause = (
        "SELECT r.outlet_id, r.business_date, r.dimension, r.group_key, SUM(r.quantity), "
        f"COUNT(DISTINCT r.order_id), SUM(r.covers), {sums} FROM ({' UNION ALL '.join(branches)}) r "
        # WHERE: SQLite reads an INSERT ... SELECT's ON CONFLICT unambiguously only after one
        "WHERE 1 = 1 GROUP BY r.outlet_id, r.dimension, r.business_date, r.group_key "
        "ORDER BY r.outlet_id, r.dimension, r.business_date, r.group_key"
    )
    if not insert:
        return with_clause + select_clause, list(hour_params)
    return with_clause + insert_clause + select_clause, list(hour_params)


_ADD = " ON CONFLICT (outlet_id, dimension, business_date, group_key) DO UPDATE SET " + ", ".join(
    f"{c} = hub_salesdaysummary.{c} + EXCLUDED.{c}"
    for c in ("quantity", "orders", "covers", *FIGURES)
)


def sales_summary_add(*, order: Order) -> None:
    """Add a paid order to its business day's summary rows. Call in the transaction that
    made it paid, after its row was saved (the statement reads it back)."""
    assert order.status == Order.Status.PAID
    sql, params = _select("id = %s", outlet_zone(order.outlet).key)
    with connection.cursor() as cursor:
        cursor.execute(sql + _ADD, [*params, order.pk])


def sales_summary_share(*, order: Order) -> list[tuple]:
    """What a paid order added to its day's rows, read now (a plain read, no lock):
    for sales_summary_remove once the order is no longer paid. Rows in sorted order."""
    assert order.status == Order.Status.PAID
    sql, params = _select("id = %s", outlet_zone(order.outlet).key, insert=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, order.pk])
        return cursor.fetchall()


def _as_stored(figures: list[Any]) -> list[Any]:
    """The figures as the add's UPSERT stored them: PostgreSQL coerced each share to the
    column's 10 decimal places (half away from zero) before adding it, so take back that
    value, not the unrounded one (SQLite keeps what it was given)."""
    if connection.vendor != "postgresql":
        return list(figures)
    counts, money = figures[:3], figures[3:]
    return [*counts, *(Decimal(m).quantize(STORED_PLACES, rounding=ROUND_HALF_UP) for m in money)]


def sales_summary_remove(*, share: list[tuple]) -> None:
    """Take back what sales_summary_share read: a paid order that is cancelled after all
    (a platform's cancellation, hub/services/platforms.py) leaves the reports as if it
    had never been paid, like the reports computed from the orders. Call last in that
    transaction (lock order 8a): rows updated in sorted order, the emptied ones deleted."""
    columns = ("quantity", "orders", "covers", *FIGURES)
    assignments = ", ".join(f"{c} = {c} - %s" for c in columns)
    with connection.cursor() as cursor:
        for outlet_id, business_date, dimension, group_key, *figures in share:
            cursor.execute(
                f"UPDATE hub_salesdaysummary SET {assignments} WHERE outlet_id = %s "
                "AND business_date = %s AND dimension = %s AND group_key = %s",
                [*_as_stored(figures), outlet_id, business_date, dimension, group_key],
            )
        days = sorted({(row[0], row[1]) for row in share})
        for outlet_id, business_date in days:
            cursor.execute(
                "DELETE FROM hub_salesdaysummary WHERE outlet_id = %s AND business_date = %s "
                "AND orders <= 0",
                [outlet_id, business_date],
            )


def _gst_select(where: str) -> str:
    """The GST day rows of the invoice tax lines matching `where`: per component and
    rate, and the day's invoices once each (name "")."""
    lines = f"FROM hub_invoicetaxline WHERE {where}"
    return (
        "INSERT INTO hub_gstdaysummary (outlet_id, business_date, name, rate, invoices, "
        "taxable_value, amount) SELECT * FROM ("
        "SELECT outlet_id, business_date, name, rate, COUNT(DISTINCT invoice_number), "
        f"SUM(taxable_value), SUM(amount) {lines} GROUP BY outlet_id, business_date, name, rate "
        f"UNION ALL SELECT outlet_id, business_date, '{GstDaySummary.ALL}', 0, "
        f"COUNT(DISTINCT invoice_number), SUM(taxable_value), SUM(amount) {lines} "
        "GROUP BY outlet_id, business_date) r WHERE 1 = 1 ORDER BY 1, 2, 3, 4"
    )


_ADD_GST = " ON CONFLICT (outlet_id, business_date, name, rate) DO UPDATE SET " + ", ".join(
    f"{c} = hub_gstdaysummary.{c} + EXCLUDED.{c}" for c in ("invoices", "taxable_value", "amount")
)


def gst_summary_add(*, order: Order) -> None:
    """Add the invoice just issued to its day's GST rows: call right after its tax lines
    are written (hub/services/printing.py), in that transaction. Rows in sorted order
    (lock order 8a)."""
    where = "order_id = %s AND invoice_number = %s"
    with connection.cursor() as cursor:
        cursor.execute(_gst_select(where) + _ADD_GST, [order.pk, order.invoice_number] * 2)


@transaction.atomic
def sales_summary_rebuild(*, outlet: Outlet) -> int:
    """Recompute the outlet's sales and GST day rows from its paid orders and issued
    invoices; returns the rows written. Locks the outlet row (`NO KEY`), so two
    rebuilds of one outlet run one after the other."""
    Outlet.objects.select_for_update(no_key=True).filter(pk=outlet.pk).first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM hub_salesdaysummary WHERE outlet_id = %s", [outlet.pk])
        cursor.execute("DELETE FROM hub_gstdaysummary WHERE outlet_id = %s", [outlet.pk])
    return summary_rows_insert(outlet_id=outlet.pk, zone=outlet_zone(outlet).key)


def summary_rows_insert(*, outlet_id: int, zone: str) -> int:
    """Insert the sales and GST day rows of every paid order and issued invoice of the
    outlet (none there yet); returns how many."""
    sql, params = _select("outlet_id = %s", zone)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, outlet_id])
        cursor.execute(_gst_select("outlet_id = %s"), [outlet_id, outlet_id])
        # counted, not the cursors' rowcount: SQLite's is not the rows a WITH ... INSERT wrote
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM hub_salesdaysummary WHERE outlet_id = %s) + "
            "(SELECT COUNT(*) FROM hub_gstdaysummary WHERE outlet_id = %s)",
            [outlet_id, outlet_id],
        )
        return cursor.fetchone()[0]
