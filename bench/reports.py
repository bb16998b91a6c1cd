"""The reports over many orders (`python -m bench --reports 50000`; docs/performance.md
"Reports").

Seeds N paid orders into the bench database (PostgreSQL), spread over 30 business days,
rebuilds their day summaries (`manage.py sales_summary_rebuild`, as for any orders
written around the services), then times `GET /reports/sales` for every `group_by` over
the whole range, and `GET /reports/gst`, through the live server, beside the floor (the
same server's no-database `/bench/floor`), and keeps the query plans of the item
report's query from the summary and, for comparison, from the orders and lines.

Seeding: one real order is made and paid through the API (two lines, a cash payment, an
invoice), then copied N times with INSERT ... SELECT (new number, business day and paid
time; same lines, payment and invoice tax lines): the rows are the ones the services
write, and 50,000 of them take seconds instead of the hour the API would need. It is
bench data, never a test's.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench import server
from bench.httpclient import Connection

DAYS = 30
GROUPS = ("item", "category", "hour", "staff", "order_type", "payment_method", "platform")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def _clone(cursor, table: str, replace: dict[str, str], source: str, where: str) -> None:
    columns = _columns(cursor, table)
    select = ", ".join(replace.get(c, f"t.{c}") for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {source} WHERE {where}"
    )


def seed(database_url: str, template_order_id: int, count: int) -> float:
    """Copy the template order `count` times; returns the seconds it took."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copies AS SELECT g AS n, "
            "(SELECT business_date FROM hub_order WHERE id = %s) - (g %% %s) AS day "
            "FROM generate_series(1, %s) AS g",
            [template_order_id, DAYS, count],
        )
        _clone(
            cursor,
            "hub_order",
            {
                "number": "'BENCH-' || c.n",
                "business_date": "c.day",
                "paid_at": f"t.paid_at - ((c.n % {DAYS}) || ' days')::interval "
                "- ((c.n % 12) || ' hours')::interval",
                "invoice_number": "'INV/BENCH/' || c.n",
            },
            "hub_order t, bench_copies c",
            f"t.id = {template_order_id}",
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_orders AS SELECT id, number, business_date "
            "FROM hub_order WHERE number LIKE 'BENCH-%%'"
        )
        _clone(
            cursor,
            "hub_orderitem",
            {"order_id": "o.id", "kot_id": "NULL"},
            "hub_orderitem t, bench_orders o",
            f"t.order_id = {template_order_id}",
        )
        _clone(
            cursor,
            "hub_payment",
            {"order_id": "o.id", "shift_id": "NULL", "split_check_id": "NULL"},
            "hub_payment t, bench_orders o",
            f"t.order_id = {template_order_id}",
        )
        _clone(
            cursor,
            "hub_invoicetaxline",
            {
                "order_id": "o.id",
                "invoice_number": "'INV/BENCH/' || substr(o.number, 7)",
                "business_date": "o.business_date",
            },
            "hub_invoicetaxline t, bench_orders o",
            f"t.order_id = {template_order_id}",
        )
        cursor.execute("ANALYZE")
        conn.commit()
    return time.monotonic() - started


def plan(database_url: str, sql: str, params: list) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [r[0] for r in cursor.fetchall()]


async def _timed(port: int, token: str, path: str, runs: int) -> dict:
    conn = Connection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}"}
    times, status = [], None
    for _ in range(runs):
        started = time.perf_counter()
        reply = await conn.request("GET", path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        status = reply.status
    await conn.close()
    return {
        "status": status,
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }


async def reports_suite(
    env: dict, port: int, token: str, cashier: str, database_url: str, count: int
) -> dict:
    from bench.__main__ import takeaway

    conn = Connection("127.0.0.1", port)
    auth = {"Authorization": f"Bearer {token}"}
    order = (
        await conn.request("POST", "/api/v1/pos/orders", body=takeaway(2), headers=auth)
    ).json()
    order_id = order["data"]["id"]
    total = order["data"]["total"]
    cash = {"Authorization": f"Bearer {cashier}"}
    paid = await conn.request(
        "POST",
        f"/api/v1/pos/orders/{order_id}/payment",
        body={"payment_method": "cash", "amount": total},
        headers=cash,
    )
    assert paid.status == 201, paid.json()
    invoice = await conn.request(
        "POST", f"/api/v1/pos/orders/{order_id}/print-invoice", headers=auth
    )
    assert invoice.status == 201, invoice.json()
    day = (await conn.request("GET", f"/api/v1/pos/orders/{order_id}", headers=auth)).json()
    await conn.close()
    seconds = seed(database_url, order_id, count)
    # the seeded orders were written around the services: their day summaries too
    started = time.monotonic()
    server.manage(env, "sales_summary_rebuild")
    rebuild_seconds = time.monotonic() - started

    from datetime import date, timedelta

    last = date.fromisoformat(day["data"]["created_at"][:10])
    first = last - timedelta(days=DAYS + 1)
    span = f"from={first}&to={last + timedelta(days=1)}"
    result: dict = {
        "orders": count + 1,
        "seed_seconds": round(seconds, 1),
        "summary_rebuild_seconds": round(rebuild_seconds, 1),
        # the floor: a no-database JSON view of the same server, timed the same way
        "floor": await _timed(port, token, "/bench/floor", 5),
        "sales": {},
    }
    floor_ms = result["floor"]["median_ms"] or 1
    for group_by in GROUPS:
        result["sales"][group_by] = await _timed(
            port, token, f"/api/v1/pos/reports/sales?{span}&group_by={group_by}", 5
        )
    result["gst"] = await _timed(port, token, f"/api/v1/pos/reports/gst?{span}", 5)
    for figures in [*result["sales"].values(), result["gst"]]:
        figures["ratio_to_floor"] = round(figures["median_ms"] / floor_ms, 1)
    bounds = [first, last + timedelta(days=1)]
    result["plan_item_summary"] = plan(
        database_url,
        "SELECT group_key, SUM(quantity), SUM(orders), SUM(subtotal), SUM(discount_amount), "
        "SUM(tax_total), SUM(total) FROM hub_salesdaysummary WHERE outlet_id = 1 "
        "AND dimension = 'item' AND business_date BETWEEN %s AND %s GROUP BY group_key",
        bounds,
    )
    # what the item report cost before the summary: the same rows from every order and
    # line of the range (hub/selectors/reports.py sales_report_from_orders), for the ratio
    result["plan_item_from_orders"] = plan(
        database_url,
        "SELECT i.menu_item_id, SUM(i.quantity), COUNT(DISTINCT i.order_id), "
        "SUM(i.unit_price * i.quantity), SUM(i.unit_price * i.quantity * o.total / "
        "NULLIF(o.subtotal, 0)) FROM hub_orderitem i JOIN hub_order o ON o.id = i.order_id "
        "WHERE o.outlet_id = 1 AND o.status = 'paid' AND o.business_date BETWEEN %s AND %s "
        "AND i.status <> 'void' GROUP BY i.menu_item_id",
        bounds,
    )
    result["item_sql_ms"] = {
        "summary": _execution_ms(result["plan_item_summary"]),
        "from_orders": _execution_ms(result["plan_item_from_orders"]),
    }
    return result


def _execution_ms(lines: list[str]) -> float | None:
    for line in lines:
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return None


def run(env: dict, port: int, token: str, cashier: str, database_url: str, count: int) -> dict:
    return asyncio.run(reports_suite(env, port, token, cashier, database_url, count))
