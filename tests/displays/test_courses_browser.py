"""Courses and the pass in a real headless Chromium against a real daphne (CONTRACT 13,
docs/screens.md "Expo"): a two-course order shows course 1 live and course 2 greyed as
HOLD on the kitchen screen, which acknowledges what it draws; firing course 2 makes it
live; the cook bumps lines one by one; the expo shows the order ready at the pass; one tap
on Serve clears both screens. Screenshots land in var/courses/ for a person to look at.
"""

from __future__ import annotations

import time

import pytest

from tests.liveserver import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SHOTS = ROOT / "var" / "courses"


def shot(screen, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    screen.page.screenshot(path=str(SHOTS / f"{name}.png"))


def wait_until(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def wait_for_card(kitchen, selector: str) -> None:
    """Wait for a kitchen card; if it never comes, fail with what the screen holds (its
    tickets and the stream's last seq), which is what tells a lost event from a slow one."""
    try:
        kitchen.wait_for_selector(selector)
    except Exception as error:
        held = kitchen.evaluate(
            """() => ({seq: kds.socket.seq, applied: kds.socket.applied,
                      tickets: Object.values(kds.state.tickets).map(
                        t => [t.id, t.status, t.items.map(i => i.name)])})"""
        )
        raise AssertionError(f"{selector} never drawn; the screen holds {held}") from error


def test_two_courses_fire_bump_lines_ready_at_the_pass_and_serve(screens, rest):
    waiter = rest("waiter")
    order = waiter.ok(
        "POST",
        "/api/v1/pos/orders",
        {
            "order_type_id": 1,
            "table_id": 6,
            "items": [
                {"menu_item_id": 15, "quantity": 2, "note": "No onions"},
                {"menu_item_id": 6, "quantity": 1, "course": 2},
                {"menu_item_id": 12, "quantity": 2, "course": 2},
            ],
        },
    )
    sent = waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/kot")
    live = next(k for k in sent["kots"] if k["status"] == "sent_to_kitchen")
    held = next(k for k in sent["kots"] if k["status"] == "held")

    kds = screens("chef")
    kitchen = kds.open("/kds/1/")
    live_card = kitchen.locator(f'.ticket[data-kot-id="{live["id"]}"]')
    held_card = kitchen.locator(f'.ticket[data-kot-id="{held["id"]}"]')
    live_card.wait_for()
    assert "held" in held_card.get_attribute("class")
    assert "HOLD course 2" in held_card.locator(".state").inner_text()
    # the held course is not cooking: only the starter is on the all-day count
    assert kitchen.locator("#allday li[data-item]").evaluate_all(
        "rows => rows.map(r => r.dataset.item)"
    ) == ["Paneer Tikka"]
    # the screen acknowledged the live ticket it drew (kot.seen), not the held one
    chef = rest("chef")
    assert wait_until(lambda: chef.ok("GET", f"/api/v1/pos/kot/{live['id']}")["seen_at"])
    assert chef.ok("GET", f"/api/v1/pos/kot/{held['id']}")["seen_at"] is None

    pass_screen = screens("waiter")
    expo = pass_screen.open("/expo/")
    order_card = expo.locator(f'.expo-card[data-order-id="{order["id"]}"]')
    order_card.wait_for()
    assert order_card.locator(".expo-station").count() == 2
    assert "HOLD course 2" in order_card.locator(f'[data-kot-id="{held["id"]}"]').inner_text()
    shot(kds, "kds-hold-course-2-1280x800")

    # fire course 2: the held ticket goes live on the kitchen screen and is acknowledged
    fired = waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/fire", {"course": 2})
    assert fired["fired_course"] == 2
    kitchen.wait_for_selector(f'.ticket[data-kot-id="{held["id"]}"][data-status="sent_to_kitchen"]')
    assert "held" not in held_card.get_attribute("class")
    assert wait_until(lambda: chef.ok("GET", f"/api/v1/pos/kot/{held['id']}")["seen_at"])

    # the cook taps lines one by one; each ticket goes ready with its last line
    for kot in (live, held):
        for item in kot["items"]:
            line = kitchen.locator(
                f'.ticket[data-kot-id="{kot["id"]}"] li[data-item-id="{item["order_item_id"]}"]'
            )
            line.click()
            kitchen.wait_for_selector(
                f'.ticket[data-kot-id="{kot["id"]}"] '
                f'li.item-ready[data-item-id="{item["order_item_id"]}"]'
            )
        kitchen.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="food_ready"]')
        if kot is live:  # the main is still cooking: not ready at the pass yet
            expo.wait_for_selector(
                f'.expo-station[data-kot-id="{live["id"]}"][data-status="food_ready"]'
            )
            assert order_card.get_attribute("data-ready") == "no"

    expo.wait_for_selector(f'.expo-card[data-order-id="{order["id"]}"][data-ready="yes"]')
    assert "READY AT THE PASS" in order_card.inner_text()
    shot(pass_screen, "expo-ready-at-the-pass-1280x800")
    shot(kds, "kds-lines-bumped-1280x800")
    pass_screen.assert_healthy()
    kds.assert_healthy()

    # one tap serves it: the order leaves the pass and both tickets leave the kitchen
    order_card.get_by_role("button", name=f"Serve {order['order_number']}").click()
    order_card.wait_for(state="detached")
    live_card.wait_for(state="detached")
    held_card.wait_for(state="detached")
    statuses = {
        k["id"]: k["status"] for k in waiter.ok("GET", f"/api/v1/pos/orders/{order['id']}")["kots"]
    }
    assert statuses == {live["id"]: "served", held["id"]: "served"}
    shot(pass_screen, "expo-after-serve-1280x800")


def test_the_tablet_sends_two_courses_and_fires_the_second(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")

    floor.locator('.table[data-table-id="4"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T4").click()
    floor.wait_for_selector(".order-number")
    # items without options (an item with groups opens the modifier chooser first)
    floor.locator('.menu-item[data-menu-item-id="3"]').click()  # a starter, course 1
    floor.locator('.menu-item[data-menu-item-id="7"]').click()  # a main...
    floor.get_by_role("button", name="Course 1 for Dal Makhani: change").click()  # ...course 2
    floor.wait_for_selector('.btn-course[data-course="2"]')
    floor.locator("#send-kot").click()
    floor.wait_for_selector(".line.line-held")
    assert "C2" in floor.locator(".line.line-held").inner_text()
    fire = floor.locator("#fire-course")
    assert fire.inner_text() == "Fire course 2"
    # the hub has both: the starter live, the main held (so a screen that misses one is
    # the screen's fault, not a tap the tablet lost)
    number = floor.locator(".order-number").inner_text()
    orders = rest("waiter").ok("GET", "/api/v1/pos/orders?table_id=4")
    order = next(o for o in orders if o["order_number"] == number)
    kots = rest("waiter").ok("GET", f"/api/v1/pos/orders/{order['id']}")["kots"]
    assert sorted((k["status"], [i["name"] for i in k["items"]]) for k in kots) == [
        ("held", ["Dal Makhani"]),
        ("sent_to_kitchen", ["Chicken 65"]),
    ]
    # the kitchen: the starter live, the main greyed as HOLD course 2
    wait_for_card(kitchen, '.ticket.held:has-text("HOLD course 2"):has-text("Dal Makhani")')
    wait_for_card(kitchen, '.ticket[data-status="sent_to_kitchen"]:has-text("Chicken 65")')
    shot(tablet, "tablet-fire-course-2-1280x800")

    fire.click()
    floor.wait_for_selector(".line.line-sent_to_kitchen >> nth=1")
    assert floor.locator("#fire-course").count() == 0  # nothing left to fire
    kitchen.wait_for_selector('.ticket[data-status="sent_to_kitchen"]:has-text("Dal Makhani")')
    assert kitchen.locator(".ticket.held").count() == 0
    tablet.assert_healthy()
    kds.assert_healthy()
