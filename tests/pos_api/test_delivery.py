"""GET /delivery-drivers, GET /delivery-platforms (docs/api.md "Delivery drivers and platforms")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import DeliveryDriver
from tests.given import order_given


@pytest.mark.embedded
def test_drivers_with_availability_and_active_deliveries(api_as):
    delivery = {"order_type_id": 3, "customer_id": 10, "driver_id": 1}
    for status in ("assigned", "picked_up", "out_for_delivery"):
        order_given(**delivery, delivery_status=status, status="billed")
    order_given(**delivery, delivery_status="delivered", status="paid")
    order_given(**delivery, delivery_status="failed")
    order_given(**delivery, delivery_status="assigned", status="cancelled")
    order_given(order_type_id=3, customer_id=9, driver_id=2, delivery_status="assigned")
    DeliveryDriver.objects.filter(pk=3).update(is_available=False)
    body = api_as("cashier").get("/api/v1/pos/delivery-drivers").json()
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 3}
    by_id = {d["id"]: d for d in body["data"]}
    assert by_id[1]["active_deliveries"] == 3
    assert by_id[2]["active_deliveries"] == 1
    assert by_id[3] == {
        "id": 3,
        "name": "Ravi Rider",
        "phone": "+91 90000 00003",
        "staff_id": None,
        "is_available": False,
        "active_deliveries": 0,
    }


def test_drivers_constant_queries(api_as):
    client = api_as("manager")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/pos/delivery-drivers").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for driver_id in (1, 2, 3):
        order_given(order_type_id=3, customer_id=10, driver_id=driver_id)
    assert count() == before


def test_drivers_are_per_outlet(api_as):
    body = api_as("manager2").get("/api/v1/pos/delivery-drivers").json()
    assert body["data"] == [] and body["meta"]["total"] == 0


@pytest.mark.parametrize("role", ["chef", "driver"])
def test_kitchen_and_driver_may_not_list_drivers_or_platforms(api_as, role):
    client = api_as(role)
    assert client.get("/api/v1/pos/delivery-drivers").status_code == 403
    assert client.get("/api/v1/pos/delivery-platforms").status_code == 403


@pytest.mark.embedded
def test_platforms_unpaginated(api_as):
    body = api_as("waiter").get("/api/v1/pos/delivery-platforms").json()
    assert body == {
        "success": True,
        "data": [
            {"id": 1, "code": "swiggy", "name": "Swiggy"},
            {"id": 2, "code": "zomato", "name": "Zomato"},
            {"id": 3, "code": "own_app", "name": "DesiBits App"},
        ],
    }
