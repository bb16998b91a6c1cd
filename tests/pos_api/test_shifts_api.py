"""Shifts over REST (CONTRACT 14; docs/api.md "Shifts"): paths, answers, roles, codes."""

from __future__ import annotations

import pytest

from hub.models import PrintJob, Shift

BASE = "/api/v1/pos/shifts"


def _order_paid_in_cash(client, tendered: float) -> dict:
    order = client.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 2}]},
        format="json",
    ).json()["data"]
    paid = client.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "cash", "amount": tendered},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    return paid.json()["data"]


def test_a_shift_from_open_to_z_report(api_as):
    cashier = api_as("cashier")
    assert cashier.get(f"{BASE}/current").status_code == 404
    opened = cashier.post(f"{BASE}/open", {"opening_float": "1000"}, format="json")
    assert opened.status_code == 201
    shift = opened.json()["data"]
    assert shift["status"] == "open" and shift["opening_float"] == 1000.0
    assert shift["opened_by"]["id"] == cashier.staff.pk and shift["z_number"] is None
    assert cashier.get(f"{BASE}/current").json()["data"]["id"] == shift["id"]
    again = cashier.post(f"{BASE}/open", {"opening_float": 5}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "shift_open"

    assert _order_paid_in_cash(cashier, 50)["change_due"] == 22.72  # 27.28 due
    moved = cashier.post(
        f"{BASE}/current/cash-movements",
        {"kind": "paid_out", "amount": 120, "reason": "Milk"},
        format="json",
    )
    assert moved.status_code == 201
    assert moved.json()["data"] | {"created_at": None} == {
        "id": moved.json()["data"]["id"],
        "shift_id": shift["id"],
        "kind": "paid_out",
        "amount": 120.0,
        "reason": "Milk",
        "created_by": {"id": cashier.staff.pk, "name": cashier.staff.name},
        "created_at": None,
    }

    x = cashier.get(f"{BASE}/current/x-report").json()["data"]
    assert x["z_number"] is None
    assert x["payments"] == [
        {"method": "cash", "name": "Cash", "count": 1, "amount": 27.28, "tips": 0.0}
    ]
    assert x["sales"]["taxes"] == [
        {"name": "CGST", "rate": 2.5, "amount": 0.65},
        {"name": "SGST", "rate": 2.5, "amount": 0.65},
    ]
    assert x["cash"] == {
        "opening_float": 1000.0,
        "cash_payments": 50.0,
        "change_given": 22.72,
        "cash_refunds": 0.0,
        "paid_in": 0.0,
        "paid_out": 120.0,
        "expected": 907.28,
        "counted": None,
        "difference": None,
    }

    closed = cashier.post(f"{BASE}/current/close", {"counted_cash": 900}, format="json")
    assert closed.status_code == 200
    z = closed.json()["data"]
    assert z["z_number"] == 1 and z["cash"]["counted"] == 900.0
    assert z["cash"]["difference"] == -7.28
    assert z["shift"]["closed_by"] == {"id": cashier.staff.pk, "name": cashier.staff.name}
    for key in ("orders", "sales", "payments", "refunds"):
        assert z[key] == x[key]
    # the same figures forever after, also once the next shift has taken money
    assert cashier.get(f"{BASE}/{shift['id']}/report").json()["data"] == z
    cashier.post(f"{BASE}/open", {"opening_float": 0}, format="json")
    _order_paid_in_cash(cashier, 27.28)
    assert cashier.get(f"{BASE}/{shift['id']}/report").json()["data"] == z
    assert cashier.get(f"{BASE}/current/x-report").json()["data"]["orders"]["count"] == 1


def test_without_an_open_shift(api_as):
    manager = api_as("manager")
    assert manager.get(f"{BASE}/current").json()["error"]["code"] == "not_found"
    assert manager.get(f"{BASE}/current/x-report").status_code == 404
    for path, body in [
        ("current/close", {"counted_cash": 0}),
        ("current/cash-movements", {"kind": "paid_in", "amount": 1, "reason": "x"}),
    ]:
        refused = manager.post(f"{BASE}/{path}", body, format="json")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_open_shift"


def test_requires_open_shift_answers_409_on_payment(api_as, demo):
    demo.requires_open_shift = True
    demo.save(update_fields=["requires_open_shift"])
    cashier = api_as("cashier")
    order = cashier.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        format="json",
    ).json()["data"]
    refused = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "card", "amount": 1},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_open_shift"


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "opening_float"),
        ({"opening_float": -1}, "opening_float"),
        ({"opening_float": 1.005}, "opening_float"),
        ({"opening_float": "lots"}, "opening_float"),
    ],
)
def test_bad_open_bodies_are_400(api_as, body, field):
    refused = api_as("manager").post(f"{BASE}/open", body, format="json")
    assert refused.status_code == 400 and field in refused.json()["error"]["fields"]
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "tip", "amount": 1, "reason": "x"}, "kind"),
        ({"kind": "paid_in", "amount": 0, "reason": "x"}, "amount"),
        ({"kind": "paid_in", "amount": 1}, "reason"),
        ({"kind": "paid_in", "amount": 1, "reason": "   "}, "reason"),
    ],
)
def test_bad_cash_movements_are_400(api_as, body, field):
    manager = api_as("manager")
    manager.post(f"{BASE}/open", {"opening_float": 0}, format="json")
    refused = manager.post(f"{BASE}/current/cash-movements", body, format="json")
    assert refused.status_code == 400 and field in refused.json()["error"]["fields"]


@pytest.mark.parametrize("user", ["waiter", "chef", "driver"])
def test_only_cashiers_and_managers_run_the_till(api_as, user):
    client = api_as(user)
    assert client.post(f"{BASE}/open", {"opening_float": 0}, format="json").status_code == 403
    assert client.get(f"{BASE}/current").status_code == 403
    assert client.get(f"{BASE}/current/x-report").status_code == 403
    body = {"counted_cash": 0}
    assert client.post(f"{BASE}/current/close", body, format="json").status_code == 403


def test_another_outlets_shift_is_404(api_as):
    manager = api_as("manager")
    shift = manager.post(f"{BASE}/open", {"opening_float": 0}, format="json").json()["data"]
    other = api_as("manager2")
    assert other.get(f"{BASE}/{shift['id']}/report").status_code == 404
    assert other.post(f"{BASE}/{shift['id']}/print-report").status_code == 404
    assert other.get(f"{BASE}/current").status_code == 404  # outlet 002 has none open
    assert api_as("manager").get(f"{BASE}/999999/report").status_code == 404


def test_print_report_queues_the_z_report_on_the_receipt_printer(api_as):
    manager = api_as("manager")
    shift = manager.post(f"{BASE}/open", {"opening_float": 100}, format="json").json()["data"]
    manager.post(f"{BASE}/current/close", {"counted_cash": 100}, format="json")
    first = manager.post(f"{BASE}/{shift['id']}/print-report")
    assert first.status_code == 201
    job = first.json()["data"]
    assert job["kind"] == "shift_report" and job["status"] == "queued" and job["reprint"] == 0
    assert job["printer"]["id"] == 2  # the demo's receipt printer
    copy = manager.post(f"{BASE}/{shift['id']}/print-report").json()["data"]
    assert copy["reprint"] == 1
    ticket = PrintJob.objects.get(pk=job["job_id"]).ticket
    assert ticket["z_number"] == 1 and ticket["expected"] == "100.00"


def test_print_report_without_a_receipt_printer_is_409(api_as):
    from hub.models import Printer

    manager = api_as("manager")
    shift = manager.post(f"{BASE}/open", {"opening_float": 0}, format="json").json()["data"]
    Printer.objects.filter(outlet_id=1, role="receipt").update(role="kitchen")
    refused = manager.post(f"{BASE}/{shift['id']}/print-report")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_printer"


def test_shift_endpoints_are_in_the_schema_with_their_codes(anon):
    paths = anon.get("/api/v1/schema/?format=json").json()["paths"]
    assert "shift_open" in paths[f"{BASE}/open"]["post"]["responses"]["409"]["description"]
    close = paths[f"{BASE}/current/close"]["post"]["responses"]
    assert "no_open_shift" in close["409"]["description"]
    assert "404" in paths[f"{BASE}/{{shift_id}}/report"]["get"]["responses"]
