"""Modifiers and variants over REST (CONTRACT 11; docs/api.md "Modifiers and variants").

Demo data: item 15 Paneer Tikka (12.99) has group 1 Extras (min 0, max 2: option 1
Extra cheese 1.50, option 2 Mint chutney 0.50); item 11 Hyderabadi Biryani (15.49) has
group 2 Portion (min 1, max 1: option 3 Half 0.00, option 4 Full 6.00); item 6 Butter
Chicken has group 3 Spice level (min 0, max 1: options 5-7).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Event, ModifierGroup, ModifierOption, Order, OrderItem

BASE = "/api/v1/pos"
BIRYANI_FULL = {"menu_item_id": 11, "quantity": 1, "modifiers": [{"option_id": 4}]}
PANEER_CHEESE = {"menu_item_id": 15, "quantity": 1, "modifiers": [{"option_id": 1}]}


def create(client, items, **extra):
    return client.post(
        f"{BASE}/orders", {"order_type_id": 2, "items": items, **extra}, format="json"
    )


def error(response) -> dict:
    return response.json()["error"]


@pytest.fixture
def cashier(api_as):
    return api_as("cashier")


@pytest.mark.embedded
def test_the_worked_example_biryani_full_and_paneer_with_extra_cheese(cashier):
    response = create(cashier, [BIRYANI_FULL, {**PANEER_CHEESE, "note": "well done"}])
    assert response.status_code == 201, response.content
    order = response.json()["data"]
    biryani, paneer = order["items"]
    # unit price = the item's price + its options; taxed at the item's rate (GST 5%)
    assert (biryani["unit_price"], biryani["line_total"]) == (21.49, 21.49)
    assert biryani["modifiers"] == [
        {"option_id": 4, "group_id": 2, "name": "Full", "price": 6.0, "quantity": 1}
    ]
    assert (paneer["unit_price"], paneer["note"]) == (14.49, "well done")
    assert paneer["modifiers"] == [
        {"option_id": 1, "group_id": 1, "name": "Extra cheese", "price": 1.5, "quantity": 1}
    ]
    assert order["subtotal"] == 35.98
    assert order["taxes"] == [
        {"name": "CGST", "rate": 2.5, "amount": 0.9},
        {"name": "SGST", "rate": 2.5, "amount": 0.9},
    ]
    assert (order["tax_total"], order["total"]) == (1.8, 37.78)


def test_an_option_of_another_item_is_a_400_on_its_path(cashier):
    response = create(
        cashier, [{"menu_item_id": 15, "quantity": 1, "modifiers": [{"option_id": 3}]}]
    )
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["items.0.modifiers.0.option_id"]
    unknown = create(
        cashier, [{**PANEER_CHEESE, "modifiers": [{"option_id": 1}, {"option_id": 999}]}]
    )
    assert list(error(unknown)["fields"]) == ["items.0.modifiers.1.option_id"]


@pytest.mark.parametrize("quantity", [0, 10, -1, True, 1.5])
def test_an_option_quantity_is_a_whole_number_from_1_to_9(cashier, quantity):
    response = create(
        cashier, [{**PANEER_CHEESE, "modifiers": [{"option_id": 1, "quantity": quantity}]}]
    )
    assert response.status_code == 400, response.content
    assert list(error(response)["fields"]) == ["items.0.modifiers.0.quantity"]


def test_a_required_choice_left_out_is_a_422_modifier_rule_naming_the_group(cashier):
    for modifiers in (None, []):
        line = {"menu_item_id": 11, "quantity": 1}
        if modifiers is not None:
            line["modifiers"] = modifiers
        response = create(cashier, [PANEER_CHEESE, line])
        assert response.status_code == 422
        body = error(response)
        assert (body["code"], body["group"]) == ("modifier_rule", 2)
        assert list(body["fields"]) == ["items.1.modifiers"]


def test_more_options_than_a_group_allows_is_a_422_quantities_included(cashier):
    both_portions = create(
        cashier, [{**BIRYANI_FULL, "modifiers": [{"option_id": 3}, {"option_id": 4}]}]
    )
    assert (error(both_portions)["code"], error(both_portions)["group"]) == ("modifier_rule", 2)
    # max 2 for Extras: 2 cheese + 1 chutney is three
    three = create(
        cashier,
        [{**PANEER_CHEESE, "modifiers": [{"option_id": 1, "quantity": 2}, {"option_id": 2}]}],
    )
    assert three.status_code == 422 and error(three)["group"] == 1
    two = create(cashier, [{**PANEER_CHEESE, "modifiers": [{"option_id": 1, "quantity": 2}]}])
    assert two.status_code == 201 and two.json()["data"]["items"][0]["unit_price"] == 15.99


def test_a_sold_out_option_is_a_422_item_unavailable(cashier):
    ModifierOption.objects.filter(pk=1).update(is_available=False)
    response = create(cashier, [PANEER_CHEESE])
    assert response.status_code == 422
    assert error(response)["code"] == "item_unavailable"
    assert list(error(response)["fields"]) == ["items.0.modifiers.0.option_id"]
    assert create(cashier, [{**PANEER_CHEESE, "modifiers": [{"option_id": 2}]}]).status_code == 201


def test_a_refused_line_writes_nothing(cashier):
    before = (Order.objects.count(), OrderItem.objects.count(), Event.objects.count())
    for items in (
        [PANEER_CHEESE, {"menu_item_id": 11, "quantity": 1}],
        [PANEER_CHEESE, {**BIRYANI_FULL, "modifiers": [{"option_id": 7}]}],
    ):
        assert create(cashier, items).status_code in (400, 422)
    assert (Order.objects.count(), OrderItem.objects.count(), Event.objects.count()) == before


def test_two_lines_of_one_item_with_different_options_stay_two_lines(cashier):
    order = create(
        cashier, [PANEER_CHEESE, {**PANEER_CHEESE, "modifiers": [{"option_id": 2}]}]
    ).json()["data"]
    assert [i["unit_price"] for i in order["items"]] == [14.49, 13.49]


def test_put_keeps_a_lines_options_unless_it_sends_new_ones(cashier):
    order = create(cashier, [BIRYANI_FULL]).json()["data"]
    line = order["items"][0]["id"]
    kept = cashier.put(
        f"{BASE}/orders/{order['id']}", {"items": [{"id": line, "quantity": 2}]}, format="json"
    ).json()["data"]
    assert kept["items"][0]["modifiers"][0]["name"] == "Full"
    assert kept["items"][0]["line_total"] == 42.98
    half = cashier.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": line, "quantity": 2, "modifiers": [{"option_id": 3}]}]},
        format="json",
    ).json()["data"]
    assert [(i["id"], i["unit_price"], i["status"]) for i in half["items"]] == [
        (line, 15.49, "pending")
    ]
    refused = cashier.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": line, "quantity": 2, "modifiers": []}]},
        format="json",
    )
    assert refused.status_code == 422 and error(refused)["code"] == "modifier_rule"
    # a new line added by PUT follows the same rules
    added = cashier.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": line, "quantity": 2}, {"menu_item_id": 11, "quantity": 1}]},
        format="json",
    )
    assert added.status_code == 422 and list(error(added)["fields"]) == ["items.1.modifiers"]


def test_a_sent_lines_options_are_frozen_a_change_voids_it_and_orders_it_again(cashier):
    order = create(cashier, [BIRYANI_FULL]).json()["data"]
    line = order["items"][0]["id"]
    kot = cashier.post(f"{BASE}/orders/{order['id']}/kot").json()["data"]
    assert kot["items"][0]["modifiers"] == [{"option_id": 4, "name": "Full", "quantity": 1}]
    created = Event.objects.filter(type="kot.created", stream="kitchen.1").last()
    assert created.data["items"][0]["modifiers"] == [
        {"option_id": 4, "name": "Full", "quantity": 1}
    ]
    changed = cashier.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": line, "quantity": 1, "modifiers": [{"option_id": 3}]}]},
        format="json",
    ).json()["data"]
    old, new = changed["items"]
    assert (old["id"], old["status"]) == (line, "void")
    assert (new["status"], new["unit_price"], new["modifiers"][0]["name"]) == (
        "pending",
        15.49,
        "Half",
    )
    assert changed["subtotal"] == 15.49
    voided = Event.objects.filter(type="kot.voided", stream="kitchen.1").last()
    assert voided.data["voids_kot_id"] == kot["id"]
    assert voided.data["items"][0]["modifiers"][0]["name"] == "Full"
    # the same options again change nothing
    again = cashier.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": new["id"], "quantity": 1, "modifiers": [{"option_id": 3}]}]},
        format="json",
    ).json()["data"]
    assert again["version"] == changed["version"]


def test_the_reference_create_payload_still_answers_as_before(cashier):
    response = create(
        cashier,
        [{"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"}],
        discount_type="percent",
        discount_value=10,
    )
    data = response.json()["data"]
    assert response.status_code == 201
    assert (data["subtotal"], data["discount"]["amount"], data["total"]) == (25.98, 2.6, 24.54)
    assert data["items"][0]["modifiers"] == []


def test_menu_and_order_reads_cost_the_same_queries_however_many_options(cashier, demo):
    def menu_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cashier.get(f"{BASE}/menu").status_code == 200
        return len(captured)

    def order_queries(order_id: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cashier.get(f"{BASE}/orders/{order_id}").status_code == 200
        return len(captured)

    few_menu = menu_queries()
    plain = create(cashier, [{"menu_item_id": 16, "quantity": 1}]).json()["data"]
    few_order = order_queries(plain["id"])
    for item_id in (1, 2, 3, 4, 5):
        group = ModifierGroup.objects.create(menu_item_id=item_id, name="More", max_choices=3)
        for n in range(4):
            ModifierOption.objects.create(group=group, name=f"Option {n}")
    assert menu_queries() == few_menu
    rich = create(
        cashier,
        [
            {**PANEER_CHEESE, "modifiers": [{"option_id": 1}, {"option_id": 2}]},
            BIRYANI_FULL,
            {"menu_item_id": 6, "quantity": 1, "modifiers": [{"option_id": 7}]},
        ],
    ).json()["data"]
    assert order_queries(rich["id"]) == few_order
    kitchens = CaptureQueriesContext(connection)
    with kitchens:
        cashier.get(f"{BASE}/kitchens")
    assert len(kitchens) <= 8


def test_the_worked_example_in_docs_matches_the_api(cashier):
    # docs/api.md "Modifiers": the request and the figures written there are the API's
    import json
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

    def example(marker: str) -> dict:
        match = re.search(rf"<!-- {marker} -->\s*```json\n(.*?)```", text, re.S)
        assert match, f"docs/api.md lost its {marker} example"
        return json.loads(match.group(1))

    request = example("modifiers-example-request")
    documented = example("modifiers-example-response")["data"]
    response = cashier.post(f"{BASE}/orders", request, format="json")
    assert response.status_code == 201, response.content
    actual = response.json()["data"]
    for key in ("subtotal", "taxes", "tax_total", "service_charge", "round_off", "total"):
        assert actual[key] == documented[key], key
    fields = ("menu_item_id", "name", "quantity", "unit_price", "line_total", "note", "modifiers")
    assert [{f: i[f] for f in fields} for i in actual["items"]] == documented["items"]
