"""Reports over REST (CONTRACT 15; docs/api.md "Reports"): JSON and CSV, ranges, roles."""

from __future__ import annotations

import csv
import io

import pytest

from hub.services.clock import outlet_today
from tests.given import order_given

BASE = "/api/v1/pos/reports"


@pytest.fixture
def today(demo):
    return outlet_today(demo).isoformat()


def _paid_today():
    order_given(status="paid")  # 2 x Paneer Tikka, 27.28 in cash
    order_given(status="paid", by="cashier")
    order_given(status="cancelled")


def test_sales_by_item_json_and_csv(api_as, today):
    _paid_today()
    manager = api_as("manager")
    got = manager.get(f"{BASE}/sales", {"from": today, "to": today, "group_by": "item"})
    assert got.status_code == 200
    data = got.json()["data"]
    assert data["rows"] == [
        {
            "key": 15,
            "name": "Paneer Tikka",
            "quantity": 4,
            "orders": 2,
            "subtotal": 51.96,
            "discount_amount": 0.0,
            "tax_total": 2.6,
            "total": 54.56,
        }
    ]
    assert data["totals"] == {
        "quantity": 4,
        "orders": 2,
        "subtotal": 51.96,
        "discount_amount": 0.0,
        "tax_total": 2.6,
        "total": 54.56,
        "average_ticket": 27.28,  # 54.56 / 2, the hub's: the manager screen divides nothing
    }
    as_csv = manager.get(
        f"{BASE}/sales", {"from": today, "to": today, "group_by": "item", "format": "csv"}
    )
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows == [
        ["key", "name", "quantity", "orders", "subtotal", "discount_amount", "tax_total", "total"],
        ["15", "Paneer Tikka", "4", "2", "51.96", "0.00", "2.60", "54.56"],
        ["TOTAL", "", "4", "2", "51.96", "0.00", "2.60", "54.56"],
    ]


@pytest.mark.parametrize(
    "group_by", ["item", "category", "hour", "staff", "order_type", "payment_method", "platform"]
)
def test_every_group_answers_with_the_same_totals(api_as, today, group_by):
    _paid_today()
    got = api_as("manager").get(f"{BASE}/sales", {"from": today, "to": today, "group_by": group_by})
    assert got.status_code == 200, got.json()
    assert got.json()["data"]["totals"]["total"] == 54.56


def test_gst_report_json_and_csv(api_as, today):
    manager = api_as("manager")
    order = order_given(status="paid")
    assert manager.post(f"/api/v1/pos/orders/{order.pk}/print-invoice").status_code == 201
    data = manager.get(f"{BASE}/gst", {"from": today, "to": today}).json()["data"]
    assert data == {
        "rows": [
            {"tax": "CGST", "rate": 2.5, "invoices": 1, "taxable_value": 25.98, "amount": 0.65},
            {"tax": "SGST", "rate": 2.5, "invoices": 1, "taxable_value": 25.98, "amount": 0.65},
        ],
        "totals": {"invoices": 1, "amount": 1.3},
    }
    rows = list(
        csv.reader(
            io.StringIO(
                manager.get(
                    f"{BASE}/gst", {"from": today, "to": today, "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert rows[0] == ["tax", "rate", "invoices", "taxable_value", "amount"]
    assert rows[1] == ["CGST", "2.500", "1", "25.98", "0.65"] or rows[1][0] == "CGST"
    assert rows[-1] == ["TOTAL", "", "1", "", "1.30"]


def test_audit_register_paginated_filtered_and_csv(api_as, today):
    for _ in range(3):
        order_given(status="cancelled")
    manager = api_as("manager")
    first = manager.get(f"{BASE}/audit", {"from": today, "to": today, "per_page": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["meta"] == {"page": 1, "per_page": 2, "total": 3}
    (row, second) = body["data"]["rows"]
    assert row["kind"] == "cancel" and row["reason"] == "test" and row["id"] > second["id"]
    assert row["staff"]["id"] == manager.staff.pk and row["approved_by"] is None
    assert row["before"]["status"] == "draft" and row["amount"] == 27.28
    none = manager.get(f"{BASE}/audit", {"from": today, "to": today, "kind": "refund"})
    assert none.json()["data"]["rows"] == [] and none.json()["meta"]["total"] == 0
    as_csv = manager.get(f"{BASE}/audit", {"from": today, "to": today, "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0][:3] == ["id", "at", "kind"] and len(rows) == 4
    assert rows[1][2] == "cancel" and rows[1][6] == manager.staff.name


@pytest.mark.parametrize(
    "query,field",
    [
        ({"from": "01/01/2026", "group_by": "item"}, "from"),
        ({"from": "2026-01-01", "to": "2026-01-01", "group_by": "table"}, "group_by"),
        ({"from": "2026-01-02", "to": "2026-01-01", "group_by": "item"}, "to"),
        ({"from": "2025-01-01", "to": "2026-01-02", "group_by": "item"}, "to"),
        ({"from": "2026-13-01", "to": "2026-01-02", "group_by": "item"}, "from"),
        ({"from": "2026-01-01", "to": "2026-01-01", "group_by": "item", "format": "xml"}, "format"),
    ],
)
def test_bad_ranges_are_400_also_when_csv_is_asked(api_as, query, field):
    got = api_as("manager").get(f"{BASE}/sales", query)
    assert got.status_code == 400 and got["Content-Type"].startswith("application/json")
    assert field in got.json()["error"]["fields"]
    csv_asked = api_as("manager").get(
        f"{BASE}/gst", {"from": "2026-02-01", "to": "2026-01-01", "format": "csv"}
    )
    assert csv_asked.status_code == 400 and csv_asked.json()["error"]["code"] == "validation_error"


def test_365_days_is_the_limit(api_as):
    ok = api_as("manager").get(f"{BASE}/gst", {"from": "2025-01-01", "to": "2026-01-01"})
    assert ok.status_code == 200  # 365 days after


@pytest.mark.parametrize("user", ["cashier", "waiter", "chef", "driver"])
def test_reports_are_for_managers(api_as, user, today):
    client = api_as(user)
    for path, query in [
        ("sales", {"from": today, "to": today, "group_by": "item"}),
        ("gst", {"from": today, "to": today}),
        ("audit", {"from": today, "to": today}),
    ]:
        assert client.get(f"{BASE}/{path}", query).status_code == 403


def test_another_outlets_figures_are_not_in_the_report(api_as, today):
    _paid_today()
    other = api_as("manager2")
    got = other.get(f"{BASE}/sales", {"from": today, "to": today, "group_by": "item"})
    assert got.json()["data"]["rows"] == [] and got.json()["data"]["totals"]["orders"] == 0
    assert got.json()["data"]["totals"]["average_ticket"] is None  # nothing to average
    assert other.get(f"{BASE}/audit", {"from": today, "to": today}).json()["meta"]["total"] == 0


def test_the_ends_of_the_calendar_are_a_range_not_a_500(api_as):
    manager = api_as("manager")
    for start, end in [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")]:
        for path in ("sales?group_by=hour&", "gst?", "audit?"):
            got = manager.get(f"{BASE}/{path}from={start}&to={end}")
            assert got.status_code == 200, (path, got.json())


def test_the_range_defaults_to_today(api_as, today):
    _paid_today()
    manager = api_as("manager")
    alone = manager.get(f"{BASE}/sales", {"group_by": "hour"}).json()["data"]
    assert alone["totals"]["total"] == 54.56
    only_from = manager.get(f"{BASE}/sales", {"group_by": "hour", "from": today}).json()["data"]
    assert only_from == alone
    assert manager.get(f"{BASE}/audit").json()["meta"]["total"] == 1  # the cancellation
