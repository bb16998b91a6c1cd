"""Menu edits in the admin go through hub/services/menu.py and record their events, like
the API (docs/admin.md "Menu", docs/realtime.md "Event types")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from hub.errors import NotFound, ValidationFailed
from hub.models import Event, MenuItem, Staff
from hub.services.menu import menu_item_update

from .test_admin import signed_in

pytestmark = pytest.mark.embedded

PANEER = 15  # 12.99, Main Kitchen (1), Starters (1), GST 5% (1)


def form_of(item: MenuItem, **changes) -> dict:
    """The change form as the admin posts it, with `changes` typed in."""
    data = {
        "name": item.name,
        "category": str(item.category_id or ""),
        "price": str(item.price),
        "kitchen": str(item.kitchen_id),
        "tax_category": str(item.tax_category_id or ""),
        "sort_order": str(item.sort_order),
        # the modifier groups inline (tests/hub/test_admin_modifiers.py edits them)
        "modifier_groups-TOTAL_FORMS": "0",
        "modifier_groups-INITIAL_FORMS": "0",
    }
    if item.is_open_price:
        data["is_open_price"] = "on"
    if item.is_available:
        data["is_available"] = "on"
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        elif value is True:
            data[key] = "on"
        else:
            data[key] = str(value)
    return data


def events(type_name: str) -> list[Event]:
    return list(Event.objects.filter(type=type_name).order_by("stream"))


def save(client, item_id: int, **changes):
    item = MenuItem.objects.get(pk=item_id)
    response = client.post(f"/admin/hub/menuitem/{item_id}/change/", form_of(item, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return MenuItem.objects.get(pk=item_id)


def test_marking_an_item_sold_out_in_the_admin_records_the_availability_event(demo, api_as):
    item = save(signed_in("manager"), PANEER, is_available=False)
    assert item.is_available is False
    recorded = events("menu.item_availability")
    assert [e.stream for e in recorded] == ["kitchen.1", "orders.1"]
    assert recorded[0].data == {
        "menu_item_id": PANEER,
        "name": "Paneer Tikka",
        "kitchen_id": 1,
        "is_available": False,
    }
    assert events("menu.item_changed") == []  # nothing else changed
    menu = api_as("cashier").get("/api/v1/pos/menu").json()["data"]
    assert next(i for s in menu for i in s["items"] if i["id"] == PANEER)["is_available"] is False


def test_a_price_change_in_the_admin_records_menu_item_changed_and_reaches_the_api(demo, api_as):
    cashier = api_as("cashier")
    before = cashier.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": PANEER, "quantity": 1}]},
        format="json",
    ).json()["data"]
    item = save(signed_in("manager"), PANEER, price="13.49")
    assert item.price == Decimal("13.49")
    recorded = events("menu.item_changed")
    assert [e.stream for e in recorded] == ["kitchen.1", "orders.1"]
    assert recorded[0].data == {
        "menu_item_id": PANEER,
        "name": "Paneer Tikka",
        "price": 13.49,
        "category_id": 1,
        "kitchen_id": 1,
        "tax_category_id": 1,
        "is_open_price": False,
        "is_available": True,
        "sort_order": 15,
        "changed": ["price"],
    }
    menu = cashier.get("/api/v1/pos/menu").json()["data"]
    assert next(i for s in menu for i in s["items"] if i["id"] == PANEER)["price"] == 13.49
    after = cashier.post(
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": PANEER, "quantity": 1}]},
        format="json",
    ).json()["data"]
    assert after["items"][0]["unit_price"] == 13.49
    # an order taken before keeps the price it was taken at
    again = cashier.get(f"/api/v1/pos/orders/{before['id']}").json()["data"]
    assert again["items"][0]["unit_price"] == 12.99


def test_saving_an_unchanged_form_records_nothing(demo):
    save(signed_in("manager"), PANEER)
    assert Event.objects.filter(type__startswith="menu.").count() == 0


def test_price_and_availability_edited_in_the_list_go_through_the_services(demo):
    client = signed_in("manager")
    items = list(MenuItem.objects.filter(outlet_id=1).order_by("sort_order", "id")[:3])
    form = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),
        "_save": "Save",
    }
    for n, item in enumerate(items):
        form[f"form-{n}-id"] = str(item.pk)
        form[f"form-{n}-price"] = str(item.price)
        form[f"form-{n}-is_available"] = "on"
    form["form-0-price"] = "3.75"
    del form["form-1-is_available"]
    response = client.post("/admin/hub/menuitem/?o=", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    changed = events("menu.item_changed")
    assert {
        (e.data["menu_item_id"], e.data["price"], tuple(e.data["changed"])) for e in changed
    } == {(items[0].pk, 3.75, ("price",))}
    availability = events("menu.item_availability")
    assert {e.data["menu_item_id"] for e in availability} == {items[1].pk}


def test_the_sold_out_action_records_one_event_per_item_that_changes(demo):
    client = signed_in("manager")
    MenuItem.objects.filter(pk=2).update(is_available=False)  # already sold out: no event
    response = client.post(
        "/admin/hub/menuitem/", {"action": "mark_sold_out", "_selected_action": ["1", "2", "3"]}
    )
    assert response.status_code == 302
    assert sorted(
        e.data["menu_item_id"] for e in events("menu.item_availability") if e.stream == "orders.1"
    ) == [1, 3]


def test_moving_an_item_to_another_kitchen_tells_both_kitchens(demo):
    save(signed_in("manager"), PANEER, kitchen=2, name="Paneer Tikka (bar)")
    (first, *_rest) = recorded = events("menu.item_changed")
    assert [e.stream for e in recorded] == ["kitchen.1", "kitchen.2", "orders.1"]
    assert first.data["changed"] == ["name", "kitchen_id"]
    assert first.data["kitchen_id"] == 2


def test_an_item_added_in_the_admin_is_the_managers_outlets_and_announced(demo):
    client = signed_in("manager2")
    response = client.post(
        "/admin/hub/menuitem/add/",
        {
            "outlet": "1",  # ignored: the outlet is fixed to manager2's
            "name": "Rava Dosa",
            "category": "7",
            "price": "8.50",
            "kitchen": "3",
            "tax_category": "3",
            "is_available": "on",
            "sort_order": "4",
            "modifier_groups-TOTAL_FORMS": "0",  # the groups inline, none yet
            "modifier_groups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = MenuItem.objects.get(name="Rava Dosa")
    assert (item.outlet_id, item.price, item.kitchen_id) == (2, Decimal("8.50"), 3)
    (event,) = [e for e in events("menu.item_changed") if e.stream == "orders.2"]
    assert event.data["menu_item_id"] == item.pk and event.outlet_id == 2


def test_a_negative_price_is_refused_by_the_form(demo):
    client = signed_in("manager")
    item = MenuItem.objects.get(pk=PANEER)
    response = client.post(f"/admin/hub/menuitem/{PANEER}/change/", form_of(item, price="-1"))
    assert response.status_code == 200
    assert MenuItem.objects.get(pk=PANEER).price == Decimal("12.99")
    assert not Event.objects.filter(type__startswith="menu.").exists()


# --- the service itself ----------------------------------------------------------------


def test_the_service_refuses_another_outlets_item_and_rows(demo):
    manager = Staff.objects.get(username="manager")
    with pytest.raises(NotFound):
        menu_item_update(item_id=31, outlet=demo, by=manager, price="1.00")
    with pytest.raises(ValidationFailed) as refused:
        menu_item_update(item_id=PANEER, outlet=demo, by=manager, kitchen_id=3)
    assert refused.value.fields == {"kitchen_id": ["No such row at this outlet."]}
    with pytest.raises(ValidationFailed):
        menu_item_update(item_id=PANEER, outlet=demo, by=manager, price="-0.01")
    assert MenuItem.objects.get(pk=PANEER).kitchen_id == 1


def test_a_rolled_back_edit_leaves_neither_the_change_nor_its_event(demo):
    manager = Staff.objects.get(username="manager")
    with pytest.raises(RuntimeError), transaction.atomic():
        menu_item_update(item_id=PANEER, outlet=demo, by=manager, price="20.00")
        raise RuntimeError("the request failed after the edit")
    assert MenuItem.objects.get(pk=PANEER).price == Decimal("12.99")
    assert not Event.objects.filter(type="menu.item_changed").exists()


def test_prices_are_rounded_half_up_to_two_places(demo):
    manager = Staff.objects.get(username="manager")
    item = menu_item_update(item_id=PANEER, outlet=demo, by=manager, price="13.005")
    assert item.price == Decimal("13.01")
