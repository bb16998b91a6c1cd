"""GET /tables, GET /tables/{id}, PUT /tables/{id}/status (CONTRACT 4a)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub.models import Table
from tests.given import order_given


@pytest.mark.embedded
def test_list_tables_paginated_with_meta(api_as):
    body = api_as("waiter").get("/api/v1/pos/tables?per_page=5&page=2").json()
    assert body["success"] is True
    assert body["meta"] == {"page": 2, "per_page": 5, "total": 12}
    assert [t["id"] for t in body["data"]] == [6, 7, 8, 9, 10]
    first = body["data"][0]
    assert set(first) >= {
        "id",
        "name",
        "seats",
        "area",
        "status",
        "guests",
        "occupied_since",
        "occupied_minutes",
        "current_order",
    }


def test_list_filters_by_status_and_area(api_as):
    Table.objects.filter(pk__in=[7, 8]).update(status="reserved")
    client = api_as("cashier")
    reserved = client.get("/api/v1/pos/tables?status=reserved").json()
    assert [t["id"] for t in reserved["data"]] == [7, 8] and reserved["meta"]["total"] == 2
    terrace = client.get("/api/v1/pos/tables?area=terrace").json()
    assert [t["id"] for t in terrace["data"]] == [7, 8, 9]
    both = client.get("/api/v1/pos/tables?area=Terrace&status=free").json()
    assert [t["id"] for t in both["data"]] == [9]


def test_list_rejects_unknown_status_filter(api_as):
    response = api_as("waiter").get("/api/v1/pos/tables?status=dirty")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "status" in response.json()["error"]["fields"]


def test_list_costs_the_same_queries_however_many_orders(api_as):
    client = api_as("waiter")
    client.get("/api/v1/pos/tables")  # warm the token lookup path

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/pos/tables?per_page=100").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for table_id in range(1, 11):
        order_given(order_type_id=1, table_id=table_id)
    assert count() == before


def test_details_carry_the_open_order_and_time_occupied(api_as):
    order = order_given(order_type_id=1, table_id=5, guests=2, status="kot")
    # seated 42 minutes ago: the one thing a test cannot wait for
    Table.objects.filter(pk=5).update(status_changed_at=timezone.now() - timedelta(minutes=42))
    data = api_as("waiter").get("/api/v1/pos/tables/5").json()["data"]
    assert data["status"] == "occupied" and data["guests"] == 2
    assert data["occupied_minutes"] in (41, 42, 43)
    assert data["current_order"] == {
        "id": order.pk,
        "order_number": order.number,
        "status": "kot",
        "total": 27.28,  # 2 x 12.99 + GST 5%
    }


def test_details_of_free_table_have_no_order(api_as):
    order_given(order_type_id=1, table_id=2, status="paid")
    data = api_as("waiter").get("/api/v1/pos/tables/2/").json()["data"]
    assert data["current_order"] is None
    assert data["occupied_since"] is None and data["occupied_minutes"] is None


@pytest.mark.embedded
def test_set_status_walk_in_then_free(api_as):
    client = api_as("waiter")
    response = client.put(
        "/api/v1/pos/tables/3/status", {"status": "occupied", "guests": 4}, format="json"
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["status"], data["guests"], data["occupied_minutes"]) == ("occupied", 4, 0)
    freed = client.put("/api/v1/pos/tables/3/status", {"status": "free"}, format="json")
    assert freed.json()["data"]["status"] == "free" and freed.json()["data"]["guests"] is None


@pytest.mark.embedded
def test_set_status_with_open_order_is_409_table_occupied(api_as):
    order = order_given(order_type_id=1, table_id=4)  # occupies the table
    response = api_as("waiter").put(
        "/api/v1/pos/tables/4/status", {"status": "free"}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "table_occupied" and error["order_id"] == order.pk


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "status"),
        ({"status": "dirty"}, "status"),
        ({"status": 1}, "status"),
        ({"status": "occupied", "guests": 0}, "guests"),
        ({"status": "occupied", "guests": "many"}, "guests"),
        ({"status": "occupied", "guests": 2.5}, "guests"),
        ({"status": "occupied", "guests": True}, "guests"),
        ({"status": "occupied", "guests": 10**20}, "guests"),
    ],
)
def test_set_status_bad_input_is_400_with_field(api_as, body, field):
    response = api_as("waiter").put("/api/v1/pos/tables/1/status", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("role", ["chef", "driver"])
def test_kitchen_and_driver_may_not_see_or_set_tables(api_as, role):
    client = api_as(role)
    assert client.get("/api/v1/pos/tables").status_code == 403
    assert client.get("/api/v1/pos/tables/1").status_code == 403
    response = client.put("/api/v1/pos/tables/1/status", {"status": "reserved"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_other_outlet_tables_are_invisible(api_as):
    client = api_as("manager2")
    listed = client.get("/api/v1/pos/tables?per_page=100").json()
    assert {t["id"] for t in listed["data"]} == set(range(13, 19))
    assert client.get("/api/v1/pos/tables/1").status_code == 404
    response = client.put("/api/v1/pos/tables/1/status", {"status": "reserved"}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert Table.objects.get(pk=1).status == "free"


def test_unknown_table_is_404(api_as):
    assert api_as("waiter").get("/api/v1/pos/tables/99999").json()["error"]["code"] == "not_found"
    assert api_as("waiter").get("/api/v1/pos/tables/99999999999999999999").status_code == 404
