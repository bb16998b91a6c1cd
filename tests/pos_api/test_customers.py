"""GET/POST /customers, GET /customers/{id} (CONTRACT 1, 4a; docs/api.md "Customers")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Customer
from hub.services.orders import ItemInput
from tests.given import order_given


@pytest.mark.embedded
def test_search_by_partial_phone_paginated(api_as):
    body = api_as("cashier").get("/api/v1/pos/customers", {"search": "98765"}).json()
    assert body["success"] is True
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 1}
    [priya] = body["data"]
    assert priya["id"] == 10 and priya["name"] == "Priya Kapoor"
    assert priya["phone"] == "+91 98765 43210" and priya["phone_digits"] == "919876543210"


def test_search_formats_of_one_phone_agree(api_as):
    client = api_as("waiter")
    queries = (
        "+91 98765-43210",
        "98765 43210",
        "098765 43210",
        "priya.KAPOOR@example.com",
        "kapoor",
    )
    for query in queries:
        data = client.get("/api/v1/pos/customers", {"search": query}).json()["data"]
        assert [c["id"] for c in data][:1] == [10], query


def test_list_without_search_lists_all_paged(api_as):
    body = api_as("waiter").get("/api/v1/pos/customers?per_page=4&page=3").json()
    assert body["meta"] == {"page": 3, "per_page": 4, "total": 10}
    assert len(body["data"]) == 2


def test_search_too_long_or_with_nul_is_400(api_as):
    client = api_as("waiter")
    assert client.get("/api/v1/pos/customers", {"search": "x" * 500}).status_code == 400
    response = client.get("/api/v1/pos/customers", {"search": "pri\x00ya"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"


@pytest.mark.embedded
def test_details_with_visits_spent_and_last_orders(api_as):
    def water(quantity: int) -> list[ItemInput]:
        return [ItemInput(menu_item_id=21, quantity=quantity)]  # 1.50 each, tax-free

    guest = {"customer_id": 10, "order_type_id": 2}
    oldest = order_given(**guest, status="kot", items=water(1))
    paid = [order_given(**guest, status="paid", items=water(n)) for n in (1, 2, 4)]
    order_given(**guest, status="cancelled", items=water(9))
    latest = order_given(**guest, items=water(3))
    data = api_as("cashier").get("/api/v1/pos/customers/10").json()["data"]
    assert data["id"] == 10 and data["email"] == "priya.kapoor@example.com"
    assert data["visits"] == 3
    assert data["total_spent"] == 10.5  # the paid orders only: 1.50 + 3.00 + 6.00
    assert len(data["last_orders"]) == 5
    assert data["last_orders"][0]["id"] == latest.pk
    assert set(data["last_orders"][0]) == {
        "id",
        "order_number",
        "status",
        "payment_status",
        "total",
        "created_at",
    }
    assert oldest.pk not in [o["id"] for o in data["last_orders"]]  # only the last five
    assert paid[0].pk in [o["id"] for o in data["last_orders"]]


def test_details_of_new_customer_are_zero(api_as):
    data = api_as("cashier").get("/api/v1/pos/customers/3").json()["data"]
    assert (data["visits"], data["total_spent"], data["last_orders"]) == (0, 0, [])


def test_details_cost_constant_queries(api_as):
    client = api_as("cashier")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/pos/customers/10").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(8):
        order_given(customer_id=10, order_type_id=2, status="paid")
    assert count() == before


@pytest.mark.embedded
def test_create_customer_201_with_normalised_phone(api_as):
    response = api_as("waiter").post(
        "/api/v1/pos/customers",
        {
            "name": "  Neha Verma ",
            "phone": "+91 (99887) 766-55",
            "email": "neha@example.com",
            "address": "8 Residency Road",
        },
        format="json",
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Neha Verma"
    assert data["phone"] == "+91 (99887) 766-55" and data["phone_digits"] == "919988776655"
    assert data["visits"] == 0
    stored = Customer.objects.get(pk=data["id"])
    assert stored.outlet_id == 1


@pytest.mark.embedded
def test_create_stores_the_e164_digits_of_a_national_number(api_as):
    response = api_as("waiter").post(
        "/api/v1/pos/customers", {"name": "Om", "phone": "098765 12345"}, format="json"
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["phone"], data["phone_digits"]) == ("098765 12345", "919876512345")


def test_create_with_name_only(api_as):
    response = api_as("waiter").post(
        "/api/v1/pos/customers", {"name": "Walk-in Guest"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"]["phone"] == ""


@pytest.mark.embedded
@pytest.mark.parametrize(
    "phone",
    ["+91 98765 43210", "9876543210", "91-9876-543-210", "098765 43210", "0091 98765 43210"],
)
def test_duplicate_phone_is_409_customer_exists(api_as, phone):
    response = api_as("cashier").post(
        "/api/v1/pos/customers", {"name": "Priya K", "phone": phone}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "customer_exists" and error["existing_id"] == 10
    assert Customer.objects.filter(outlet_id=1, name="Priya K").count() == 0


def test_same_phone_at_another_outlet_is_allowed(api_as):
    # Outlet 002 already holds customer 12 with Priya's phone (demo data)
    assert Customer.objects.get(pk=12).phone_digits == Customer.objects.get(pk=10).phone_digits
    response = api_as("manager2").post(
        "/api/v1/pos/customers",
        {"name": "Sanjay's Cousin", "phone": "+91 98450 00001"},
        format="json",
    )
    assert response.status_code == 201  # Aarav's phone, but Aarav is outlet 001's


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": 12}, None),
        ({"name": "A", "phone": "12345"}, "phone"),
        ({"name": "A", "phone": "1" * 16}, "phone"),
        ({"name": "A", "phone": "555 1234"}, "phone"),  # no area code: not one number
        ({"name": "A", "phone": "+999 1234 5678"}, "phone"),  # no such country code
        ({"name": "A", "phone": "call me"}, "phone"),
        ({"name": "A", "phone": "98765 ४३२१०"}, "phone"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "address": "x" * 501}, "address"),
        ({"name": "A\x00B"}, None),  # refused by the parser: no field path
        ({"name": ["A"]}, "name"),
    ],
)
def test_create_bad_input_is_400(api_as, body, field):
    response = api_as("waiter").post("/api/v1/pos/customers", body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    if field:
        assert field in error["fields"]


@pytest.mark.parametrize("role", ["chef", "driver"])
def test_kitchen_and_driver_may_not_list_or_create(api_as, role):
    client = api_as(role)
    assert client.get("/api/v1/pos/customers").status_code == 403
    response = client.post("/api/v1/pos/customers", {"name": "X"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_kitchen_may_not_read_details(api_as):
    assert api_as("chef").get("/api/v1/pos/customers/10").status_code == 403


def test_driver_reads_only_customers_of_their_deliveries(api_as):
    client = api_as("driver")  # driver id 1
    assert client.get("/api/v1/pos/customers/10").status_code == 404
    order_given(customer_id=10, order_type_id=3, driver_id=1)
    assert client.get("/api/v1/pos/customers/10").status_code == 200
    order_given(customer_id=9, order_type_id=3, driver_id=1, delivery_status="delivered")
    assert client.get("/api/v1/pos/customers/9").status_code == 404
    order_given(customer_id=8, order_type_id=3, driver_id=2)
    assert client.get("/api/v1/pos/customers/8").status_code == 404


def test_other_outlet_customers_are_invisible(api_as):
    client = api_as("manager2")
    assert client.get("/api/v1/pos/customers/10").status_code == 404
    listed = client.get("/api/v1/pos/customers").json()
    assert {c["id"] for c in listed["data"]} == {11, 12}
    found = client.get("/api/v1/pos/customers", {"search": "98765"}).json()["data"]
    assert [c["id"] for c in found] == [12]
    assert client.get("/api/v1/pos/customers", {"search": "aarav"}).json()["meta"]["total"] == 0
