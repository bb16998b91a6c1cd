"""Split bills over REST (CONTRACT 12; docs/api.md "Checks (split bill)")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.models import Event, Payment
from tests.concurrency import run_concurrently

BASE = "/api/v1/pos"
# the API reference's own order: 2 x Paneer Tikka 12.99, 10% off -> 24.54 (docs/api.md)
REFERENCE = {
    "order_type_id": 1,
    "table_id": 5,
    "customer_id": 10,
    "items": [{"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"}],
    "discount_type": "percent",
    "discount_value": 10,
}
FOUR_LINES = {
    "order_type_id": 1,
    "table_id": 6,
    "items": [
        {"menu_item_id": 15, "quantity": 3},
        {"menu_item_id": 16, "quantity": 2},
        {"menu_item_id": 6, "quantity": 1},
        {"menu_item_id": 21, "quantity": 2},
    ],
}


@pytest.fixture
def cashier(api_as):
    return api_as("cashier")


def order(client, body=REFERENCE) -> dict:
    response = client.post(f"{BASE}/orders", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def split(client, order_id, body):
    return client.post(f"{BASE}/orders/{order_id}/split", body, format="json")


def pay(client, order_id, **body):
    return client.post(f"{BASE}/orders/{order_id}/payment", body, format="json")


def figures(check: dict) -> tuple:
    return (
        check["subtotal"],
        check["discount_amount"],
        [t["amount"] for t in check["taxes"]],
        check["round_off"],
        check["total"],
    )


@pytest.mark.embedded
def test_the_reference_order_split_in_three_equal_parts(cashier):
    created = order(cashier)
    response = split(cashier, created["id"], {"equal": 3})
    assert response.status_code == 200, response.content
    checks = response.json()["data"]["checks"]
    assert [c["number"] for c in checks] == [1, 2, 3]
    assert [figures(c) for c in checks] == [
        (8.66, 0.86, [0.19, 0.19], 0.0, 8.18),
        (8.66, 0.87, [0.19, 0.19], 0.01, 8.18),
        (8.66, 0.87, [0.20, 0.20], -0.01, 8.18),
    ]
    assert all(c["items"] == [] and c["payment_status"] == "unpaid" for c in checks)
    assert sum(Decimal(str(c["total"])) for c in checks) == Decimal("24.54")
    event = Event.objects.filter(type="order.split", stream="orders.1").last()
    assert [c["total"] for c in event.data["checks"]] == [8.18, 8.18, 8.18]
    assert Event.objects.filter(type="order.split", stream="table.5").exists()


def test_a_split_by_items_places_every_line_once_and_adds_up(cashier):
    created = order(cashier, FOUR_LINES)
    paneer, chai, chicken, water = (line["id"] for line in created["items"])
    body = {
        "checks": [
            {"items": [{"item_id": paneer, "quantity": 1}, {"item_id": chai, "quantity": 2}]},
            {"items": [{"item_id": paneer, "quantity": 2}, {"item_id": chicken, "quantity": 1}]},
            {"items": [{"item_id": water, "quantity": 2}]},
        ]
    }
    response = split(cashier, created["id"], body)
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    checks = data["checks"]
    assert checks[0]["items"] == [
        {"item_id": paneer, "quantity": 1},
        {"item_id": chai, "quantity": 2},
    ]
    assert [c["subtotal"] for c in checks] == [21.99, 40.97, 3.0]
    for name in ("subtotal", "tax_total", "service_charge", "total"):
        assert sum(Decimal(str(c[name])) for c in checks) == Decimal(str(data[name])), name
    assert sum(c["discount_amount"] for c in checks) == 0 and data["discount"] is None
    assert checks[2]["tax_total"] == 0  # mineral water is tax-free


@pytest.mark.parametrize(
    "body, field",
    [
        ({"equal": 1}, "equal"),
        ({"equal": 21}, "equal"),
        ({}, None),
        ({"equal": 2, "checks": []}, None),
    ],
)
def test_a_bad_split_is_a_400(cashier, body, field):
    created = order(cashier)
    response = split(cashier, created["id"], body)
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json()["error"]["fields"]


def test_every_lines_whole_quantity_goes_exactly_once(cashier):
    created = order(cashier, FOUR_LINES)
    paneer, chai, chicken, water = (line["id"] for line in created["items"])
    everything_but_water = [
        {"item_id": paneer, "quantity": 3},
        {"item_id": chai, "quantity": 2},
        {"item_id": chicken, "quantity": 1},
    ]
    cases = [
        # the water is left out
        [{"items": everything_but_water[:2]}, {"items": everything_but_water[2:]}],
        # the paneer placed 4 times out of 3
        [
            {"items": [{"item_id": paneer, "quantity": 4}]},
            {"items": everything_but_water[1:] + [{"item_id": water, "quantity": 2}]},
        ],
        # a line of another order
        [
            {"items": everything_but_water + [{"item_id": 999999, "quantity": 1}]},
            {"items": [{"item_id": water, "quantity": 2}]},
        ],
    ]
    for checks in cases:
        response = split(cashier, created["id"], {"checks": checks})
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "validation_error"
    assert cashier.get(f"{BASE}/orders/{created['id']}").json()["data"]["checks"] == []


def test_a_split_order_takes_payments_per_check_and_is_paid_when_every_check_is(cashier):
    created = order(cashier)
    checks = split(cashier, created["id"], {"equal": 2}).json()["data"]["checks"]
    first, second = checks
    # a payment without check_id on a split order is a 400
    unnamed = pay(cashier, created["id"], payment_method="cash", amount=5)
    assert unnamed.status_code == 400 and "check_id" in unnamed.json()["error"]["fields"]
    # a card above the check's balance is refused
    over = pay(cashier, created["id"], payment_method="card", amount=20, check_id=first["id"])
    assert over.status_code == 422 and over.json()["error"]["code"] == "amount_exceeds_balance"
    # cash above it gives change
    paid = pay(cashier, created["id"], payment_method="cash", amount=20, check_id=first["id"])
    assert paid.status_code == 201, paid.content
    assert paid.json()["data"]["change_due"] == round(20 - first["total"], 2)
    state = cashier.get(f"{BASE}/orders/{created['id']}").json()["data"]
    assert [c["payment_status"] for c in state["checks"]] == ["paid", "unpaid"]
    assert state["status"] != "paid" and state["balance_due"] == second["total"]
    assert state["payments"][0]["check_id"] == first["id"]
    # paying the first check again: nothing is due on it
    again = pay(cashier, created["id"], payment_method="cash", amount=1, check_id=first["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_due"
    last = pay(
        cashier, created["id"], payment_method="upi", amount=second["total"], check_id=second["id"]
    )
    assert last.json()["data"]["status"] == "paid"
    done = cashier.get(f"{BASE}/orders/{created['id']}").json()["data"]
    assert (done["status"], done["payment_status"]) == ("paid", "paid")


def test_a_paid_check_freezes_the_split_and_the_items(cashier, api_as):
    created = order(cashier)
    checks = split(cashier, created["id"], {"equal": 2}).json()["data"]["checks"]
    assert pay(cashier, created["id"], payment_method="cash", amount=1, check_id=checks[0]["id"])
    line = created["items"][0]["id"]
    for response in (
        split(cashier, created["id"], {"equal": 3}),
        cashier.delete(f"{BASE}/orders/{created['id']}/split"),
        cashier.put(
            f"{BASE}/orders/{created['id']}",
            {"items": [{"id": line, "quantity": 1}]},
            format="json",
        ),
        api_as("manager").post(
            f"{BASE}/orders/{created['id']}/discount",
            {"discount_type": "percent", "discount_value": 20},
            format="json",
        ),
    ):
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "check_paid"
    assert len(cashier.get(f"{BASE}/orders/{created['id']}").json()["data"]["checks"]) == 2


def test_changing_items_of_a_split_order_without_payments_removes_the_split(cashier):
    created = order(cashier)
    split(cashier, created["id"], {"equal": 2})
    changed = cashier.put(
        f"{BASE}/orders/{created['id']}",
        {"items": [{"id": created["items"][0]["id"], "quantity": 3}]},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["data"]["checks"] == []
    event = Event.objects.filter(type="order.updated", stream="orders.1").last()
    assert event.data["checks"] == []
    # back to one bill: a payment needs no check again
    assert pay(cashier, created["id"], payment_method="cash", amount=1).status_code == 201


def test_unsplit_puts_the_bill_back_to_one(cashier):
    created = order(cashier)
    split(cashier, created["id"], {"equal": 2})
    response = cashier.delete(f"{BASE}/orders/{created['id']}/split")
    assert response.status_code == 200 and response.json()["data"]["checks"] == []
    event = Event.objects.filter(type="order.split", stream="orders.1").last()
    assert event.data["checks"] == []


def test_an_order_paid_in_part_before_the_split_is_refused(cashier):
    created = order(cashier)
    assert pay(cashier, created["id"], payment_method="cash", amount=5).status_code == 201
    response = split(cashier, created["id"], {"equal": 2})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_has_payments"


def test_an_order_with_nothing_on_its_bill_is_not_split_nor_offered_it(cashier):
    empty = order(cashier, {"order_type_id": 2, "items": []})
    assert "split" not in empty["allowed_actions"]
    response = split(cashier, empty["id"], {"equal": 2})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_split"
    assert not Event.objects.filter(type="order.split").exists()
    created = order(cashier)
    assert "split" in created["allowed_actions"] and "unsplit" not in created["allowed_actions"]
    halves = split(cashier, created["id"], {"equal": 2}).json()["data"]
    assert {"split", "unsplit"} <= set(halves["allowed_actions"])


def test_a_refund_reduces_its_checks_paid_total(cashier, api_as):
    created = order(cashier)
    first, _ = split(cashier, created["id"], {"equal": 2}).json()["data"]["checks"]
    payment = pay(
        cashier, created["id"], payment_method="card", amount=first["total"], check_id=first["id"]
    ).json()["data"]
    refund = api_as("manager").post(
        f"{BASE}/orders/{created['id']}/refund",
        {"payment_id": payment["payment_id"], "amount": 2, "reason": "cold"},
        format="json",
    )
    assert refund.status_code == 201, refund.content
    check = cashier.get(f"{BASE}/orders/{created['id']}").json()["data"]["checks"][0]
    assert check["paid_total"] == round(first["total"] - 2, 2)
    assert check["payment_status"] == "partial"


def test_roles_and_outlets(api_as, cashier):
    created = order(cashier)
    assert split(api_as("chef"), created["id"], {"equal": 2}).status_code == 403
    assert split(api_as("driver"), created["id"], {"equal": 2}).status_code == 403
    assert split(api_as("manager2"), created["id"], {"equal": 2}).status_code == 404
    assert split(api_as("waiter"), created["id"], {"equal": 2}).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_cashiers_paying_one_check_at_once_make_one_payment(transactional_demo):
    from hub.models import Staff
    from hub.services.checks import order_split
    from hub.services.orders import ItemInput, order_create
    from hub.services.payments import PaymentRequest, payments_capture

    cashier = Staff.objects.get(username="cashier")
    created = order_create(
        outlet=cashier.outlet, by=cashier, order_type_id=2, items=[ItemInput(15, 2)]
    )
    split_order = order_split(order_id=created.pk, outlet=cashier.outlet, by=cashier, equal=2)
    check = split_order.checks.order_by("number").first()

    def pay_check(_):
        return payments_capture(
            order_id=created.pk,
            outlet=cashier.outlet,
            by=cashier,
            requests=[PaymentRequest("card", check.total, check_id=check.pk)],
        )

    results = run_concurrently(pay_check, 8)
    assert Payment.objects.filter(order_id=created.pk, split_check=check).count() == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 7 and {r.code for r in refused} == {"nothing_due"}
