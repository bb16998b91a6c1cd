"""The waiter tablet shows, live, which orders are ready at the pass and, loudly, a ticket
no kitchen screen saw (CONTRACT 13, issue 17; docs/screens.md "Waiter tablet"). Real
daphne, real Chromium; the tablet draws what the hub says (`order_ready` in the kot.*
events of the orders stream, `ready` and KotOut `unseen` of GET /expo on a reload).
Screenshots land in var/courses17/ for a person to look at."""

from __future__ import annotations

import pytest

from hub.models import Outlet
from hub.services.kitchen_ack import kots_unseen_handle
from tests.displays.conftest import PHONE
from tests.liveserver import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SHOTS = ROOT / "var" / "courses17"


def shot(screen, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    screen.page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_tablet_shows_a_ticket_not_seen_and_then_the_order_ready_at_the_pass(screens, rest):
    import time

    Outlet.objects.filter(pk=1).update(kot_ack_seconds=1, auto_print_kot=False)
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    phone = screens("waiter", PHONE)
    small = phone.open("/waiter/")

    waiter, chef = rest("waiter"), rest("chef")
    order = waiter.ok(
        "POST",
        "/api/v1/pos/orders",
        {
            "order_type_id": 1,
            "table_id": 6,
            "items": [
                {"menu_item_id": 12, "quantity": 2},  # butter naan
                {"menu_item_id": 14, "quantity": 1},
            ],
        },
    )
    kot = waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/kot")
    assert {k["kitchen"]["id"] for k in kot["kots"]} == {1}, kot  # one ticket, one kitchen

    # no kitchen screen is on: past kot_ack_seconds the timer raises kot.unseen
    time.sleep(1.2)
    assert kots_unseen_handle() == [kot["id"]]
    alert = f'.unseen-alert[data-kot-id="{kot["id"]}"]'
    floor.wait_for_selector(alert, timeout=5000)
    text = floor.locator(alert).inner_text()
    assert "NOT SEEN" in text and kot["kot_number"] in text and "T6" in text, text
    small.wait_for_selector(alert, timeout=5000)
    shot(tablet, "waiter-not-seen-1280x800")
    shot(phone, "waiter-not-seen-390x844")
    # a reload shows it too: GET /expo's KotOut `unseen`, the hub's word
    tablet.open("/waiter/")
    floor.wait_for_selector(alert)

    # the cook starts it: it is in someone's hands, the alarm goes
    chef.ok("PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": "in_kitchen"})
    floor.wait_for_selector(alert, state="detached", timeout=5000)
    assert floor.locator(".unseen-alert").count() == 0

    # one line ready is not the order ready; the last one is
    tile = '.table[data-table-id="6"]'
    naan, other = order["items"]
    chef.ok(
        "PUT", f"/api/v1/pos/kot/{kot['id']}/items/{naan['id']}/status", {"status": "food_ready"}
    )
    time.sleep(0.5)
    assert floor.locator(f'{tile}[data-pass="ready"]').count() == 0
    assert floor.locator(".pass-order").count() == 0
    chef.ok(
        "PUT", f"/api/v1/pos/kot/{kot['id']}/items/{other['id']}/status", {"status": "food_ready"}
    )
    ready = f'.pass-order[data-order-id="{order["id"]}"]'
    floor.wait_for_selector(ready, timeout=5000)
    assert "ready at the pass" in floor.locator(ready).inner_text()
    assert "READY AT THE PASS" in floor.locator(f'{tile}[data-pass="ready"]').inner_text()
    small.wait_for_selector(ready, timeout=5000)
    shot(tablet, "waiter-ready-at-pass-1280x800")
    shot(phone, "waiter-ready-at-pass-390x844")
    tablet.open("/waiter/")  # a reload draws it from GET /expo's `ready`
    floor.wait_for_selector(ready)
    floor.wait_for_selector(f'{tile}[data-pass="ready"]')

    # served from the pass: no longer ready there, on both devices
    waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/serve")
    floor.wait_for_selector(ready, state="detached", timeout=5000)
    small.wait_for_selector(ready, state="detached", timeout=5000)
    assert floor.locator(f'{tile}[data-pass="ready"]').count() == 0
    # the tablet links to the pass
    assert floor.locator('.screen-links a[href="/expo/"]').count() == 1
    tablet.assert_healthy()
    phone.assert_healthy()


def test_the_manager_sees_which_kitchen_has_no_screen_and_links_to_every_screen(screens, rest):
    kitchen = screens("chef")
    kitchen.open("/kds/1/")  # the main kitchen's display is on; the bar's is not
    manager = screens("manager")
    page = manager.open("/manager/")
    main = '.kitchen-screen[data-kitchen-id="1"]'
    bar = '.kitchen-screen[data-kitchen-id="2"]'
    page.wait_for_selector(main)
    assert "1 screen on" in page.locator(main).inner_text()
    assert "off" not in (page.locator(main).get_attribute("class") or "")
    assert "NO SCREEN" in page.locator(bar).inner_text()
    assert "off" in page.locator(bar).get_attribute("class")
    links = page.eval_on_selector_all(
        ".screen-links a", "as => as.map(a => a.getAttribute('href'))"
    )
    assert links == ["/waiter/", "/expo/", "/kds/1/", "/kds/2/"], links
    shot(manager, "manager-kitchen-screens-1280x800")

    kitchen.close()  # the kitchen's screen goes off: the next read says so
    page.evaluate("manager.refresh()")
    page.wait_for_selector(f"{main}.off", timeout=5000)
    assert "last seen" in page.locator(main).inner_text()
    shot(manager, "manager-kitchen-screen-off-1280x800")

    # the pass links back to the floor for front of house
    expo = manager.open("/expo/")
    assert expo.locator('.screen-links a[href="/waiter/"]').is_visible()
    manager.assert_healthy()
