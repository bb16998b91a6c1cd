"""Reference data: menu, kitchens, payment methods, order types (docs/api.md "Reference data")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import MenuCategory, MenuItem


def _menu(client):
    response = client.get("/api/v1/pos/menu")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and "meta" not in body
    return body["data"]


def _item(menu, item_id):
    return next(i for section in menu for i in section["items"] if i["id"] == item_id)


@pytest.mark.embedded
def test_menu_has_categories_items_prices_tax_and_kitchen(api_as):
    menu = _menu(api_as("waiter"))
    assert [s["name"] for s in menu] == [
        "Starters",
        "Mains",
        "Breads and Rice",
        "Drinks",
        "Bar",
        "Desserts",
    ]
    assert sum(len(s["items"]) for s in menu) == 30
    assert _item(menu, 15) == {
        "id": 15,
        "name": "Paneer Tikka",
        "price": 12.99,
        "tax": {
            "id": 1,
            "name": "GST 5%",
            "rate": 5.0,
            "components": [{"name": "CGST", "rate": 2.5}, {"name": "SGST", "rate": 2.5}],
        },
        "kitchen": {"id": 1, "name": "Main Kitchen"},
        "is_open_price": False,
        "is_available": True,
        "modifier_groups": [
            {
                "id": 1,
                "name": "Extras",
                "min": 0,
                "max": 2,
                "options": [
                    {"id": 1, "name": "Extra cheese", "price": 1.5, "is_available": True},
                    {"id": 2, "name": "Mint chutney", "price": 0.5, "is_available": True},
                ],
            }
        ],
    }
    assert _item(menu, 16)["modifier_groups"] == []
    assert (
        _item(menu, 16)["kitchen"] == {"id": 2, "name": "Bar"} and _item(menu, 16)["price"] == 4.5
    )
    assert _item(menu, 21)["tax"] is None  # tax-free water
    assert _item(menu, 29)["is_open_price"] is True


def test_menu_shows_unavailable_items_and_uncategorised_ones(api_as):
    MenuItem.objects.filter(pk=3).update(is_available=False)
    MenuItem.objects.filter(pk=4).update(category=None)
    menu = _menu(api_as("cashier"))
    assert _item(menu, 3)["is_available"] is False
    assert menu[-1]["id"] is None and [i["id"] for i in menu[-1]["items"]] == [4]


def test_menu_queries_do_not_grow_with_the_menu(api_as):
    client = api_as("waiter")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            _menu(client)
        return len(ctx.captured_queries)

    before = count()
    category = MenuCategory.objects.create(outlet_id=1, name="Specials", sort_order=9)
    for n in range(15):
        MenuItem.objects.create(
            outlet_id=1,
            category=category,
            name=f"Special {n}",
            price="9.99",
            kitchen_id=1 + n % 2,
            tax_category_id=1 + n % 2,
        )
    assert count() == before


def test_menu_is_per_outlet(api_as):
    menu = _menu(api_as("manager2"))
    assert [s["name"] for s in menu] == ["All Day"]
    assert [i["id"] for i in menu[0]["items"]] == [31, 32, 33]


@pytest.mark.parametrize("role", ["manager", "cashier", "waiter", "chef", "driver"])
def test_every_role_reads_the_menu_and_kitchens(api_as, role):
    client = api_as(role)
    assert client.get("/api/v1/pos/menu").status_code == 200
    assert client.get("/api/v1/pos/kitchens").status_code == 200


@pytest.mark.embedded
def test_kitchens_with_their_items(api_as):
    body = api_as("waiter").get("/api/v1/pos/kitchens").json()
    assert body["success"] is True and "meta" not in body
    kitchens = body["data"]
    assert [(k["id"], k["name"]) for k in kitchens] == [(1, "Main Kitchen"), (2, "Bar")]
    assert kitchens[0]["printer"] == {"id": 1, "name": "Kitchen Printer"}
    main_items = {i["id"] for i in kitchens[0]["items"]}
    bar_items = {i["id"] for i in kitchens[1]["items"]}
    assert 15 in main_items and 16 in bar_items and not main_items & bar_items
    assert len(main_items | bar_items) == 30
    paneer = next(i for i in kitchens[0]["items"] if i["id"] == 15)
    assert paneer == {
        "id": 15,
        "name": "Paneer Tikka",
        "category_id": 1,
        "price": 12.99,
        "is_available": True,
        "modifier_groups": [
            {
                "id": 1,
                "name": "Extras",
                "min": 0,
                "max": 2,
                "options": [
                    {"id": 1, "name": "Extra cheese", "price": 1.5, "is_available": True},
                    {"id": 2, "name": "Mint chutney", "price": 0.5, "is_available": True},
                ],
            }
        ],
    }


def test_kitchens_queries_constant_and_per_outlet(api_as):
    client = api_as("manager2")
    kitchens = client.get("/api/v1/pos/kitchens").json()["data"]
    assert [k["id"] for k in kitchens] == [3, 4]
    assert {i["id"] for k in kitchens for i in k["items"]} == {31, 32, 33}

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/v1/pos/kitchens")
        return len(ctx.captured_queries)

    before = count()
    MenuItem.objects.bulk_create(
        [
            MenuItem(outlet_id=2, name=f"Dosa {n}", price="5.00", kitchen_id=3 + n % 2)
            for n in range(9)
        ]
    )
    assert count() == before


def test_order_types_list(api_as):
    data = api_as("chef").get("/api/v1/pos/order-types").json()["data"]
    assert [(t["id"], t["code"]) for t in data] == [
        (1, "dine_in"),
        (2, "takeaway"),
        (3, "delivery"),
    ]
    assert data[0]["requires_table"] is True and data[2]["requires_customer"] is True


def test_reference_lists_need_a_token(anon, demo):
    for path in ("menu", "kitchens", "order-types", "payment-methods"):
        response = anon.get(f"/api/v1/pos/{path}")
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
