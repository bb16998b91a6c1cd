"""GET /session, POST /session/save (save, hold, resume), DELETE /session/clear,
GET /session/held-orders (CONTRACT 4a "Session"; docs/api.md "POS session")."""

import json

import pytest

from hub.models import HeldOrder, Kot, Order

CART = {"order_type_id": 1, "table_id": 9,
        "items": [{"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"},
                  {"menu_item_id": 16, "quantity": 1}]}  # fmt: skip


def save(client, body, device="tab-1"):
    return client.post("/api/v1/pos/session/save", body, format="json", HTTP_X_DEVICE_ID=device)


@pytest.mark.embedded
def test_a_held_cart_resumed_becomes_a_real_order_that_goes_to_the_kitchen(api_as):
    waiter = api_as("waiter")
    response = save(waiter, {"cart": CART})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["cart"] == CART and data["updated_at"] and data["device_id"] == "tab-1"
    session = waiter.get("/api/v1/pos/session", HTTP_X_DEVICE_ID="tab-1").json()["data"]
    assert session["cart"] == CART
    held_before = session["held_count"]

    response = save(waiter, {"hold": True, "label": "Window, 2 guests"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["cart"] == {} and data["held_count"] == held_before + 1
    held = data["held"]
    assert held["label"] == "Window, 2 guests" and held["cart"] == CART and held["order_id"] is None
    assert held["held_by"] == {"id": waiter.staff.id, "name": "Wasim Waiter"}

    listing = waiter.get("/api/v1/pos/session/held-orders").json()
    assert listing["meta"]["total"] == held_before + 1
    assert listing["data"][0]["id"] == held["id"]
    assert set(listing["data"][0]) >= {"id", "label", "cart", "order_id", "held_by", "held_at"}

    response = save(waiter, {"resume_held_id": held["id"]}, device="tab-2")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["cart"] == CART and data["resumed"]["id"] == held["id"]
    assert data["held_count"] == held_before
    ids = [h["id"] for h in waiter.get("/api/v1/pos/session/held-orders").json()["data"]]
    assert held["id"] not in ids
    again = save(waiter, {"resume_held_id": held["id"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resumed"

    # the resumed cart is the order the terminal now places, and it goes to the kitchen
    order = waiter.post("/api/v1/pos/orders", data["cart"], format="json")
    assert order.status_code == 201, order.json()
    order_id = order.json()["data"]["id"]
    kot = waiter.post(f"/api/v1/pos/orders/{order_id}/kot", format="json")
    assert kot.status_code == 201, kot.json()
    assert {k.kitchen_id for k in Kot.objects.filter(order_id=order_id)} == {1, 2}
    assert Order.objects.get(pk=order_id).status == "kot"
    cleared = waiter.delete("/api/v1/pos/session/clear", HTTP_X_DEVICE_ID="tab-2")
    assert cleared.status_code == 200 and cleared.json()["data"]["cart"] == {}


def test_hold_a_draft_order_and_resume_it(api_as):
    waiter = api_as("waiter")
    order = waiter.post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": CART["items"]}, format="json"
    ).json()["data"]
    response = save(
        waiter, {"hold": True, "order_id": order["id"], "cart": {"order_id": order["id"]}}
    )
    assert response.status_code == 200
    held = response.json()["data"]["held"]
    assert held["order_id"] == order["id"] and held["order_number"] == order["order_number"]
    assert held["label"] == order["order_number"]
    twice = save(waiter, {"hold": True, "order_id": order["id"]})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_held"
    resumed = save(api_as("cashier"), {"resume_held_id": held["id"]}).json()["data"]
    assert resumed["resumed"]["order_id"] == order["id"]
    assert resumed["cart"] == {"order_id": order["id"]}


def test_session_is_per_user_and_device(api_as):
    waiter, cashier = api_as("waiter"), api_as("cashier")
    save(waiter, {"cart": {"a": 1}}, device="t1")
    save(waiter, {"cart": {"b": 2}}, device="t2")
    assert waiter.get("/api/v1/pos/session", HTTP_X_DEVICE_ID="t1").json()["data"]["cart"] == {
        "a": 1
    }
    assert waiter.get("/api/v1/pos/session", HTTP_X_DEVICE_ID="t2").json()["data"]["cart"] == {
        "b": 2
    }
    fresh = cashier.get("/api/v1/pos/session", HTTP_X_DEVICE_ID="t1").json()["data"]
    assert fresh["cart"] == {} and fresh["updated_at"] is None
    nodevice = waiter.get("/api/v1/pos/session").json()["data"]
    assert nodevice["cart"] == {} and nodevice["device_id"] == ""


def test_cart_over_64_kb_is_413(api_as):
    big = {"pad": "x" * (64 * 1024)}
    response = save(api_as("waiter"), {"cart": big})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "cart_too_large"
    assert len(json.dumps(big)) < 1024 * 1024  # under the 1 MB body limit: the cart rule answered


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"cart": [1, 2]},
        {"cart": "x"},
        {"cart": None},
        {"hold": True},  # nothing saved, nothing to hold
        {"order_id": 1},
        {"resume_held_id": 1, "cart": {}},
        {"resume_held_id": "x"},
        {"resume_held_id": 999999},
        {"hold": "yes please", "cart": {}},
        {"hold": True, "order_id": 999999},
        {"cart": {"a": "nul\u0000"}},
        {"hold": True, "label": "x" * 81, "cart": {"a": 1}},
    ],
)
def test_bad_bodies_are_validation_errors(api_as, body):
    response = save(api_as("waiter"), body, device="bad-input")
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "validation_error"


def test_bad_device_id_is_a_validation_error(api_as):
    response = api_as("waiter").get("/api/v1/pos/session", HTTP_X_DEVICE_ID="d" * 81)
    assert response.status_code == 400
    assert "X-Device-Id" in response.json()["error"]["fields"]


def test_roles_and_outlets(api_as):
    for user in ("chef", "driver"):
        assert api_as(user).get("/api/v1/pos/session").status_code == 403
        assert save(api_as(user), {"cart": {}}).status_code == 403
    held = save(api_as("waiter"), {"hold": True, "cart": {"a": 1}}).json()["data"]["held"]
    other = api_as("waiter2")
    ids = [h["id"] for h in other.get("/api/v1/pos/session/held-orders").json()["data"]]
    assert held["id"] not in ids
    response = save(other, {"resume_held_id": held["id"]})
    assert response.status_code == 400
    assert HeldOrder.objects.get(pk=held["id"]).resumed_at is None
    assert (
        api_as("manager")
        .get("/api/v1/pos/session/held-orders?per_page=1")
        .json()["meta"]["per_page"]
        == 1
    )


# --- options (CONTRACT 11) wherever the session returns lines ----------------------------

CART_WITH_OPTIONS = {
    "order_type_id": 2,
    "items": [
        {"menu_item_id": 11, "quantity": 1, "modifiers": [{"option_id": 4, "quantity": 1}]},
        {"menu_item_id": 15, "quantity": 2, "note": "well done",
         "modifiers": [{"option_id": 1, "quantity": 1}, {"option_id": 2, "quantity": 1}]},
    ],
}  # fmt: skip


@pytest.mark.embedded
def test_a_held_cart_keeps_its_lines_options_through_hold_list_and_resume(api_as):
    waiter = api_as("waiter")
    save(waiter, {"cart": CART_WITH_OPTIONS}, device="tab-mods")
    held = save(waiter, {"hold": True, "label": "Biryani takeaway"}, device="tab-mods").json()[
        "data"
    ]["held"]
    assert held["cart"] == CART_WITH_OPTIONS and held["items"] == []
    listed = next(
        h
        for h in waiter.get("/api/v1/pos/session/held-orders").json()["data"]
        if h["id"] == held["id"]
    )
    assert listed["cart"]["items"][1]["modifiers"] == CART_WITH_OPTIONS["items"][1]["modifiers"]
    resumed = save(waiter, {"resume_held_id": held["id"]}, device="tab-9").json()["data"]
    assert resumed["cart"] == CART_WITH_OPTIONS
    # placed, the resumed cart's lines carry their options, priced by the hub
    order = waiter.post("/api/v1/pos/orders", resumed["cart"], format="json").json()["data"]
    assert [[m["name"] for m in i["modifiers"]] for i in order["items"]] == [
        ["Full"],
        ["Extra cheese", "Mint chutney"],
    ]
    assert [i["unit_price"] for i in order["items"]] == [21.49, 14.99]


def _parked_order_with_options(client, lines: int = 2) -> dict:
    items = [
        {"menu_item_id": 11, "quantity": 1, "modifiers": [{"option_id": 4}], "note": "less oil"},
        {"menu_item_id": 15, "quantity": 1, "modifiers": [{"option_id": 1}, {"option_id": 2}]},
    ]
    order = client.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": (items * lines)[:lines]},
        format="json",
    ).json()["data"]
    return order


@pytest.mark.embedded
def test_a_parked_orders_entry_shows_its_lines_with_their_options(api_as):
    waiter = api_as("waiter")
    order = _parked_order_with_options(waiter)
    held = save(waiter, {"hold": True, "order_id": order["id"]}).json()["data"]["held"]
    assert held["order_number"] == order["order_number"]
    for entry in (
        held,
        next(
            h
            for h in waiter.get("/api/v1/pos/session/held-orders").json()["data"]
            if h["id"] == held["id"]
        ),
    ):
        assert [
            (i["id"], i["name"], i["note"], i["unit_price"], i["line_total"], i["modifiers"])
            for i in entry["items"]
        ] == [
            (i["id"], i["name"], i["note"], i["unit_price"], i["line_total"], i["modifiers"])
            for i in order["items"]
        ]
    biryani, paneer = held["items"]
    assert biryani["modifiers"] == [
        {"option_id": 4, "group_id": 2, "name": "Full", "price": 6.0, "quantity": 1}
    ]
    assert [m["name"] for m in paneer["modifiers"]] == ["Extra cheese", "Mint chutney"]
    resumed = save(waiter, {"resume_held_id": held["id"]}).json()["data"]["resumed"]
    assert [i["modifiers"] for i in resumed["items"]] == [i["modifiers"] for i in held["items"]]


def test_the_held_list_reads_a_fixed_number_of_queries_however_many_lines(
    api_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    waiter = api_as("waiter")
    counts = []
    for lines in (1, 6):
        save(waiter, {"hold": True, "order_id": _parked_order_with_options(waiter, lines)["id"]})
        with CaptureQueriesContext(connection) as queries:
            assert waiter.get("/api/v1/pos/session/held-orders").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
