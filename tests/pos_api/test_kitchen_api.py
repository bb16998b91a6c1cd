"""POST /orders/{id}/kot, PUT /kot/{id}/status, GET /kot/{id}, GET /kitchens/{id}/kots
(CONTRACT 5; docs/api.md "Kitchen (KOT)")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Event, Kot, KotLine, OrderItem
from tests.concurrency import run_concurrently

BASE = "/api/v1/pos"


def create_order(client, *, table_id: int = 5, items=None) -> dict:
    body = {
        "order_type_id": 1,
        "table_id": table_id,
        "items": items
        or [
            {"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"},
            {"menu_item_id": 16, "quantity": 1},
        ],
    }
    response = client.post(f"{BASE}/orders", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def send(client, order_id: int, **kwargs):
    return client.post(f"{BASE}/orders/{order_id}/kot", **kwargs)


def set_status(client, kot_id: int, status):
    return client.put(f"{BASE}/kot/{kot_id}/status", {"status": status}, format="json")


@pytest.fixture
def waiter(api_as):
    return api_as("waiter")


@pytest.fixture
def chef(api_as):
    return api_as("chef")


@pytest.fixture
def sent(waiter):
    """A dine-in order on table 5 with items of both kitchens, sent: (order, response data)."""
    order = create_order(waiter)
    response = send(waiter, order["id"])
    assert response.status_code == 201, response.content
    return order, response.json()["data"]


# --- POST /orders/{id}/kot ----------------------------------------------------------------


@pytest.mark.embedded
def test_send_answers_the_first_kot_and_every_kot_of_the_send(waiter):
    order = create_order(waiter)

    response = send(waiter, order["id"])

    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["kot_number"].startswith("KOT-") and data["status"] == "sent_to_kitchen"
    assert [k["kitchen"] for k in data["kots"]] == [
        {"id": 1, "name": "Main Kitchen"},
        {"id": 2, "name": "Bar"},
    ]
    assert {k: v for k, v in data.items() if k != "kots"} == data["kots"][0]
    main, bar = data["kots"]
    assert [(i["name"], i["quantity"], i["note"]) for i in main["items"]] == [
        ("Paneer Tikka", 2, "No onions")
    ]
    assert [i["quantity"] for i in bar["items"]] == [1] and bar["kind"] == "new"
    assert main["order"]["id"] == order["id"] and main["order"]["table"]["id"] == 5
    assert main["order"]["order_type"]["code"] == "dine_in"
    assert main["waiter_name"] == waiter.staff.name
    fresh = waiter.get(f"{BASE}/orders/{order['id']}").json()["data"]
    assert fresh["status"] == "kot"
    assert {i["status"] for i in fresh["items"]} == {"sent_to_kitchen"}
    assert sorted(k["id"] for k in fresh["kots"]) == sorted(k["id"] for k in data["kots"])


def test_send_with_trailing_slash_and_then_nothing_to_send(waiter):
    order = create_order(waiter, items=[{"menu_item_id": 15, "quantity": 1}])
    assert waiter.post(f"{BASE}/orders/{order['id']}/kot/").status_code == 201

    again = send(waiter, order["id"])

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "nothing_to_send"


def test_an_added_item_goes_out_alone_as_an_addon(waiter, sent):
    order, _ = sent
    current = waiter.get(f"{BASE}/orders/{order['id']}").json()["data"]
    lines = [{"id": i["id"], "quantity": i["quantity"]} for i in current["items"]]
    update = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [*lines, {"menu_item_id": 16, "quantity": 3, "note": "no ice"}]},
        format="json",
    )
    assert update.status_code == 200, update.content

    data = send(waiter, order["id"]).json()["data"]

    assert len(data["kots"]) == 1
    assert (data["kind"], data["kitchen"]["id"]) == ("addon", 2)
    assert [(i["quantity"], i["note"]) for i in data["items"]] == [(3, "no ice")]


def test_a_cancelled_order_answers_order_closed(waiter):
    order = create_order(waiter)
    waiter.post(f"{BASE}/orders/{order['id']}/cancel", {"reason": "left"}, format="json")
    response = send(waiter, order["id"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_closed"


def test_chef_may_neither_create_orders_nor_send_them(chef, waiter):
    refused = chef.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        format="json",
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    order = create_order(waiter)
    assert (
        chef.put(f"{BASE}/orders/{order['id']}", {"notes": "x"}, format="json").status_code == 403
    )
    assert send(chef, order["id"]).status_code == 403
    assert not Kot.objects.filter(order_id=order["id"]).exists()


def test_another_outlets_order_and_unknown_ids_are_not_found(api_as, waiter):
    order = create_order(waiter)
    other = api_as("waiter2")
    assert send(other, order["id"]).status_code == 404
    assert send(waiter, 999999).status_code == 404
    assert not Kot.objects.filter(order_id=order["id"]).exists()


# --- PUT /kot/{id}/status -------------------------------------------------------------------


@pytest.mark.embedded
def test_chef_walks_a_kot_through_and_the_order_items_follow(chef, waiter, sent):
    order, data = sent
    main = data["kots"][0]
    for status in ("in_kitchen", "food_ready", "in_kitchen", "food_ready", "served"):
        response = set_status(chef, main["id"], status)
        assert response.status_code == 200, response.content
        assert response.json()["data"]["status"] == status
        assert response.json()["data"]["id"] == main["id"]
        items = waiter.get(f"{BASE}/orders/{order['id']}").json()["data"]["items"]
        assert {i["menu_item_id"]: i["status"] for i in items} == {
            15: status,
            16: "sent_to_kitchen",
        }


def test_a_refused_move_is_409_with_the_allowed_ones(chef, sent):
    _, data = sent
    response = set_status(chef, data["id"], "served")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition" and error["allowed"] == ["in_kitchen"]


@pytest.mark.parametrize("bad", ["burnt", "", None, 3, ["served"]])
def test_a_bad_status_is_a_validation_error(chef, sent, bad):
    _, data = sent
    response = set_status(chef, data["id"], bad)
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_bartender_is_refused_on_the_main_kitchen_and_works_the_bar(api_as, sent):
    bartender = api_as("bartender")
    _, data = sent
    main, bar = data["kots"]
    assert set_status(bartender, main["id"], "in_kitchen").status_code == 403
    assert bartender.get(f"{BASE}/kot/{main['id']}").status_code == 403
    assert bartender.get(f"{BASE}/kitchens/1/kots").status_code == 403
    assert set_status(bartender, bar["id"], "in_kitchen").status_code == 200
    assert Kot.objects.get(pk=main["id"]).status == "sent_to_kitchen"


def test_another_outlets_kot_and_kitchen_are_not_found(api_as, sent):
    manager2 = api_as("manager2")
    _, data = sent
    assert set_status(manager2, data["id"], "in_kitchen").status_code == 404
    assert manager2.get(f"{BASE}/kot/{data['id']}").status_code == 404
    assert manager2.get(f"{BASE}/kitchens/1/kots").status_code == 404
    assert Kot.objects.get(pk=data["id"]).status == "sent_to_kitchen"


def test_cashier_and_driver_may_not_move_kots(api_as, sent):
    _, data = sent
    for role in ("cashier", "driver"):
        assert set_status(api_as(role), data["id"], "in_kitchen").status_code == 403


# --- GET /kot/{id} and GET /kitchens/{id}/kots -------------------------------------------


def test_kitchen_list_shows_open_tickets_in_arrival_order(chef, waiter, sent):
    _, first = sent
    second_order = create_order(waiter, table_id=6, items=[{"menu_item_id": 15, "quantity": 4}])
    second = send(waiter, second_order["id"]).json()["data"]
    served = first["kots"][0]
    for status in ("in_kitchen", "food_ready", "served"):
        set_status(chef, served["id"], status)

    response = chef.get(f"{BASE}/kitchens/1/kots")

    assert response.status_code == 200
    body = response.json()
    assert [k["id"] for k in body["data"]] == [second["id"]]
    assert body["meta"]["total"] == 1
    ticket = body["data"][0]
    assert ticket["order"]["table"]["id"] == 6 and ticket["order"]["order_number"]
    assert ticket["items"] == [
        {
            "order_item_id": ticket["items"][0]["order_item_id"],
            "name": "Paneer Tikka",
            "quantity": 4,
            "note": "",
            "status": "sent_to_kitchen",
            "modifiers": [],
            "voided_quantity": 0,
            "voided": False,
        }
    ]
    only_served = chef.get(f"{BASE}/kitchens/1/kots?status=served").json()["data"]
    assert [k["id"] for k in only_served] == [served["id"]]
    assert chef.get(f"{BASE}/kitchens/1/kots?status=cold").status_code == 400
    assert chef.get(f"{BASE}/kitchens/99/kots").status_code == 404


def test_kot_detail_for_the_kitchen_and_the_floor(chef, waiter, sent):
    _, data = sent
    for client in (chef, waiter):
        response = client.get(f"{BASE}/kot/{data['id']}")
        assert response.status_code == 200
        assert response.json()["data"]["kot_number"] == data["kot_number"]
    assert chef.get(f"{BASE}/kot/999999").status_code == 404


def test_a_void_ticket_names_the_kot_it_takes_back_and_the_line_shows_voided(chef, waiter):
    order = create_order(waiter, table_id=7, items=[{"menu_item_id": 15, "quantity": 3}])
    original = send(waiter, order["id"]).json()["data"]
    item_id = original["items"][0]["order_item_id"]
    response = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": item_id, "quantity": 1}], "void_reason": "too much"},
        format="json",
    )
    assert response.status_code == 200, response.content
    fresh = response.json()["data"]
    assert fresh["subtotal"] == 12.99
    assert sorted(i["status"] for i in fresh["items"]) == ["sent_to_kitchen", "void"]

    tickets = chef.get(f"{BASE}/kitchens/1/kots").json()["data"]

    kept, void = tickets
    assert kept["id"] == original["id"]
    assert kept["items"][0]["quantity"] == 3 and kept["items"][0]["voided_quantity"] == 2
    assert kept["items"][0]["voided"] is False
    assert void["kind"] == "void" and void["voids_kot_id"] == original["id"]
    assert void["voids_kot_number"] == original["kot_number"] and void["reason"] == "too much"
    assert [i["quantity"] for i in void["items"]] == [2]
    # the kitchen acknowledges the void ticket and it leaves the screen
    assert set_status(chef, void["id"], "served").status_code == 200
    assert [k["id"] for k in chef.get(f"{BASE}/kitchens/1/kots").json()["data"]] == [kept["id"]]
    assert Event.objects.filter(stream="kitchen.1", type="kot.voided").count() == 1


def test_the_kitchen_list_runs_a_fixed_number_of_queries(chef, waiter):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert chef.get(f"{BASE}/kitchens/1/kots?per_page=100").status_code == 200
        return len(captured)

    send(waiter, create_order(waiter, table_id=2)["id"])
    few = queries()
    for table_id in (3, 4, 10):
        send(waiter, create_order(waiter, table_id=table_id)["id"])
    assert queries() == few


# --- double taps ------------------------------------------------------------------------------


def _two_taps(transactional_demo, headers: dict) -> tuple[int, list]:
    from tests.conftest import _client_for

    waiter = _client_for("waiter")
    order = create_order(waiter, table_id=12)
    clients = [_client_for("waiter"), _client_for("waiter")]
    responses = run_concurrently(
        lambda i: clients[i].post(f"{BASE}/orders/{order['id']}/kot", **headers), 2
    )
    for item in OrderItem.objects.filter(order_id=order["id"]):
        assert KotLine.objects.filter(order_item=item).count() == 1
    assert Kot.objects.filter(order_id=order["id"]).count() == 2
    return order["id"], responses


@pytest.mark.postgres
def test_two_concurrent_sends_without_a_key_send_each_item_once(transactional_demo):
    _, responses = _two_taps(transactional_demo, {})
    assert sorted(r.status_code for r in responses) == [201, 409]
    (lost,) = [r for r in responses if r.status_code == 409]
    assert lost.json()["error"]["code"] == "nothing_to_send"


@pytest.mark.postgres
def test_two_concurrent_sends_with_one_key_answer_the_same_kots(transactional_demo):
    _, responses = _two_taps(transactional_demo, {"HTTP_IDEMPOTENCY_KEY": "kot-tap-1"})
    assert [r.status_code for r in responses] == [201, 201]
    first, second = (r.json()["data"] for r in responses)
    assert first == second
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]


# --- cancelled orders end their tickets (CONTRACT 5) ------------------------------------------


def test_cancelling_an_order_ends_its_ready_kots_and_they_leave_the_kitchen(
    api_as, chef, waiter, sent
):
    order, data = sent
    main = data["kots"][0]
    for status in ("in_kitchen", "food_ready"):
        assert set_status(chef, main["id"], status).status_code == 200
    manager = api_as("manager")
    cancel = manager.post(
        f"{BASE}/orders/{order['id']}/cancel", {"reason": "guest left"}, format="json"
    )
    assert cancel.status_code == 200, cancel.content
    # both of the order's tickets are cancelled, the ready one included
    for kot in data["kots"]:
        detail = chef.get(f"{BASE}/kot/{kot['id']}") if kot["kitchen"]["id"] == 1 else None
        if detail is not None:
            assert detail.json()["data"]["status"] == "cancelled"
        assert Kot.objects.get(pk=kot["id"]).status == "cancelled"
    # a reload of the kitchen shows the cancellation ticket only, never the cancelled KOT
    shown = chef.get(f"{BASE}/kitchens/1/kots").json()["data"]
    assert [(k["kind"], k["status"]) for k in shown] == [("cancellation", "sent_to_kitchen")]
    # and the screens heard it: kot.status_changed -> cancelled on the kitchen stream
    changed = Event.objects.filter(stream="kitchen.1", type="kot.status_changed").order_by("seq")
    assert [e.data["status"] for e in changed][-1] == "cancelled"
    assert changed.last().data["kot_id"] == main["id"]
    # nothing more can be done with it
    refused = set_status(chef, main["id"], "served")
    assert refused.status_code == 409 and refused.json()["error"]["allowed"] == []


def test_a_served_kot_stays_served_when_its_order_is_cancelled(api_as, chef, waiter, sent):
    order, data = sent
    main = data["kots"][0]
    for status in ("in_kitchen", "food_ready", "served"):
        assert set_status(chef, main["id"], status).status_code == 200
    manager = api_as("manager")
    assert (
        manager.post(
            f"{BASE}/orders/{order['id']}/cancel", {"reason": "x"}, format="json"
        ).status_code
        == 200
    )
    assert Kot.objects.get(pk=main["id"]).status == "served"


# --- who is the waiter ----------------------------------------------------------------------


def test_a_kot_sent_by_the_cashier_names_the_orders_waiter_and_the_sender(api_as, waiter):
    order = create_order(waiter)
    cashier = api_as("cashier")
    response = send(cashier, order["id"])
    assert response.status_code == 201
    kot = response.json()["data"]
    assert (kot["waiter_name"], kot["sent_by_name"]) == (
        waiter.staff.name,
        cashier.staff.name,
    )
    event = Event.objects.filter(stream="kitchen.1", type="kot.created").last()
    assert (event.data["waiter_name"], event.data["sent_by_name"]) == (
        waiter.staff.name,
        cashier.staff.name,
    )
    again = waiter.get(f"{BASE}/kot/{kot['id']}").json()["data"]
    assert again["waiter_name"] == waiter.staff.name
