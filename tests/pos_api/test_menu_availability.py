"""86-ing a menu item: PUT /menu/items/{id}/availability (docs/api.md "Reference data")."""

from __future__ import annotations

import pytest

from hub.models import Event, MenuItem

PANEER = 15  # Main Kitchen (kitchen 1)
CHAI = 16  # Bar (kitchen 2)


def _set(client, item_id: int, body):
    return client.put(f"/api/v1/pos/menu/items/{item_id}/availability", body, format="json")


def _menu_item(client, item_id: int) -> dict:
    sections = client.get("/api/v1/pos/menu").json()["data"]
    return next(i for s in sections for i in s["items"] if i["id"] == item_id)


@pytest.mark.embedded
def test_chef_86s_an_item_tills_and_kitchen_hear_it_and_new_lines_are_refused(api_as):
    chef, cashier = api_as("chef"), api_as("cashier")
    response = _set(chef, PANEER, {"is_available": False})
    assert response.status_code == 200
    assert response.json()["data"] == {
        "id": PANEER,
        "name": "Paneer Tikka",
        "kitchen_id": 1,
        "is_available": False,
    }
    assert _menu_item(cashier, PANEER)["is_available"] is False
    events = Event.objects.filter(type="menu.item_availability").order_by("id")
    assert sorted(e.stream for e in events) == ["kitchen.1", "orders.1"]
    assert events[0].data["is_available"] is False

    refused = cashier.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": PANEER, "quantity": 1}]},
        format="json",
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "item_unavailable"

    assert _set(chef, PANEER, {"is_available": True}).status_code == 200
    created = cashier.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": PANEER, "quantity": 1}]},
        format="json",
    )
    assert created.status_code == 201


def test_the_same_value_again_records_nothing(api_as):
    manager = api_as("manager")
    _set(manager, CHAI, {"is_available": False})
    _set(manager, CHAI, {"is_available": False})
    assert Event.objects.filter(type="menu.item_availability", stream="kitchen.2").count() == 1


def test_kitchen_users_change_only_their_kitchens_items(api_as):
    response = _set(api_as("bartender"), PANEER, {"is_available": False})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert MenuItem.objects.get(pk=PANEER).is_available is True
    assert _set(api_as("bartender"), CHAI, {"is_available": False}).status_code == 200


@pytest.mark.parametrize("username", ["waiter", "driver"])
def test_waiters_and_drivers_may_not(api_as, username):
    assert _set(api_as(username), PANEER, {"is_available": False}).status_code == 403


def test_another_outlets_item_is_not_found(api_as):
    response = _set(api_as("manager2"), PANEER, {"is_available": False})
    assert response.status_code == 404
    assert MenuItem.objects.get(pk=PANEER).is_available is True


@pytest.mark.parametrize(
    "body", [{}, {"is_available": "false"}, {"is_available": 0}, {"is_available": None}]
)
def test_only_a_json_boolean_is_accepted(api_as, body):
    response = _set(api_as("manager"), PANEER, body)
    assert response.status_code == 400
    assert "is_available" in response.json()["error"]["fields"]


# --- a modifier option (CONTRACT 11): PUT /menu/options/{id}/availability ----------------

FULL, MINT = 4, 2  # Biryani (kitchen 1): Portion "Full"; Paneer Tikka (kitchen 1): "Mint chutney"


def _set_option(client, option_id: int, body):
    return client.put(f"/api/v1/pos/menu/options/{option_id}/availability", body, format="json")


def _menu_option(client, option_id: int) -> dict:
    sections = client.get("/api/v1/pos/menu").json()["data"]
    return next(
        o
        for s in sections
        for i in s["items"]
        for g in i["modifier_groups"]
        for o in g["options"]
        if o["id"] == option_id
    )


@pytest.mark.embedded
def test_chef_86s_an_option_tills_and_kitchen_hear_it_and_lines_choosing_it_are_refused(api_as):
    chef, cashier = api_as("chef"), api_as("cashier")
    response = _set_option(chef, FULL, {"is_available": False})
    assert response.status_code == 200
    assert response.json()["data"] == {
        "id": FULL,
        "name": "Full",
        "group_id": 2,
        "menu_item_id": 11,
        "is_available": False,
    }
    assert _menu_option(cashier, FULL)["is_available"] is False
    events = Event.objects.filter(type="menu.option_availability").order_by("id")
    assert sorted(e.stream for e in events) == ["kitchen.1", "orders.1"]
    assert events[0].data == {
        "option_id": FULL,
        "group_id": 2,
        "menu_item_id": 11,
        "name": "Full",
        "kitchen_id": 1,
        "is_available": False,
    }
    line = {"menu_item_id": 11, "quantity": 1, "modifiers": [{"option_id": FULL}]}
    refused = cashier.post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": [line]}, format="json"
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "item_unavailable"
    # the item itself stays on: a Half plate is still taken
    half = {"menu_item_id": 11, "quantity": 1, "modifiers": [{"option_id": 3}]}
    created = cashier.post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": [half]}, format="json"
    )
    assert created.status_code == 201

    assert _set_option(chef, FULL, {"is_available": True}).status_code == 200
    created = cashier.post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": [line]}, format="json"
    )
    assert created.status_code == 201


def test_an_option_set_to_the_value_it_has_records_nothing(api_as):
    manager = api_as("manager")
    _set_option(manager, MINT, {"is_available": False})
    assert _set_option(manager, MINT, {"is_available": False}).status_code == 200
    assert Event.objects.filter(type="menu.option_availability", stream="orders.1").count() == 1


def test_option_roles_and_outlets(api_as):
    from hub.models import ModifierOption

    bar = _set_option(api_as("bartender"), FULL, {"is_available": False})
    assert bar.status_code == 403 and bar.json()["error"]["code"] == "forbidden"
    assert _set_option(api_as("waiter"), FULL, {"is_available": False}).status_code == 403
    other = _set_option(api_as("manager2"), FULL, {"is_available": False})
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert _set_option(api_as("manager"), 99999, {"is_available": False}).status_code == 404
    assert ModifierOption.objects.get(pk=FULL).is_available is True
    bad = _set_option(api_as("manager"), FULL, {"is_available": "no"})
    assert bad.status_code == 400 and "is_available" in bad.json()["error"]["fields"]
    assert not Event.objects.filter(type="menu.option_availability").exists()
