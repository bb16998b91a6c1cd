"""POST /orders/{id}/assign-driver, PUT /orders/{id}/delivery-status, GET /delivery-drivers/me/orders
(CONTRACT 4a; docs/api.md "Delivery")."""

import pytest

from hub.models import Event, Order

DELIVERY = {"order_type_id": 3, "customer_id": 10,
            "items": [{"menu_item_id": 15, "quantity": 2, "price": 12.99}]}  # fmt: skip


def new_delivery(api_as, **extra) -> dict:
    response = api_as("cashier").post("/api/v1/pos/orders", {**DELIVERY, **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def assign(client, order_id: int, driver_id):
    return client.post(
        f"/api/v1/pos/orders/{order_id}/assign-driver", {"driver_id": driver_id}, format="json"
    )


def set_status(client, order_id: int, status: str, reason=None):
    body = {"status": status} if reason is None else {"status": status, "reason": reason}
    return client.put(f"/api/v1/pos/orders/{order_id}/delivery-status", body, format="json")


@pytest.mark.embedded
def test_manager_assigns_and_the_driver_delivers_on_their_own_stream(api_as):
    order = new_delivery(api_as)
    assert order["delivery"]["status"] == "pending"
    response = assign(api_as("manager"), order["id"], 1)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["delivery"]["driver"] == {"id": 1, "name": "Dev Driver", "phone": "+91 90000 00001"}
    assert data["delivery"]["status"] == "assigned" and data["version"] == order["version"] + 1
    driver = api_as("driver")
    for status in ("picked_up", "out_for_delivery", "delivered"):
        response = set_status(driver, order["id"], status)
        assert response.status_code == 200, response.json()
        assert response.json()["data"]["delivery"]["status"] == status
    assert response.json()["data"]["version"] == order["version"] + 4
    events = Event.objects.filter(stream="driver.1").order_by("seq")
    mine = [
        (e.type, e.data["delivery_status"]) for e in events if e.data["order_id"] == order["id"]
    ]
    assert mine == [("delivery.assigned", "assigned"), ("delivery.status_changed", "picked_up"),
                    ("delivery.status_changed", "out_for_delivery"),
                    ("delivery.status_changed", "delivered")]  # fmt: skip


def test_another_driver_is_refused(api_as):
    order = new_delivery(api_as)
    assign(api_as("cashier"), order["id"], 1)
    response = set_status(api_as("driver2"), order["id"], "picked_up")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert Order.objects.get(pk=order["id"]).delivery_status == "assigned"


def test_invalid_move_lists_the_allowed_ones(api_as):
    order = new_delivery(api_as)
    assign(api_as("manager"), order["id"], 1)
    response = set_status(api_as("driver"), order["id"], "delivered")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition" and error["allowed"] == ["picked_up", "failed"]


def test_failed_needs_a_reason(api_as):
    order = new_delivery(api_as)
    assign(api_as("manager"), order["id"], 1)
    response = set_status(api_as("driver"), order["id"], "failed")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = set_status(api_as("driver"), order["id"], "failed", "Address not found")
    assert response.status_code == 200
    assert response.json()["data"]["delivery"]["failed_reason"] == "Address not found"


def test_assign_refusals(api_as):
    manager = api_as("manager")
    order = new_delivery(api_as)
    for bad in (999999, "x", None, True):
        response = assign(manager, order["id"], bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "validation_error"
    takeaway = (
        api_as("cashier")
        .post("/api/v1/pos/orders", {"order_type_id": 2, "items": DELIVERY["items"]}, format="json")
        .json()["data"]
    )
    response = assign(manager, takeaway["id"], 1)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_delivery_order"
    # roles: a waiter may assign (front of house), a driver or cook may not
    assert assign(api_as("waiter"), order["id"], 2).status_code == 200
    assert assign(api_as("driver"), order["id"], 1).status_code == 403
    assert assign(api_as("chef"), order["id"], 1).status_code == 403
    assert set_status(api_as("waiter"), order["id"], "picked_up").status_code == 403


def test_another_outlet_gets_404(api_as):
    order = new_delivery(api_as)
    response = assign(api_as("manager2"), order["id"], 1)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert set_status(api_as("manager2"), order["id"], "failed", "x").status_code == 404
    # and outlet 001's driver id is unknown at outlet 002's orders
    assert Order.objects.get(pk=order["id"]).driver_id is None


def test_my_deliveries_active_first_with_what_to_collect(api_as):
    manager = api_as("manager")
    first, second, done = (new_delivery(api_as) for _ in range(3))
    other = new_delivery(api_as)
    for order in (first, second, done):
        assign(manager, order["id"], 1)
    assign(manager, other["id"], 2)
    driver = api_as("driver")
    for status in ("picked_up", "out_for_delivery", "delivered"):
        set_status(driver, done["id"], status)
    body = driver.get("/api/v1/pos/delivery-drivers/me/orders").json()
    assert body["meta"]["total"] == 3
    rows = body["data"]
    assert [r["order_id"] for r in rows] == [first["id"], second["id"], done["id"]]
    assert [r["active"] for r in rows] == [True, True, False]
    assert rows[0]["customer"] == {
        "id": 10, "name": "Priya Kapoor", "phone": "+91 98765 43210",
        "address": "42 Koramangala 5th Block, Bengaluru 560095",
    }  # fmt: skip
    assert rows[0]["balance_due"] == 27.28 and rows[0]["delivery_status"] == "assigned"
    assert rows[0]["order_number"] == first["order_number"]
    active = driver.get("/api/v1/pos/delivery-drivers/me/orders?scope=active").json()
    assert [r["order_id"] for r in active["data"]] == [first["id"], second["id"]]
    theirs = api_as("driver2").get("/api/v1/pos/delivery-drivers/me/orders").json()["data"]
    assert [r["order_id"] for r in theirs] == [other["id"]]


def test_my_deliveries_needs_a_driver_profile(api_as):
    response = api_as("waiter").get("/api/v1/pos/delivery-drivers/me/orders")
    assert response.status_code == 404
    assert api_as("chef").get("/api/v1/pos/delivery-drivers/me/orders").status_code == 403
    bad = api_as("driver").get("/api/v1/pos/delivery-drivers/me/orders?scope=yesterday")
    assert bad.status_code == 400
