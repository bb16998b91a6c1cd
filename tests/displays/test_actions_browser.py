"""The screens draw the actions the hub allows, and nothing else (docs/screens.md
"Server-decided actions"), in a real Chromium against a real daphne.

The kitchen's buttons are each ticket's `allowed_statuses` (over REST for the signed-in
user; from an event, its role-independent `allowed_statuses` met with GET /me's
`kot_statuses`); the waiter tablet's Send is the order's `send_kot` action, so a table
paid before its items were sent (a pay-first table) can still send them.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

BASE = "/api/v1/pos"
PANEER = {"menu_item_id": 15, "quantity": 2}


def _buttons(page, kot_id: int) -> list[str]:
    return page.eval_on_selector_all(
        f'.ticket[data-kot-id="{kot_id}"] button[data-action]',
        "bs => bs.map(b => b.dataset.action)",
    )


def _dine_in(client, table_id: int) -> dict:
    return client.ok(
        "POST", f"{BASE}/orders", {"order_type_id": 1, "table_id": table_id, "items": [PANEER]}
    )


def test_kitchen_buttons_are_what_the_hub_allows_the_cook_and_the_waiter(screens, rest):
    cook = screens("chef")
    kitchen = cook.open("/kds/1/")
    floor_staff = screens("waiter")
    pass_view = floor_staff.open("/kds/1/")  # a waiter looking at the pass
    waiter, chef = rest("waiter"), rest("chef")
    kot = waiter.ok("POST", f"{BASE}/orders/{_dine_in(waiter, 5)['id']}/kot")

    # live (kot.created): the event's allowed_statuses met with each one's GET /me
    for page in (kitchen, pass_view):
        page.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"]', timeout=5000)
    assert _buttons(kitchen, kot["id"]) == ["in_kitchen"]
    assert _buttons(pass_view, kot["id"]) == []  # a waiter does not cook
    for status in ("in_kitchen", "food_ready"):
        chef.ok("PUT", f"{BASE}/kot/{kot['id']}/status", {"status": status})
    kitchen.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="food_ready"]')
    pass_view.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="food_ready"]')
    assert _buttons(kitchen, kot["id"]) == ["served", "in_kitchen"]
    assert _buttons(pass_view, kot["id"]) == ["served"]  # the floor takes the plate out
    cook.shot("kitchen-actions-cook-1280x800")
    floor_staff.shot("kitchen-actions-waiter-1280x800")

    # after a reload (REST): the same buttons, from each one's allowed_statuses
    for page, username in ((kitchen, "chef"), (pass_view, "waiter")):
        page.reload()
        page.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"]', timeout=5000)
        allowed = rest(username).ok("GET", f"{BASE}/kot/{kot['id']}")["allowed_statuses"]
        assert _buttons(page, kot["id"]) == allowed
    cook.assert_healthy()
    floor_staff.assert_healthy()


def test_kitchen_buttons_come_from_the_answer_not_from_the_status(screens, rest):
    waiter = rest("waiter")
    kot = waiter.ok("POST", f"{BASE}/orders/{_dine_in(waiter, 6)['id']}/kot")
    cook = screens("chef")

    def answer_with_other_moves(route):
        # the hub's answer, with this ticket's allowed_statuses replaced: the screen must
        # draw exactly those, whatever the ticket's status
        response = route.fetch()
        body = response.json()
        for row in body["data"]:
            if row["id"] == kot["id"]:
                row["allowed_statuses"] = ["served"]
        route.fulfill(response=response, body=json.dumps(body))

    cook.page.route("**/api/v1/pos/kitchens/1/kots*", answer_with_other_moves)
    page = cook.open("/kds/1/")
    page.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="sent_to_kitchen"]')
    assert _buttons(page, kot["id"]) == ["served"]


def test_the_tablet_offers_send_for_a_paid_order_with_an_unsent_item(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")

    floor.locator('.table[data-table-id="3"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T3").click()
    floor.locator('.menu-item[data-menu-item-id="3"]').click()  # Chicken 65: saved at once
    floor.wait_for_selector(".line.line-pending")
    order_id = rest("waiter").ok("GET", f"{BASE}/tables/3")["current_order"]["id"]

    # the guest pays at the counter before anything went to the kitchen
    cashier = rest("cashier")
    cashier.ok(
        "POST", f"{BASE}/orders/{order_id}/payment", {"payment_method": "cash", "amount": 100}
    )
    order = cashier.ok("GET", f"{BASE}/orders/{order_id}")
    assert order["status"] == "paid" and "send_kot" in order["allowed_actions"]

    # the tablet still shows that order, paid, and offers Send (not the menu: it is closed)
    floor.wait_for_selector('.order-status:has-text("PAID")', timeout=5000)
    send = floor.locator("#send-kot")
    assert send.is_enabled()
    assert floor.locator(".menu").count() == 0
    assert "null" not in floor.locator("#panel-body").inner_text()
    tablet.shot("waiter-paid-unsent-1280x800")
    tablet.assert_healthy()

    send.click()
    floor.wait_for_selector('#toast:has-text("Sent KOT-")', timeout=5000)
    sent = cashier.ok("GET", f"{BASE}/orders/{order_id}")
    assert sent["status"] == "paid" and [i["status"] for i in sent["items"]] == ["sent_to_kitchen"]
    kitchen.wait_for_selector(f'.ticket:has-text("{sent["kots"][0]["kot_number"]}")', timeout=5000)
