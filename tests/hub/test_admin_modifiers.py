"""Modifier groups and options in the admin (CONTRACT 11, docs/admin.md "Modifiers"): a
manager edits them for their outlet's items, every row saved through hub/services/menu.py
with its event, so the tablets' choosers follow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.errors import NotFound, ValidationFailed
from hub.models import Event, MenuItem, ModifierGroup, ModifierOption, Outlet, Staff
from hub.services.menu import modifier_group_save, modifier_option_save

from .test_admin import signed_in
from .test_admin_menu import form_of

pytestmark = pytest.mark.embedded

BUTTER_CHICKEN, BIRYANI = 6, 11  # group 3 "Spice level" (options 5-7); group 2 "Portion" (3, 4)


def events(type_name: str) -> list[Event]:
    return list(Event.objects.filter(type=type_name).order_by("stream"))


def item_form(item_id: int, groups: list[dict], initial: int) -> dict:
    """The item's change form with its groups inline (`initial`: how many are existing)."""
    data = form_of(MenuItem.objects.get(pk=item_id))
    data["modifier_groups-TOTAL_FORMS"] = str(len(groups))
    data["modifier_groups-INITIAL_FORMS"] = str(initial)
    for n, group in enumerate(groups):
        for key, value in group.items():
            data[f"modifier_groups-{n}-{key}"] = str(value)
        data[f"modifier_groups-{n}-menu_item"] = str(item_id)
    return data


def group_form(group: ModifierGroup, options: list[dict], initial: int, **changes) -> dict:
    data = {
        "name": group.name,
        "min_choices": str(group.min_choices),
        "max_choices": str(group.max_choices),
        "sort_order": str(group.sort_order),
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(initial),
    }
    data.update({k: str(v) for k, v in changes.items()})
    for n, option in enumerate(options):
        for key, value in option.items():
            if value is True:
                data[f"options-{n}-{key}"] = "on"
            elif value is not False:
                data[f"options-{n}-{key}"] = str(value)
        data[f"options-{n}-group"] = str(group.pk)
    return data


def option_row(option: ModifierOption, **changes) -> dict:
    row = {
        "id": option.pk,
        "name": option.name,
        "price": option.price,
        "is_available": option.is_available,
        "sort_order": option.sort_order,
    }
    return row | changes


def menu_item(client, item_id: int) -> dict:
    menu = client.get("/api/v1/pos/menu").json()["data"]
    return next(i for s in menu for i in s["items"] if i["id"] == item_id)


SPICE = {"id": 3, "name": "Spice level", "min_choices": 0, "max_choices": 1, "sort_order": 3}


def test_a_manager_adds_a_group_on_the_items_page_and_the_menu_carries_it(demo, api_as):
    client = signed_in("manager")
    extras = {"name": "Extras", "min_choices": 0, "max_choices": 2, "sort_order": 5}
    response = client.post(
        f"/admin/hub/menuitem/{BUTTER_CHICKEN}/change/",
        item_form(BUTTER_CHICKEN, [SPICE, extras], initial=1),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = ModifierGroup.objects.get(menu_item_id=BUTTER_CHICKEN, name="Extras")
    assert (added.min_choices, added.max_choices) == (0, 2)
    recorded = events("menu.item_changed")
    assert [e.stream for e in recorded] == ["kitchen.1", "orders.1"]
    assert recorded[0].data["changed"] == ["modifier_groups"]
    assert recorded[0].data["menu_item_id"] == BUTTER_CHICKEN
    groups = menu_item(api_as("waiter"), BUTTER_CHICKEN)["modifier_groups"]
    assert [(g["name"], g["min"], g["max"]) for g in groups] == [
        ("Spice level", 0, 1),
        ("Extras", 0, 2),
    ]


def test_bounds_the_hub_refuses_come_back_on_the_form_and_change_nothing(demo):
    client = signed_in("manager")
    wrong = SPICE | {"min_choices": 2, "max_choices": 1}
    response = client.post(
        f"/admin/hub/menuitem/{BUTTER_CHICKEN}/change/",
        item_form(BUTTER_CHICKEN, [wrong], initial=1),
    )
    assert response.status_code == 200  # the form again, with the error
    group = ModifierGroup.objects.get(pk=3)
    assert (group.min_choices, group.max_choices) == (0, 1)
    assert not Event.objects.filter(type__startswith="menu.").exists()


def test_an_unchanged_item_page_with_its_groups_records_nothing(demo):
    response = signed_in("manager").post(
        f"/admin/hub/menuitem/{BUTTER_CHICKEN}/change/",
        item_form(BUTTER_CHICKEN, [SPICE], initial=1),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Event.objects.filter(type__startswith="menu.").exists()


def test_options_are_edited_on_the_groups_page_through_the_services(demo, api_as):
    client = signed_in("manager")
    group = ModifierGroup.objects.get(pk=2)  # Portion: Half 0.00, Full 6.00
    half, full = ModifierOption.objects.filter(group=group).order_by("id")
    rows = [
        option_row(half, price="0.50"),  # a price change: menu.item_changed
        option_row(full, is_available=False),  # sold out: menu.option_availability
        {"name": "Family pack", "price": "14.00", "is_available": True, "sort_order": 9},
    ]
    response = client.post("/admin/hub/modifiergroup/2/change/", group_form(group, rows, initial=2))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ModifierOption.objects.get(pk=half.pk).price == Decimal("0.50")
    assert ModifierOption.objects.get(pk=full.pk).is_available is False
    assert ModifierOption.objects.filter(group=group, name="Family pack").exists()
    availability = events("menu.option_availability")
    assert [(e.stream, e.data["option_id"], e.data["is_available"]) for e in availability] == [
        ("kitchen.1", full.pk, False),
        ("orders.1", full.pk, False),
    ]
    assert {tuple(e.data["changed"]) for e in events("menu.item_changed")} == {("modifier_groups",)}
    options = menu_item(api_as("waiter"), BIRYANI)["modifier_groups"][0]["options"]
    assert [(o["name"], o["price"], o["is_available"]) for o in options] == [
        ("Half", 0.5, True),
        ("Full", 6.0, False),
        ("Family pack", 14.0, True),
    ]

    # and an option deleted: orders taken with it keep their snapshot
    family = ModifierOption.objects.get(group=group, name="Family pack")
    rows = [option_row(o) for o in ModifierOption.objects.filter(group=group).order_by("id")]
    rows[2]["DELETE"] = True
    response = client.post("/admin/hub/modifiergroup/2/change/", group_form(group, rows, initial=3))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not ModifierOption.objects.filter(pk=family.pk).exists()


def test_another_outlets_manager_never_sees_the_groups(demo):
    client = signed_in("manager2")
    listing = client.get("/admin/hub/modifiergroup/").content.decode()
    assert "/admin/hub/modifiergroup/2/change/" not in listing
    assert client.get("/admin/hub/modifiergroup/2/change/")["Location"] == "/admin/"
    own = signed_in("manager").get("/admin/hub/modifiergroup/").content.decode()
    assert "/admin/hub/modifiergroup/2/change/" in own


def test_the_services_refuse_another_outlet_and_bad_bounds(demo):
    manager2 = Staff.objects.get(username="manager2")
    other = Outlet.objects.get(pk=2)
    with pytest.raises(NotFound):
        modifier_group_save(
            outlet=other, by=manager2, menu_item_id=BIRYANI, name="X", min_choices=0, max_choices=1
        )
    with pytest.raises(NotFound):
        modifier_option_save(outlet=other, by=manager2, group_id=2, name="X", price="1")
    manager = Staff.objects.get(username="manager")
    mine = Outlet.objects.get(pk=1)
    for low, high in ((2, 1), (0, 0), (-1, 1)):
        with pytest.raises(ValidationFailed):
            modifier_group_save(
                outlet=mine,
                by=manager,
                menu_item_id=BIRYANI,
                name="Size",
                min_choices=low,
                max_choices=high,
            )
    with pytest.raises(ValidationFailed):
        modifier_option_save(outlet=mine, by=manager, group_id=2, name="Huge", price="-1")
    assert not Event.objects.filter(type__startswith="menu.").exists()
