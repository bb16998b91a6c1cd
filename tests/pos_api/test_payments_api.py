"""Payments over REST (CONTRACT 4a, issue 5): the reference's shapes, split, refunds, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.models import Order, Payment, Table
from tests.concurrency import run_concurrently

REFERENCE_ORDER = {
    "order_type_id": 1,
    "table_id": 5,
    "customer_id": 10,
    "items": [{"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"}],
    "discount_type": "percent",
    "discount_value": 10,
}


def _create(client, body=None) -> dict:
    response = client.post("/api/v1/pos/orders", body or REFERENCE_ORDER, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def _takeaway(client) -> dict:
    return _create(client, {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]})


@pytest.mark.embedded
def test_split_payment_with_change_settles_order_and_frees_table(api_as):
    cashier = api_as("cashier")
    order = _create(cashier)
    assert order["total"] == 24.54  # 25.98 - 2.60 + CGST 0.58 + SGST 0.58
    response = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/split-payment",
        {
            "payments": [
                {"payment_method": "card", "amount": "14.54", "transaction_id": "TXN123456"},
                {"payment_method": "cash", "amount": 20},
            ]
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["message"] == "Payment processed successfully"
    assert body["data"]["status"] == "paid"
    assert body["data"]["balance_due"] == 0
    assert body["data"]["change_due"] == 10.0
    assert len(body["data"]["payment_ids"]) == 2

    detail = cashier.get(f"/api/v1/pos/orders/{order['id']}").json()["data"]
    assert detail["status"] == "paid" and detail["payment_status"] == "paid"
    assert [
        (p["method"]["code"], p["amount"], p["transaction_id"]) for p in detail["payments"]
    ] == [
        ("card", 14.54, "TXN123456"),
        ("cash", 10.0, ""),
    ]
    assert detail["paid_total"] == 24.54 and detail["balance_due"] == 0
    assert Table.objects.get(pk=5).status == "cleaning"  # released per the outlet setting


def test_single_payment_answers_as_the_reference(api_as):
    cashier = api_as("cashier")
    order = _takeaway(cashier)
    response = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {
            "payment_method": "card",
            "amount": order["total"],
            "transaction_id": "TXN1",
            "tip_amount": 5.00,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["message"] == "Payment processed successfully"
    assert set(body["data"]) == {"payment_id", "status", "balance_due", "change_due"}
    assert body["data"]["status"] == "paid"
    status = cashier.get(f"/api/v1/pos/orders/{order['id']}/payment-status").json()["data"]
    assert status["tip_total"] == 5.0 and status["paid_total"] == order["total"]
    assert status["payment_status"] == "paid" and len(status["payments"]) == 1


def test_partial_payment_by_method_id(api_as):
    cashier = api_as("cashier")
    order = _takeaway(cashier)
    response = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": 3, "amount": "5.00"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["data"]["status"] == "partial"
    assert Decimal(str(response.json()["data"]["balance_due"])) == Decimal(
        str(order["total"])
    ) - Decimal("5.00")


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"payment_method": "card", "amount": 10_000}, 422, "amount_exceeds_balance"),
        ({"payment_method": "card", "amount": 0}, 400, "validation_error"),
        ({"payment_method": "card", "amount": -5}, 400, "validation_error"),
        ({"payment_method": "card", "amount": "1.001"}, 400, "validation_error"),
        ({"payment_method": "bitcoin", "amount": 1}, 400, "validation_error"),
        ({"payment_method": 99, "amount": 1}, 400, "validation_error"),
        ({"payment_method": True, "amount": 1}, 400, "validation_error"),
        ({"amount": 1}, 400, "validation_error"),
        ({"payment_method": "card", "amount": 1e300}, 400, "validation_error"),
    ],
)
def test_refused_payments_leave_nothing(api_as, body, status, code):
    cashier = api_as("cashier")
    order = _takeaway(cashier)
    response = cashier.post(f"/api/v1/pos/orders/{order['id']}/payment", body, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code
    assert not Payment.objects.filter(order_id=order["id"]).exists()


def test_closed_order_refuses_payment(api_as):
    cashier = api_as("cashier")
    order = _takeaway(cashier)
    cashier.post(
        f"/api/v1/pos/orders/{order['id']}/cancel", {"reason": "guest left"}, format="json"
    )
    response = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "cash", "amount": 1},
        format="json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_closed"


@pytest.mark.parametrize("username", ["waiter", "chef", "driver"])
def test_waiters_kitchen_and_drivers_may_not_pay(api_as, username):
    order = _takeaway(api_as("cashier"))
    response = api_as(username).post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "cash", "amount": 1},
        format="json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_other_outlet_sees_404(api_as):
    order = _takeaway(api_as("cashier"))
    other = api_as("manager2")
    for method, path in [
        ("post", "payment"),
        ("post", "split-payment"),
        ("get", "payment-status"),
        ("post", "refund"),
    ]:
        response = getattr(other, method)(
            f"/api/v1/pos/orders/{order['id']}/{path}",
            {
                "payment_method": "cash",
                "amount": 1,
                "payments": [{"payment_method": "cash", "amount": 1}],
                "payment_id": 1,
                "reason": "x",
            },
            format="json",
        )
        assert response.status_code == 404, (path, response.json())


def test_idempotent_replay_and_reused_key(api_as):
    cashier = api_as("cashier")
    order = _takeaway(cashier)
    url = f"/api/v1/pos/orders/{order['id']}/payment"
    body = {"payment_method": "card", "amount": "5.00"}
    first = cashier.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = cashier.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["data"]["payment_id"] == first.json()["data"]["payment_id"]
    assert Order.objects.get(pk=order["id"]).paid_total == Decimal("5.00")
    reused = cashier.post(
        url,
        {"payment_method": "card", "amount": "6.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"


def test_refund_by_manager_only(api_as):
    cashier, manager = api_as("cashier"), api_as("manager")
    order = _takeaway(cashier)
    paid = cashier.post(
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "card", "amount": order["total"]},
        format="json",
    ).json()["data"]
    url = f"/api/v1/pos/orders/{order['id']}/refund"
    refund = {"payment_id": paid["payment_id"], "amount": "2.00", "reason": "missing naan"}
    assert cashier.post(url, refund, format="json").status_code == 403
    response = manager.post(url, refund, format="json")
    assert response.status_code == 201 and response.json()["data"]["status"] == "partial"
    too_much = manager.post(url, {**refund, "amount": order["total"]}, format="json")
    assert (
        too_much.status_code == 422
        and too_much.json()["error"]["code"] == "amount_exceeds_refundable"
    )
    no_reason = manager.post(url, {**refund, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    rest = Decimal(str(order["total"])) - Decimal("2.00")
    full = manager.post(url, {**refund, "amount": str(rest)}, format="json")
    assert full.status_code == 201 and full.json()["data"]["status"] == "refunded"
    assert (
        cashier.get(f"/api/v1/pos/orders/{order['id']}").json()["data"]["payment_status"]
        == "refunded"
    )


@pytest.mark.postgres
def test_concurrent_same_key_payments_charge_once(transactional_demo):
    from tests.conftest import _client_for

    clients = [_client_for("cashier") for _ in range(4)]
    order = _takeaway(clients[0])
    url = f"/api/v1/pos/orders/{order['id']}/payment"
    body = {"payment_method": "card", "amount": order["total"]}

    def pay(i):
        return clients[0 if i % 2 else 1].post(
            url, body, format="json", HTTP_IDEMPOTENCY_KEY="same-tap"
        )

    run_concurrently(pay, 4)
    assert Payment.objects.filter(order_id=order["id"]).count() == 1
