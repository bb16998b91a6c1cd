"""An outlet whose stored time zone is not one: the API refuses what needs its business
date with 503 outlet_misconfigured, never a 500 and never a UTC date (docs/operations.md
"Outlet time zones")."""

import pytest

from hub.models import Kot, Order, Outlet

TAKEAWAY = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]}


def _break_zone(outlet_id: int = 1) -> None:
    Outlet.objects.filter(pk=outlet_id).update(timezone="Asia/Calcuta")


@pytest.mark.embedded
def test_order_create_is_refused_with_what_to_fix(api_as):
    client = api_as("cashier")
    _break_zone()
    before = Order.objects.count()
    response = client.post("/api/v1/pos/orders", TAKEAWAY, format="json")
    assert response.status_code == 503, response.json()
    error = response.json()["error"]
    assert error["code"] == "outlet_misconfigured"
    assert "'Asia/Calcuta'" in error["message"] and "admin" in error["message"]
    assert Order.objects.count() == before


def test_kot_send_is_refused_and_sends_nothing(api_as):
    client = api_as("cashier")
    order_id = client.post("/api/v1/pos/orders", TAKEAWAY, format="json").json()["data"]["id"]
    _break_zone()
    response = client.post(f"/api/v1/pos/orders/{order_id}/kot", format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "outlet_misconfigured"
    assert not Kot.objects.filter(order_id=order_id).exists()
    assert Order.objects.get(pk=order_id).status == Order.Status.DRAFT


def test_other_outlets_are_served(api_as):
    _break_zone(outlet_id=2)
    response = api_as("cashier").post("/api/v1/pos/orders", TAKEAWAY, format="json")
    assert response.status_code == 201


def test_a_retry_with_the_same_key_goes_through_once_the_zone_is_fixed(api_as):
    client = api_as("cashier")
    _break_zone()
    key = {"HTTP_IDEMPOTENCY_KEY": "zone-retry-1"}
    assert client.post("/api/v1/pos/orders", TAKEAWAY, format="json", **key).status_code == 503
    Outlet.objects.filter(pk=1).update(timezone="Asia/Kolkata")
    response = client.post("/api/v1/pos/orders", TAKEAWAY, format="json", **key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
