"""POST /orders/{id}/transfer-table and POST /orders/{id}/merge (docs/api.md "Moving and
merging tables")."""

import pytest

from hub.models import Event, Order, Table

ITEMS = [{"menu_item_id": 15, "quantity": 2}, {"menu_item_id": 16, "quantity": 1}]


def seat(client, table_id: int, items=ITEMS) -> dict:
    response = client.post(
        "/api/v1/pos/orders",
        {"order_type_id": 1, "table_id": table_id, "items": items},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def send_kot(client, order_id: int) -> None:
    response = client.post(f"/api/v1/pos/orders/{order_id}/kot", format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.embedded
def test_transfer_over_rest_with_events(api_as):
    waiter = api_as("waiter")
    order = seat(waiter, 3)
    send_kot(waiter, order["id"])
    mark = Event.objects.order_by("-id").values_list("id", flat=True).first()
    response = waiter.post(
        f"/api/v1/pos/orders/{order['id']}/transfer-table", {"table_id": 8}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["table"] == {"id": 8, "name": "T8"} and data["version"] == order["version"] + 2
    new = Event.objects.filter(pk__gt=mark)
    assert sorted(new.filter(type="order.updated").values_list("stream", flat=True)) == [
        "orders.1",
        "table.3",
        "table.8",
    ]
    assert sorted(new.filter(type="kot.table_changed").values_list("stream", flat=True)) == [
        "expo.1",  # each kitchen's notice also goes to the pass (CONTRACT 13)
        "expo.1",
        "kitchen.1",
        "kitchen.2",
        "orders.1",  # and to the waiter tablets' stream (their "ready at the pass")
        "orders.1",
    ]
    detail = waiter.get("/api/v1/pos/tables/8").json()["data"]
    assert detail["status"] == "occupied" and detail["current_order"]["id"] == order["id"]
    assert Table.objects.get(pk=3).status != "occupied"


def test_transfer_refusals_over_rest(api_as):
    waiter = api_as("waiter")
    order, other = seat(waiter, 4), seat(waiter, 5)
    url = f"/api/v1/pos/orders/{order['id']}/transfer-table"
    occupied = waiter.post(url, {"table_id": 5}, format="json")
    assert occupied.status_code == 409 and occupied.json()["error"]["code"] == "table_occupied"
    assert occupied.json()["error"]["order_id"] == other["id"]
    assert waiter.post(url, {"table_id": 14}, format="json").status_code == 400  # outlet 002
    assert waiter.post(url, {}, format="json").status_code == 400
    stale = waiter.post(url, {"table_id": 6}, format="json", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == order["version"]
    assert api_as("chef").post(url, {"table_id": 6}, format="json").status_code == 403
    assert api_as("driver").post(url, {"table_id": 6}, format="json").status_code == 403
    assert api_as("waiter2").post(url, {"table_id": 13}, format="json").status_code == 404
    assert Order.objects.get(pk=order["id"]).table_id == 4


def test_merge_over_rest_with_events(api_as):
    waiter = api_as("waiter")
    target, source = seat(waiter, 10), seat(waiter, 11)
    send_kot(waiter, source["id"])
    mark = Event.objects.order_by("-id").values_list("id", flat=True).first()
    response = waiter.post(
        f"/api/v1/pos/orders/{target['id']}/merge", {"source_order_id": source["id"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert len(data["items"]) == 4 and data["status"] == "kot"
    assert data["subtotal"] == 60.96 and len(data["kots"]) == 2
    assert {i["kot_id"] is not None for i in data["items"]} == {True, False}
    gone = waiter.get(f"/api/v1/pos/orders/{source['id']}").json()["data"]
    assert (
        gone["status"] == "cancelled"
        and gone["cancel_reason"] == f"merged into {target['order_number']}"
    )
    assert gone["items"] == [] and gone["total"] == 0
    new = Event.objects.filter(pk__gt=mark)
    assert sorted(new.filter(type="order.cancelled").values_list("stream", flat=True)) == [
        "orders.1",
        "table.11",
    ]
    assert new.filter(type="kot.table_changed", stream="kitchen.1").exists()
    assert Table.objects.get(pk=11).status != "occupied"


def test_merge_refusals_over_rest(api_as):
    waiter = api_as("waiter")
    target = seat(waiter, 12)
    url = f"/api/v1/pos/orders/{target['id']}/merge"
    assert waiter.post(url, {"source_order_id": target["id"]}, format="json").status_code == 400
    assert waiter.post(url, {"source_order_id": 999999}, format="json").status_code == 400
    takeaway = waiter.post(
        "/api/v1/pos/orders", {"order_type_id": 2, "items": ITEMS}, format="json"
    ).json()["data"]
    response = waiter.post(url, {"source_order_id": takeaway["id"]}, format="json")
    assert response.status_code == 422 and response.json()["error"]["code"] == "not_a_dine_in_order"
    other = seat(api_as("waiter2"), 15, items=[{"menu_item_id": 31, "quantity": 1}])
    assert waiter.post(url, {"source_order_id": other["id"]}, format="json").status_code == 400
    other_url = f"/api/v1/pos/orders/{other['id']}/merge"
    assert (
        waiter.post(other_url, {"source_order_id": target["id"]}, format="json").status_code == 404
    )
    assert api_as("chef").post(url, {"source_order_id": 1}, format="json").status_code == 403
