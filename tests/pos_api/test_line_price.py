"""Pricing a choice before it is a line: `POST /menu/items/{id}/price` (docs/api.md
"Pricing a choice"), what the waiter's chooser shows as options are picked. The figures
are the hub's (hub/pricing.py), the same as the line gets once added.

Demo: item 11 Hyderabadi Biryani 15.49, group 2 Portion (3 Half 0.00, 4 Full 6.00);
item 15 Paneer Tikka 12.99, group 1 Extras (1 Extra cheese 1.50, 2 Mint chutney 0.50).
"""

from __future__ import annotations

import pytest

from hub.models import Event, ModifierOption, Order, OrderItem

BASE = "/api/v1/pos"


def price(client, item_id, body):
    return client.post(f"{BASE}/menu/items/{item_id}/price", body, format="json")


@pytest.mark.embedded
def test_the_price_follows_the_options_picked(api_as):
    waiter = api_as("waiter")
    nothing = price(waiter, 11, {})
    assert nothing.status_code == 200, nothing.content
    # a half-made choice (no portion yet) still has its price: the rules are the line's
    assert nothing.json()["data"] == {
        "menu_item_id": 11,
        "name": "Hyderabadi Biryani",
        "price": 15.49,
        "modifiers": [],
        "unit_price": 15.49,
        "quantity": 1,
        "line_total": 15.49,
    }
    full = price(waiter, 11, {"modifiers": [{"option_id": 4}]}).json()["data"]
    assert (full["unit_price"], full["line_total"]) == (21.49, 21.49)
    assert full["modifiers"] == [
        {"option_id": 4, "group_id": 2, "name": "Full", "price": 6.0, "quantity": 1}
    ]
    # both extras, one twice, three plates: in menu order, quantities priced
    both = price(
        waiter,
        15,
        {"modifiers": [{"option_id": 2}, {"option_id": 1, "quantity": 2}], "quantity": 3},
    ).json()["data"]
    assert [m["option_id"] for m in both["modifiers"]] == [1, 2]
    assert both["unit_price"] == 16.49  # 12.99 + 2 x 1.50 + 0.50
    assert both["line_total"] == 49.47


@pytest.mark.embedded
def test_the_quote_is_what_the_added_line_costs_and_writes_nothing(api_as):
    waiter = api_as("waiter")
    orders, items, events = Order.objects.count(), OrderItem.objects.count(), Event.objects.count()
    quote = price(waiter, 15, {"modifiers": [{"option_id": 1}], "quantity": 2}).json()["data"]
    assert (Order.objects.count(), OrderItem.objects.count(), Event.objects.count()) == (
        orders,
        items,
        events,
    )
    created = waiter.post(
        f"{BASE}/orders",
        {
            "order_type_id": 2,
            "items": [{"menu_item_id": 15, "quantity": 2, "modifiers": [{"option_id": 1}]}],
        },
        format="json",
    ).json()["data"]
    (line,) = created["items"]
    assert (line["unit_price"], line["line_total"], line["modifiers"]) == (
        quote["unit_price"],
        quote["line_total"],
        quote["modifiers"],
    )


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"modifiers": [{"option_id": 1}]}, "modifiers.0.option_id"),  # Paneer's, not Biryani's
        ({"modifiers": [{"option_id": 4}, {"option_id": 4}]}, "modifiers.1.option_id"),
        ({"modifiers": [{"option_id": 999999}]}, "modifiers.0.option_id"),
        ({"modifiers": [{"option_id": 4, "quantity": 10}]}, "modifiers.0.quantity"),
        ({"quantity": 0}, "quantity"),
        ({"modifiers": {"option_id": 4}}, "modifiers"),
        ({"modifiers": [{"option_id": True}]}, "modifiers.0.option_id"),
    ],
)
def test_an_unknown_option_or_bad_shape_is_a_400_on_its_path(api_as, body, field):
    response = price(api_as("waiter"), 11, body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"], error


@pytest.mark.embedded
def test_a_sold_out_option_is_still_priced_the_line_refuses_it(api_as):
    ModifierOption.objects.filter(pk=4).update(is_available=False)
    assert (
        price(api_as("waiter"), 11, {"modifiers": [{"option_id": 4}]}).json()["data"]["unit_price"]
        == 21.49
    )


@pytest.mark.embedded
def test_another_outlets_item_or_an_unknown_one_is_not_found(api_as):
    assert price(api_as("manager2"), 11, {}).status_code == 404
    assert price(api_as("waiter"), 999999, {}).json()["error"]["code"] == "not_found"


@pytest.mark.embedded
@pytest.mark.parametrize(("username", "status"), [("cashier", 200), ("chef", 403), ("driver", 403)])
def test_front_of_house_prices_choices(api_as, username, status):
    assert price(api_as(username), 11, {}).status_code == status


@pytest.mark.embedded
def test_the_quote_reads_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    waiter = api_as("waiter")
    price(waiter, 15, {})  # warm the token
    with django_assert_max_num_queries(8):
        response = price(
            waiter, 15, {"modifiers": [{"option_id": 1, "quantity": 2}, {"option_id": 2}]}
        )
    assert response.status_code == 200
