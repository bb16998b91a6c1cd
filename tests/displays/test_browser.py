"""The screens in a real headless Chromium against a real daphne (docs/screens.md).

Every change is made the way a client makes it (REST on the live server, or a tap on
the screen) and every check reads what the screen shows or what REST answers.
Screenshots land in var/screenshots/ (HUB_SCREENSHOT_DIR) for a person to look at.
"""

from __future__ import annotations

import time

import pytest

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def _dine_in(waiter, table_id: int, items: list[dict]) -> dict:
    return waiter.ok(
        "POST", "/api/v1/pos/orders", {"order_type_id": 1, "table_id": table_id, "items": items}
    )


def _send(waiter, order_id: int) -> dict:
    return waiter.ok("POST", f"/api/v1/pos/orders/{order_id}/kot")


PANEER = {"menu_item_id": 15, "quantity": 2, "note": "No onions"}
CHAI = {"menu_item_id": 16, "quantity": 1}


def _card(page, kot_id: int):
    return page.locator(f'.ticket[data-kot-id="{kot_id}"]')


def test_sign_in_picks_the_screen_for_the_role(screens, live_hub):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from hub.models import Staff

    from .conftest import token_for

    # The test run hashes with MD5 for speed; the live server knows only the real hashers.
    Staff.objects.filter(username__in=["chef", "waiter", "driver"]).update(
        password=PBKDF2PasswordHasher().encode("demo1234", "screens-test-salt")
    )
    screen = screens(None)
    page = screen.open("/", live=False)
    page.fill("#username", "chef")
    page.fill("#password", "wrong")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('Wrong username or password')")
    screen.shot("login-1280x800")
    screen.assert_healthy()

    # Each sign-in on a device of its own (a fresh browser context, nothing stored): a
    # screen left open while its storage is cleared may navigate by itself (to the
    # sign-in page), which aborts the test's own navigation.
    for username, path in [("chef", "/kds/1/"), ("waiter", "/waiter/"), ("driver", "/driver/")]:
        page = screens(None).open("/", live=False)
        page.fill("#username", username)
        page.fill("#password", "demo1234")
        page.click("#login-form button[type=submit]")
        page.wait_for_url(live_hub + path)
        page.wait_for_selector('#conn[data-state="live"]')
        assert page.evaluate("localStorage.getItem('hub.token')")

    # a wall screen: paste a device token instead of a password
    page = screens(None).open("/", live=False)
    page.fill("#device-token", token_for("bartender"))
    page.click("#token-form button[type=submit]")
    page.wait_for_url(live_hub + "/kds/2/")
    page.wait_for_selector('#kitchen-name:has-text("Bar")')

    # a screen without a session goes to the sign-in page, and back after it
    page = screens(None).open("/waiter/", live=False)
    page.wait_for_url(lambda url: url.startswith(live_hub + "/?next="))


def test_kot_sent_over_rest_appears_on_the_kitchen_screen_within_a_second(screens, rest):
    kds = screens("chef")
    page = kds.open("/kds/1/")
    assert page.locator(".ticket").count() == 0
    waiter = rest("waiter")
    order = _dine_in(waiter, 5, [PANEER, CHAI])

    kot = _send(waiter, order["id"])
    sent = time.monotonic()
    _card(page, kot["id"]).wait_for(state="visible", timeout=1000)
    assert time.monotonic() - sent < 1.0

    card = _card(page, kot["id"])
    text = card.inner_text()
    for expected in (
        kot["kot_number"],
        "T5",
        "Wasim Waiter",
        "2×",
        "Paneer Tikka",
        "No onions",
        "NEW",
    ):
        assert expected in text, (expected, text)
    assert "Masala Chai" not in text  # the Bar's item goes to the Bar's screen
    assert page.locator('#allday li[data-item="Paneer Tikka"]').inner_text().split() == [
        "2",
        "Paneer",
        "Tikka",
    ]
    counters = page.evaluate("window.kds.counters")
    assert counters["newTickets"] == 1 and counters["beeps"] == 1  # beep + flash on arrival
    assert "flash" in card.get_attribute("class")
    kds.shot("kitchen-new-ticket-1280x800")  # caught mid-flash
    kds.assert_healthy()


def test_bump_on_the_screen_changes_the_status_and_the_waiter_sees_food_ready(screens, rest):
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    waiter = rest("waiter")
    order = _dine_in(waiter, 5, [PANEER])
    kot = _send(waiter, order["id"])
    card = _card(kitchen, kot["id"])
    card.wait_for(timeout=5000)

    card.get_by_role("button", name=f"Start cooking {kot['kot_number']}").click()
    kitchen.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="in_kitchen"]')
    card.get_by_role("button", name=f"Bump {kot['kot_number']}: food ready").click()
    kitchen.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="food_ready"]')
    assert rest("manager").ok("GET", f"/api/v1/pos/kot/{kot['id']}")["status"] == "food_ready"
    assert (
        rest("manager").ok("GET", f"/api/v1/pos/orders/{order['id']}")["items"][0]["status"]
        == "food_ready"
    )

    alert = floor.locator(f'.ready-alert[data-kot-id="{kot["id"]}"]')
    alert.wait_for(timeout=5000)
    assert "T5" in alert.inner_text() and kot["kot_number"] in alert.inner_text()
    table = floor.locator('.table[data-table-id="5"]')
    assert "FOOD READY" in table.inner_text() and "has-ready" in table.get_attribute("class")
    kds.shot("kitchen-ready-1280x800")
    tablet.shot("waiter-1280x800")
    tablet.assert_healthy()
    kds.assert_healthy()

    # recall puts it back to cooking, and the waiter's alert goes away
    kitchen.get_by_role("button", name=f"Recall {kot['kot_number']} to cooking").click()
    kitchen.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="in_kitchen"]')
    alert.wait_for(state="detached", timeout=5000)
    card.get_by_role("button", name=f"Bump {kot['kot_number']}: food ready").click()
    alert.wait_for(timeout=5000)

    # the waiter takes the food out: served, gone from both screens
    alert.get_by_role("button").click()
    alert.wait_for(state="detached", timeout=5000)
    card.wait_for(state="detached", timeout=5000)
    assert rest("manager").ok("GET", f"/api/v1/pos/kot/{kot['id']}")["status"] == "served"


def test_after_a_drop_the_screen_resumes_and_shows_both_missed_tickets_once(screens, rest):
    kds = screens("chef")
    page = kds.open("/kds/1/")
    page.evaluate("window.__notReloaded = true")
    waiter = rest("waiter")

    page.evaluate("HubSocket.all.forEach(s => s.hold())")  # the Wi-Fi drops
    page.wait_for_selector('#conn[data-state="offline"]')
    first = _send(waiter, _dine_in(waiter, 2, [PANEER])["id"])
    second = _send(waiter, _dine_in(waiter, 3, [{"menu_item_id": 15, "quantity": 1}])["id"])
    time.sleep(0.8)
    assert page.locator(".ticket").count() == 0  # the screen really was cut off

    page.evaluate("HubSocket.all.forEach(s => s.release())")  # and comes back
    page.wait_for_selector('#conn[data-state="live"]')
    _card(page, first["id"]).wait_for(timeout=5000)
    _card(page, second["id"]).wait_for(timeout=5000)
    time.sleep(0.3)
    ids = page.eval_on_selector_all(".ticket", "cards => cards.map(c => Number(c.dataset.kotId))")
    assert ids == [first["id"], second["id"]]  # both, once each, in arrival order
    assert page.evaluate("window.__notReloaded") is True  # no reload
    assert page.locator("#toast").inner_text().startswith("Back online: ")
    assert page.locator('#allday li[data-item="Paneer Tikka"] .allday-count').inner_text() == "3"
    # the socket asked for exactly what it missed: ?since=<its last seq>
    resumed = [
        u for u in kds.requests if u.startswith(kds.base.replace("http", "ws")) and "since=" in u
    ]
    assert len(resumed) == 1, resumed
    kds.assert_healthy()


def test_resync_required_reloads_the_state_from_rest(screens, rest):
    from hub.events import kitchen_stream
    from hub.models import Event

    kds = screens("chef")
    page = kds.open("/kds/1/")
    waiter = rest("waiter")
    kot = _send(waiter, _dine_in(waiter, 4, [PANEER])["id"])
    _card(page, kot["id"]).wait_for(timeout=5000)
    page.evaluate("window.__notReloaded = true")

    page.evaluate("HubSocket.all.forEach(s => s.hold())")
    later = _send(waiter, _dine_in(waiter, 6, [PANEER])["id"])
    rest("chef").ok("PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": "in_kitchen"})
    # the hub no longer has what the screen missed (as after the retention period)
    Event.objects.filter(stream=kitchen_stream(1)).delete()
    page.evaluate("HubSocket.all.forEach(s => s.release())")

    _card(page, later["id"]).wait_for(timeout=5000)  # reloaded from REST
    page.wait_for_selector(f'.ticket[data-kot-id="{kot["id"]}"][data-status="in_kitchen"]')
    assert page.locator(".ticket").count() == 2
    assert page.evaluate("window.__notReloaded") is True
    # the ticket the reload brought is announced to the cook like a live one
    assert page.evaluate("window.kds.counters.newTickets") == 2


def test_waiter_opens_a_table_adds_items_and_sends_them_to_the_kitchen(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")

    floor.locator('.table[data-table-id="3"]').click()
    floor.fill("#guests", "3")
    floor.get_by_role("button", name="Open T3").click()
    floor.wait_for_selector(".order-number")
    floor.wait_for_selector('.table[data-table-id="3"][data-status="occupied"]')
    assert "3 guests" in floor.locator('.table[data-table-id="3"]').inner_text()

    # items without modifier groups go straight onto the order as new lines (Paneer Tikka
    # has Extras: its chooser is tests/displays/test_modifiers_browser.py's)
    # each tap is saved at once (PUT /orders/{id}): two taps of Chicken 65 are one line of 2
    floor.locator('.menu-item[data-menu-item-id="3"]').click()
    floor.locator('.menu-item[data-menu-item-id="3"]').click()
    floor.locator('.menu-item[data-menu-item-id="16"]').click()
    floor.wait_for_selector('.line.line-pending:has-text("2×") >> nth=0')
    floor.wait_for_selector(".line.line-pending >> nth=1")
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    assert floor.locator(".line.line-pending").count() == 2
    tablet.shot("waiter-table-1280x800")
    floor.locator("#send-kot").click()
    floor.wait_for_selector(".line.line-sent_to_kitchen >> nth=1")
    assert floor.locator(".line.line-pending").count() == 0

    table = rest("waiter").ok("GET", "/api/v1/pos/tables/3")
    order = rest("waiter").ok("GET", f"/api/v1/pos/orders/{table['current_order']['id']}")
    assert order["status"] == "kot"
    assert sorted((i["menu_item_id"], i["quantity"], i["status"]) for i in order["items"]) == [
        (3, 2, "sent_to_kitchen"),
        (16, 1, "sent_to_kitchen"),
    ]
    assert len(order["kots"]) == 2  # one per kitchen
    kitchen.wait_for_selector('.ticket:has-text("T3")', timeout=5000)
    tablet.assert_healthy()


def test_driver_moves_a_delivery_through_to_delivered(screens, rest):
    cashier = rest("cashier")
    order = cashier.ok(
        "POST",
        "/api/v1/pos/orders",
        {"order_type_id": 3, "customer_id": 10, "items": [PANEER], "notes": "Ring twice"},
    )
    cashier.ok("POST", f"/api/v1/pos/orders/{order['id']}/assign-driver", {"driver_id": 1})
    phone = screens("driver")
    page = phone.open("/driver/")
    card = page.locator(f'.delivery[data-order-id="{order["id"]}"]')
    card.wait_for()
    customer = rest("manager").ok("GET", "/api/v1/pos/customers/10")
    text = card.inner_text()
    assert customer["name"] in text and order["order_number"] in text and "Ring twice" in text
    assert card.locator("a.phone").get_attribute("href").startswith("tel:")
    assert "Collect" in text
    phone.shot("driver-1280x800")
    phone.assert_healthy()

    for action in ("picked_up", "out_for_delivery", "delivered"):
        card.locator(f'button[data-action="{action}"]').click()
        page.wait_for_selector(f'.delivery[data-order-id="{order["id"]}"][data-status="{action}"]')
    got = cashier.ok("GET", f"/api/v1/pos/orders/{order['id']}")
    assert got["delivery"]["status"] == "delivered"
    assert card.locator("button[data-action]").count() == 0

    # a new assignment appears live, without a reload
    second = cashier.ok(
        "POST", "/api/v1/pos/orders", {"order_type_id": 3, "customer_id": 10, "items": [CHAI]}
    )
    cashier.ok("POST", f"/api/v1/pos/orders/{second['id']}/assign-driver", {"driver_id": 1})
    page.locator(f'.delivery[data-order-id="{second["id"]}"]').wait_for(timeout=5000)


def _busy_kitchen(rest) -> dict:
    """A kitchen in full service: a late ticket, a warning one with an add-on, one cooking,
    one ready, and a void ticket taking back part of a ticket. Returns their KOTs."""
    from datetime import timedelta

    from django.utils import timezone

    from hub.models import Kot

    waiter = rest("waiter")
    chef = rest("chef")
    late = _send(waiter, _dine_in(waiter, 5, [PANEER, {"menu_item_id": 12, "quantity": 4}])["id"])
    warn_order = _dine_in(
        waiter,
        7,
        [
            {"menu_item_id": 6, "quantity": 2},
            {
                "menu_item_id": 11,
                "quantity": 1,
                "note": "Extra raita",
                "modifiers": [{"option_id": 4}],  # Portion: Full (CONTRACT 11, required)
            },
        ],
    )
    warn = _send(waiter, warn_order["id"])
    lines = waiter.ok("GET", f"/api/v1/pos/orders/{warn_order['id']}")["items"]
    waiter.ok(
        "PUT",
        f"/api/v1/pos/orders/{warn_order['id']}",
        {
            "items": [{"id": i["id"], "quantity": i["quantity"]} for i in lines]
            + [{"menu_item_id": 13, "quantity": 2}]
        },
    )
    addon = _send(waiter, warn_order["id"])
    ready = _send(waiter, _dine_in(waiter, 9, [{"menu_item_id": 3, "quantity": 1}])["id"])
    for status in ("in_kitchen", "food_ready"):
        chef.ok("PUT", f"/api/v1/pos/kot/{ready['id']}/status", {"status": status})
    void_order = _dine_in(
        waiter, 2, [{"menu_item_id": 7, "quantity": 3}, {"menu_item_id": 1, "quantity": 2}]
    )
    cooking = _send(waiter, void_order["id"])
    chef.ok("PUT", f"/api/v1/pos/kot/{cooking['id']}/status", {"status": "in_kitchen"})
    dal, samosa = waiter.ok("GET", f"/api/v1/pos/orders/{void_order['id']}")["items"]
    waiter.ok(
        "PUT",
        f"/api/v1/pos/orders/{void_order['id']}",
        {
            "items": [{"id": dal["id"], "quantity": 1}, {"id": samosa["id"], "quantity": 2}],
            "void_reason": "guest changed mind",
        },
    )
    now = timezone.now()
    Kot.objects.filter(pk=late["id"]).update(created_at=now - timedelta(minutes=26))
    Kot.objects.filter(pk=warn["id"]).update(created_at=now - timedelta(minutes=13))
    Kot.objects.filter(pk=addon["id"]).update(created_at=now - timedelta(minutes=4))
    return {"late": late, "warn": warn, "addon": addon, "ready": ready, "cooking": cooking}


def test_kitchen_shows_ages_add_ons_and_voids(screens, rest):
    kots = _busy_kitchen(rest)
    kds = screens("chef")
    page = kds.open("/kds/1/")
    page.wait_for_selector(".ticket.kind-void")

    def classes(key):
        return _card(page, kots[key]["id"]).get_attribute("class").split()

    assert "age-late" in classes("late") and "LATE" in _card(page, kots["late"]["id"]).inner_text()
    assert "age-warn" in classes("warn")
    assert (
        "age-ok" in classes("addon") and "ADD-ON" in _card(page, kots["addon"]["id"]).inner_text()
    )
    assert (
        "st-ready" in classes("ready") and "READY" in _card(page, kots["ready"]["id"]).inner_text()
    )
    cooking = _card(page, kots["cooking"]["id"]).inner_text()
    assert "COOKING" in cooking and "−2 VOID" in cooking
    void = page.locator(".ticket.kind-void")
    assert (
        "VOID" in void.inner_text()
        and "Takes back " + kots["cooking"]["kot_number"] in void.inner_text()
    )
    # arrival order, oldest first
    ids = page.eval_on_selector_all(".ticket", "cards => cards.map(c => Number(c.dataset.kotId))")
    assert ids[:3] == [kots["late"]["id"], kots["warn"]["id"], kots["addon"]["id"]]
    # all day: what is still to cook (not the ready ticket, not what was voided)
    rows = page.eval_on_selector_all(
        "#allday li",
        """rows => rows.map(r => [r.dataset.item, Number(r.querySelector('.allday-count').textContent),
                 (r.querySelector('.allday-options') || {}).textContent || ''])""",
    )
    allday = {name: count for name, count, _ in rows}
    # per option too: the biryani went out as a Full plate
    assert [options for name, _, options in rows if name == "Hyderabadi Biryani"] == ["Full 1"]
    assert "Full" in _card(page, kots["warn"]["id"]).locator(".mod").all_inner_texts()
    assert allday == {
        "Paneer Tikka": 2,
        "Butter Naan": 4,
        "Butter Chicken": 2,
        "Hyderabadi Biryani": 1,
        "Garlic Naan": 2,
        "Dal Makhani": 1,
        "Veg Samosa": 2,
    }
    kds.shot("kitchen-1280x800")
    kds.assert_healthy()

    # the void ticket is acknowledged with one tap and leaves the screen
    void.get_by_role("button").click()
    void.wait_for(state="detached", timeout=5000)


def test_kitchen_and_waiter_fit_a_phone(screens, rest):
    kots = _busy_kitchen(rest)
    kds = screens("chef", PHONE)
    page = kds.open("/kds/1/")
    page.wait_for_selector(".ticket.kind-void")
    kds.shot("kitchen-390x844")
    kds.assert_healthy()

    tablet = screens("waiter", PHONE)
    floor = tablet.open("/waiter/")
    floor.wait_for_selector(f'.ready-alert[data-kot-id="{kots["ready"]["id"]}"]')
    tablet.shot("waiter-390x844")
    tablet.assert_healthy()
    floor.locator('.table[data-table-id="7"]').click()
    floor.wait_for_selector(".order-number")
    tablet.shot("waiter-table-390x844")
    tablet.assert_healthy()


def test_waiter_floor_in_service(screens, rest):
    kots = _busy_kitchen(rest)
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.wait_for_selector(f'.ready-alert[data-kot-id="{kots["ready"]["id"]}"]')
    for table_id in (2, 5, 7, 9):
        assert (
            floor.locator(f'.table[data-table-id="{table_id}"]').get_attribute("data-status")
            == "occupied"
        )
    assert "FOOD READY" in floor.locator('.table[data-table-id="9"]').inner_text()
    floor.locator('.table[data-table-id="7"]').click()
    floor.wait_for_selector(".order-number")
    floor.locator('.menu-item[data-menu-item-id="17"]').click()
    tablet.shot("waiter-floor-1280x800")
    tablet.assert_healthy()


def test_when_the_network_goes_and_comes_back_both_missed_tickets_show_once(screens, rest):
    kds = screens("chef")
    page = kds.open("/kds/1/")
    page.evaluate("window.__notReloaded = true")
    # "Live" comes with the hello; the first REST load follows it. Go offline only once the
    # screen holds its state, else the reconnect is a first load, not a resume.
    page.wait_for_function("window.kds.socket.seq !== null && !window.kds.socket.loading")
    waiter = rest("waiter")

    kds.context.set_offline(True)  # the browser's network goes: the socket drops with it
    page.wait_for_selector('#conn[data-state="offline"]')
    first = _send(waiter, _dine_in(waiter, 8, [PANEER])["id"])
    second = _send(waiter, _dine_in(waiter, 10, [{"menu_item_id": 6, "quantity": 1}])["id"])
    time.sleep(1.0)  # backoff retries run meanwhile, and fail
    assert page.locator(".ticket").count() == 0

    kds.context.set_offline(False)  # "online": reconnect at once, resume from the last seq
    _card(page, first["id"]).wait_for(timeout=5000)
    _card(page, second["id"]).wait_for(timeout=5000)
    page.wait_for_selector('#conn[data-state="live"]')
    time.sleep(0.3)
    ids = page.eval_on_selector_all(".ticket", "cards => cards.map(c => Number(c.dataset.kotId))")
    assert ids == [first["id"], second["id"]]
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("window.kds.counters.newTickets") == 2
    kds.assert_healthy()


def test_an_item_the_kitchen_86s_greys_out_on_the_waiter_menu_live(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="11"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T11").click()
    paneer = floor.locator('.menu-item[data-menu-item-id="15"]')
    paneer.wait_for()
    assert paneer.is_enabled()

    rest("chef").ok("PUT", "/api/v1/pos/menu/items/15/availability", {"is_available": False})
    floor.wait_for_selector('.menu-item[data-menu-item-id="15"]:disabled', timeout=5000)
    assert "Unavailable" in paneer.inner_text()

    rest("chef").ok("PUT", "/api/v1/pos/menu/items/15/availability", {"is_available": True})
    floor.wait_for_selector('.menu-item[data-menu-item-id="15"]:enabled', timeout=5000)
    tablet.assert_healthy()


def test_a_cancelled_orders_ready_kot_leaves_the_kitchen_and_the_waiter_live_and_after_reload(
    screens, rest
):
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    waiter, chef = rest("waiter"), rest("chef")
    order = _dine_in(waiter, 7, [PANEER])
    kot = _send(waiter, order["id"])
    for status in ("in_kitchen", "food_ready"):
        chef.ok("PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": status})
    alert = floor.locator(f'.ready-alert[data-kot-id="{kot["id"]}"]')
    alert.wait_for(timeout=5000)
    table = floor.locator('.table[data-table-id="7"]')
    assert "FOOD READY" in table.inner_text()
    card = _card(kitchen, kot["id"])
    card.wait_for(timeout=5000)

    # the guest leaves: the manager cancels the order
    rest("manager").ok("POST", f"/api/v1/pos/orders/{order['id']}/cancel", {"reason": "left"})

    # live: the ready banner and badge go from the tablet, the ready card from the kitchen,
    # and the kitchen shows the cancellation ticket instead
    alert.wait_for(state="detached", timeout=5000)
    card.wait_for(state="detached", timeout=5000)
    kitchen.locator(".ticket.kind-cancellation").first.wait_for(timeout=5000)
    floor.wait_for_function(
        "() => !document.querySelector('.table[data-table-id=\"7\"]')"
        ".innerText.includes('FOOD READY')",
        timeout=5000,
    )
    assert "Served" not in floor.locator("#ready-alerts").inner_text()
    kds.shot("kitchen-after-cancel-1280x800")
    tablet.shot("waiter-after-cancel-1280x800")

    # and after a reload of both screens, nothing of it comes back
    floor.reload()
    floor.wait_for_selector('#conn[data-state="live"]')
    kitchen.reload()
    kitchen.wait_for_selector('#conn[data-state="live"]')
    assert floor.locator(f'.ready-alert[data-kot-id="{kot["id"]}"]').count() == 0
    assert "FOOD READY" not in floor.locator('.table[data-table-id="7"]').inner_text()
    assert _card(kitchen, kot["id"]).count() == 0
    tablet.assert_healthy()
    kds.assert_healthy()
