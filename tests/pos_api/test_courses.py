"""Courses, firing, item-level bump, serving from the pass and GET /expo over REST
(CONTRACT 13; docs/api.md "Courses, firing and the expo"). Every rule of the section,
on PostgreSQL and on the embedded default (the module is `embedded`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Event, Kot, OrderItem, PrintJob

pytestmark = pytest.mark.embedded

BASE = "/api/v1/pos"


def new_events(mark: int, type_name: str) -> list[Event]:
    return list(Event.objects.filter(id__gt=mark, type=type_name).order_by("id"))


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def two_courses(client, table_id: int = 4) -> dict:
    """A dine-in: a starter (course 1) and a main and a chai (course 2) on two kitchens."""
    body = {
        "order_type_id": 1,
        "table_id": table_id,
        "items": [
            {"menu_item_id": 15, "quantity": 1},
            {"menu_item_id": 6, "quantity": 2, "course": 2},
            {"menu_item_id": 16, "quantity": 1, "course": 2},
        ],
    }
    response = client.post(f"{BASE}/orders", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def send(client, order: dict) -> list[dict]:
    response = client.post(f"{BASE}/orders/{order['id']}/kot", format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]["kots"]


def get_order(client, order_id: int) -> dict:
    return client.get(f"{BASE}/orders/{order_id}").json()["data"]


def fire(client, order_id: int, course):
    return client.post(f"{BASE}/orders/{order_id}/fire", {"course": course}, format="json")


def test_lines_carry_their_course_default_1_and_orders_start_with_course_1_fired(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    assert [i["course"] for i in order["items"]] == [1, 2, 2]
    assert order["fired_course"] == 1 and order["course_to_fire"] == 2
    assert "fire" in order["allowed_actions"]


@pytest.mark.parametrize("bad", [0, 6, "six", 2.5, True, None])
def test_a_course_outside_1_to_5_is_a_400_on_create_and_put(api_as, bad):
    waiter = api_as("waiter")
    body = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1, "course": bad}]}
    response = waiter.post(f"{BASE}/orders", body, format="json")
    if bad is None:  # null on create is "not sent": course 1
        assert response.status_code == 400 or response.json()["data"]["items"][0]["course"] == 1
        return
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "validation_error"
    assert "items.0.course" in response.json()["error"]["fields"]
    order = two_courses(waiter, table_id=5)
    put = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{"id": order["items"][0]["id"], "quantity": 1, "course": bad}]},
        format="json",
    )
    assert put.status_code == 400 and "items.0.course" in put.json()["error"]["fields"]


def test_put_changes_an_unsent_lines_course_keeps_it_when_left_out_and_refuses_it_once_sent(
    api_as,
):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    starter, main, chai = order["items"]
    kept = [{"id": i["id"], "quantity": i["quantity"]} for i in order["items"]]
    moved = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{**kept[0], "course": 3}, kept[1], kept[2]]},
        format="json",
    ).json()["data"]
    assert [i["course"] for i in moved["items"]] == [3, 2, 2]
    send(waiter, moved)
    refused = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {"items": [{**kept[0], "course": 1}, kept[1], kept[2]]},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "item_already_sent"


def test_later_courses_go_on_held_kots_not_printed_one_per_kitchen_and_course(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    mark = last_event_id()
    kots = send(waiter, order)
    shape = sorted((k["kitchen"]["id"], k["course"], k["status"]) for k in kots)
    assert shape == [(1, 1, "sent_to_kitchen"), (1, 2, "held"), (2, 2, "held")]
    live = next(k for k in kots if k["status"] == "sent_to_kitchen")
    held = [k for k in kots if k["status"] == "held"]
    # printed: only the live one
    assert set(PrintJob.objects.filter(order_id=order["id"]).values_list("kot_id", flat=True)) == {
        live["id"]
    }
    assert all(k["allowed_statuses"] == [] and k["allowed_item_statuses"] == [] for k in held)
    assert all(k["sent_at"] is None for k in held) and live["sent_at"]
    # the lines follow: held lines are `held` on the order
    statuses = {i["menu_item_id"]: i["status"] for i in get_order(waiter, order["id"])["items"]}
    assert statuses == {15: "sent_to_kitchen", 6: "held", 16: "held"}
    created = new_events(mark, "kot.created")
    assert {e.data["status"] for e in created if e.stream == "kitchen.2"} == {"held"}
    assert {e.stream.split(".")[0] for e in created} == {"kitchen", "table", "orders", "expo"}
    # the kitchen lists the held ticket (greyed on its screen)
    bar = api_as("manager").get(f"{BASE}/kitchens/2/kots").json()["data"]
    assert [(k["id"], k["status"]) for k in bar] == [(held[1]["id"], "held")]


def test_a_held_kot_cannot_be_moved_by_status_nor_its_lines_bumped(api_as):
    waiter, chef = api_as("waiter"), api_as("chef")
    order = two_courses(waiter)
    held = next(k for k in send(waiter, order) if k["status"] == "held" and k["kitchen"]["id"] == 1)
    moved = chef.put(f"{BASE}/kot/{held['id']}/status", {"status": "in_kitchen"}, format="json")
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "invalid_transition"
    line = held["items"][0]["order_item_id"]
    bumped = chef.put(
        f"{BASE}/kot/{held['id']}/items/{line}/status", {"status": "food_ready"}, format="json"
    )
    assert bumped.status_code == 409 and bumped.json()["error"]["code"] == "invalid_transition"


def test_fire_sends_the_held_kots_prints_them_and_tells_their_kitchens(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    kots = send(waiter, order)
    held_ids = {k["id"] for k in kots if k["status"] == "held"}
    mark = last_event_id()
    response = fire(waiter, order["id"], 2)
    assert response.status_code == 200, response.json()
    fired = response.json()["data"]
    assert fired["fired_course"] == 2 and fired["course_to_fire"] is None
    assert "fire" not in fired["allowed_actions"]
    assert fired["version"] == get_order(waiter, order["id"])["version"]
    assert {k["id"]: k["status"] for k in fired["kots"] if k["id"] in held_ids} == {
        i: "sent_to_kitchen" for i in held_ids
    }
    assert {i["status"] for i in fired["items"]} == {"sent_to_kitchen"}
    assert (
        set(
            PrintJob.objects.filter(kot_id__in=held_ids, reprint=0).values_list("kot_id", flat=True)
        )
        == held_ids
    )
    changed = new_events(mark, "kot.status_changed")
    assert sorted(
        (e.stream, e.data["kot_id"]) for e in changed if e.stream.startswith("kitchen")
    ) == sorted((f"kitchen.{k['kitchen']['id']}", k["id"]) for k in kots if k["id"] in held_ids)
    assert {e.data["from_status"] for e in changed} == {"held"}
    (updated,) = [e for e in new_events(mark, "order.updated") if e.stream == "orders.1"]
    assert updated.data["fired_course"] == 2
    # a line added to a fired course goes live at once
    put = waiter.put(
        f"{BASE}/orders/{order['id']}",
        {
            "items": [{"id": i["id"], "quantity": i["quantity"]} for i in fired["items"]]
            + [{"menu_item_id": 12, "quantity": 1, "course": 2}]
        },
        format="json",
    )
    assert put.status_code == 200
    assert [k["status"] for k in send(waiter, order)] == ["sent_to_kitchen"]


def test_firing_a_course_already_fired_answers_200_and_changes_nothing(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    send(waiter, order)
    assert fire(waiter, order["id"], 2).status_code == 200
    version = get_order(waiter, order["id"])["version"]
    jobs = PrintJob.objects.count()
    mark = last_event_id()
    for course in (2, 1):
        again = fire(waiter, order["id"], course)
        assert again.status_code == 200 and again.json()["data"]["version"] == version
    assert last_event_id() == mark and PrintJob.objects.count() == jobs


def test_firing_a_course_with_no_lines_is_409_nothing_to_fire(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    response = fire(waiter, order["id"], 4)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_fire"
    assert get_order(waiter, order["id"])["fired_course"] == 1


def test_firing_a_course_skips_over_and_fires_the_lower_held_ones_too(api_as):
    waiter = api_as("waiter")
    body = {
        "order_type_id": 2,
        "items": [
            {"menu_item_id": 15, "quantity": 1, "course": 2},
            {"menu_item_id": 25, "quantity": 1, "course": 3},
        ],
    }
    order = waiter.post(f"{BASE}/orders", body, format="json").json()["data"]
    assert [k["status"] for k in send(waiter, order)] == ["held", "held"]
    assert fire(waiter, order["id"], 3).status_code == 200
    assert set(Kot.objects.filter(order_id=order["id"]).values_list("status", flat=True)) == {
        "sent_to_kitchen"
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("cashier", 200), ("waiter", 200), ("chef", 403), ("driver", 403)],
)
def test_fire_is_for_managers_cashiers_and_waiters(api_as, who, status):
    order = two_courses(api_as("waiter"))
    assert fire(api_as(who), order["id"], 2).status_code == status


def test_fire_bad_input_other_outlet_and_cancelled(api_as):
    waiter = api_as("waiter")
    order = two_courses(waiter)
    for body in ({}, {"course": 0}, {"course": 9}, {"course": True}):
        response = waiter.post(f"{BASE}/orders/{order['id']}/fire", body, format="json")
        assert response.status_code == 400, body
    assert fire(api_as("manager2"), order["id"], 2).status_code == 404
    waiter.post(f"{BASE}/orders/{order['id']}/cancel", {"reason": "left"}, format="json")
    closed = fire(waiter, order["id"], 2)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "order_closed"


def test_item_bump_the_kot_follows_its_lines_and_the_lines_follow_the_kot(api_as):
    waiter, chef = api_as("waiter"), api_as("chef")
    body = {
        "order_type_id": 1,
        "table_id": 8,
        "items": [{"menu_item_id": 15, "quantity": 1}, {"menu_item_id": 12, "quantity": 2}],
    }
    order = waiter.post(f"{BASE}/orders", body, format="json").json()["data"]
    (kot,) = send(waiter, order)
    paneer, naan = (i["order_item_id"] for i in kot["items"])
    url = f"{BASE}/kot/{kot['id']}/items"
    mark = last_event_id()

    first = chef.put(f"{url}/{paneer}/status", {"status": "food_ready"}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["data"]["status"] == "in_kitchen"  # cooking has started
    assert [i["status"] for i in first.json()["data"]["items"]] == ["food_ready", "sent_to_kitchen"]
    last = chef.put(f"{url}/{naan}/status", {"status": "food_ready"}, format="json").json()["data"]
    assert last["status"] == "food_ready"  # with its last line
    item_events = new_events(mark, "kot.item_status_changed")
    assert [
        (e.data["order_item_id"], e.data["kot_status"])
        for e in item_events
        if e.stream == "kitchen.1"
    ] == [
        (paneer, "in_kitchen"),
        (naan, "food_ready"),
    ]
    assert item_events[-1].data["order_ready"] is True
    # a recalled line takes the ticket back to cooking
    recall = chef.put(f"{url}/{naan}/status", {"status": "in_kitchen"}, format="json").json()[
        "data"
    ]
    assert recall["status"] == "in_kitchen"
    # a KOT-level move: the lines follow
    ready = chef.put(f"{BASE}/kot/{kot['id']}/status", {"status": "food_ready"}, format="json")
    assert {i["status"] for i in ready.json()["data"]["items"]} == {"food_ready"}
    # the same status again changes nothing
    mark = last_event_id()
    same = chef.put(f"{url}/{naan}/status", {"status": "food_ready"}, format="json")
    assert same.status_code == 200 and last_event_id() == mark


def test_item_bump_refusals(api_as):
    waiter, chef = api_as("waiter"), api_as("chef")
    order = waiter.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        format="json",
    ).json()["data"]
    (kot,) = send(waiter, order)
    line = kot["items"][0]["order_item_id"]
    url = f"{BASE}/kot/{kot['id']}/items/{line}/status"
    assert chef.put(url, {"status": "served"}, format="json").status_code == 400
    assert chef.put(url, {"status": "held"}, format="json").status_code == 400
    assert waiter.put(url, {"status": "food_ready"}, format="json").status_code == 403
    assert api_as("manager2").put(url, {"status": "food_ready"}, format="json").status_code == 404
    other = (
        OrderItem.objects.exclude(kot_id=kot["id"]).values_list("pk", flat=True).first() or 10**6
    )
    missing = f"{BASE}/kot/{kot['id']}/items/{other}/status"
    assert chef.put(missing, {"status": "food_ready"}, format="json").status_code == 404
    assert api_as("manager").put(url, {"status": "food_ready"}, format="json").status_code == 200


def test_serve_marks_every_ready_kot_served_and_leaves_the_others(api_as):
    waiter, chef = api_as("waiter"), api_as("chef")
    body = {
        "order_type_id": 1,
        "table_id": 9,
        "items": [{"menu_item_id": 15, "quantity": 1}, {"menu_item_id": 16, "quantity": 1}],
    }
    order = waiter.post(f"{BASE}/orders", body, format="json").json()["data"]
    main, bar = send(waiter, order)
    nothing = waiter.post(f"{BASE}/orders/{order['id']}/serve", format="json")
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "nothing_to_serve"
    for status in ("in_kitchen", "food_ready"):
        chef.put(f"{BASE}/kot/{main['id']}/status", {"status": status}, format="json")
    served = api_as("cashier").post(f"{BASE}/orders/{order['id']}/serve", format="json")
    assert served.status_code == 200, served.json()
    statuses = {k["id"]: k["status"] for k in served.json()["data"]["kots"]}
    assert statuses == {main["id"]: "served", bar["id"]: "sent_to_kitchen"}
    assert {i["menu_item_id"]: i["status"] for i in served.json()["data"]["items"]} == {
        15: "served",
        16: "sent_to_kitchen",
    }
    assert (
        api_as("chef").post(f"{BASE}/orders/{order['id']}/serve", format="json").status_code == 403
    )
    assert (
        api_as("manager2").post(f"{BASE}/orders/{order['id']}/serve", format="json").status_code
        == 404
    )


def test_expo_lists_open_orders_with_their_kots_and_ready_at_the_pass(api_as):
    waiter, chef = api_as("waiter"), api_as("chef")
    order = two_courses(waiter, table_id=10)
    kots = send(waiter, order)
    live = next(k for k in kots if k["status"] == "sent_to_kitchen")
    expo = chef.get(f"{BASE}/expo").json()
    (row,) = [r for r in expo["data"] if r["order_id"] == order["id"]]
    assert row["ready"] is False and row["fired_course"] == 1
    assert sorted(k["status"] for k in row["kots"]) == ["held", "held", "sent_to_kitchen"]
    chef.put(f"{BASE}/kot/{live['id']}/status", {"status": "in_kitchen"}, format="json")
    chef.put(f"{BASE}/kot/{live['id']}/status", {"status": "food_ready"}, format="json")
    (row,) = [r for r in chef.get(f"{BASE}/expo").json()["data"] if r["order_id"] == order["id"]]
    # every fired KOT is ready: held courses do not hold the pass back
    assert row["ready"] is True and row["allowed_actions"] == []  # a cook does not serve
    (row,) = [r for r in waiter.get(f"{BASE}/expo").json()["data"] if r["order_id"] == order["id"]]
    assert row["allowed_actions"] == ["serve"]
    assert api_as("driver").get(f"{BASE}/expo").status_code == 403
    assert all(
        r["order_id"] != order["id"] for r in api_as("manager2").get(f"{BASE}/expo").json()["data"]
    )


def test_expo_reads_cost_the_same_queries_for_1_or_8_orders(api_as, django_assert_max_num_queries):
    waiter = api_as("waiter")
    two_courses(waiter, table_id=11)
    send(waiter, {"id": OrderItem.objects.latest("id").order_id})
    with CaptureQueriesContext(connection) as few:
        assert waiter.get(f"{BASE}/expo").status_code == 200
    cost = len(few.captured_queries)  # now: a later request resets Django's query log
    assert cost <= 12
    for table_id in (1, 2, 3, 5, 6, 7, 12):
        send(waiter, two_courses(waiter, table_id=table_id))
    with django_assert_max_num_queries(cost):
        body = waiter.get(f"{BASE}/expo").json()
    assert body["meta"]["total"] >= 8


def test_a_fired_later_course_prints_its_course_on_the_ticket(api_as):
    from tests.printers.conftest import job_preview

    waiter = api_as("waiter")
    order = two_courses(waiter, table_id=12)
    kots = send(waiter, order)
    fire(waiter, order["id"], 2)
    held_ids = [k["id"] for k in kots if k["status"] == "held"]
    previews = [job_preview(j) for j in PrintJob.objects.filter(kot_id__in=held_ids)]
    assert len(previews) == 2 and all("COURSE 2" in p for p in previews)
    (starter,) = PrintJob.objects.filter(
        kot_id__in=[k["id"] for k in kots if k["id"] not in held_ids]
    )
    assert "COURSE" not in job_preview(starter)
