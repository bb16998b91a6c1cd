"""A manager's approval of an over-limit discount in the same request (CONTRACT 15;
hub/services/approvals.py, docs/api.md "Manager approval"): the audit register's
`approved_by`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.models import AuditEntry, Order, Staff
from hub.services.tokens import token_issue
from tests.given import order_given

D = Decimal


def _discount(client, order, body):
    return client.post(f"/api/v1/pos/orders/{order.pk}/discount", body, format="json")


def _token(username: str) -> str:
    return token_issue(staff=Staff.objects.get(username=username))


@pytest.fixture
def billed(demo):
    return order_given(status="billed")  # 2 x Paneer Tikka, 25.98 + tax


def test_a_manager_approves_a_discount_above_the_cashiers_limit(api_as, billed):
    cashier = api_as("cashier")
    body = {"discount_type": "percent", "discount_value": 25, "reason": "Long wait"}
    refused = _discount(cashier, billed, body)
    assert refused.status_code == 422  # 10% is the cashier's limit
    assert refused.json()["error"]["code"] == "discount_limit_exceeded"
    assert not AuditEntry.objects.filter(kind="discount").exists()

    approved = _discount(cashier, billed, {**body, "approved_by": {"token": _token("manager")}})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["data"]["discount"]["amount"] == 6.5  # 25% of 25.98
    entry = AuditEntry.objects.get(kind="discount")
    manager = Staff.objects.get(username="manager")
    assert entry.staff == cashier.staff and entry.approved_by == manager
    assert entry.amount == D("6.50") and entry.reason == "Long wait"
    # the discount is the manager's: later changes are measured against their limit
    assert Order.objects.get(pk=billed.pk).discount_by == manager
    register = api_as("manager").get("/api/v1/pos/reports/audit", {"kind": "discount"})
    (row,) = register.json()["data"]["rows"]
    assert row["approved_by"] == {"id": manager.pk, "name": manager.name}
    assert row["staff"]["id"] == cashier.staff.pk


def test_a_discount_within_the_limit_names_no_approver(api_as, billed):
    got = _discount(api_as("cashier"), billed, {"discount_type": "percent", "discount_value": 5})
    assert got.status_code == 200
    assert AuditEntry.objects.get(kind="discount").approved_by is None


@pytest.mark.parametrize("approver", ["cashier", "manager2", "revoked", "nonsense"])
def test_only_a_manager_of_the_outlet_approves(api_as, billed, approver):
    from hub.models import ApiToken

    if approver == "nonsense":
        token = "not-a-token"
    elif approver == "revoked":
        token = _token("manager")
        ApiToken.objects.filter(staff__username="manager").update(revoked_at="2026-01-01T00:00Z")
    else:
        token = _token(approver)  # a cashier, or the manager of outlet 002
    got = _discount(
        api_as("cashier"),
        billed,
        {"discount_type": "percent", "discount_value": 25, "approved_by": {"token": token}},
    )
    assert got.status_code == 403
    assert got.json()["error"]["code"] == "approval_invalid"
    assert Order.objects.get(pk=billed.pk).discount_amount == 0  # nothing done
    assert not AuditEntry.objects.filter(kind="discount").exists()


def test_a_malformed_approval_is_a_400(api_as, billed):
    got = _discount(
        api_as("cashier"),
        billed,
        {"discount_type": "percent", "discount_value": 25, "approved_by": "manager"},
    )
    assert got.status_code == 400
    assert "approved_by" in str(got.json()["error"]["fields"])


def test_a_manager_approves_a_cashier_cancelling_a_billed_order(api_as, billed):
    cashier = api_as("cashier")
    path = f"/api/v1/pos/orders/{billed.pk}/cancel"
    refused = cashier.post(path, {"reason": "Guest disputed the bill"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = cashier.post(
        path,
        {"reason": "Guest disputed the bill", "approved_by": {"token": _token("cashier")}},
        format="json",
    )
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "approval_invalid"
    assert Order.objects.get(pk=billed.pk).status == "billed"
    assert not AuditEntry.objects.filter(kind="cancel").exists()

    approved = cashier.post(
        path,
        {"reason": "Guest disputed the bill", "approved_by": {"token": _token("manager")}},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["data"]["status"] == "cancelled"
    entry = AuditEntry.objects.get(kind="cancel")
    assert entry.staff == cashier.staff
    assert entry.approved_by == Staff.objects.get(username="manager")
    assert entry.before == {"status": "billed", "total": "27.28"}
