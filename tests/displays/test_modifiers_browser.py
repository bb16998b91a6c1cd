"""Modifiers on the screens (CONTRACT 11, docs/screens.md "Modifier chooser"), in a real
Chromium against a real daphne: the waiter's chooser, refused by the hub on the group it
names, the line with its option and note on the kitchen screen, and an option sold out
greying out live. Screenshots in var/screenshots/ (HUB_SCREENSHOT_DIR)."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

BIRYANI, PORTION, HALF, FULL = 11, 2, 3, 4


def _size(viewport: dict) -> str:
    return f"{viewport['width']}x{viewport['height']}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=_size)
def test_waiter_chooses_a_portion_and_the_kitchen_reads_it(screens, rest, viewport):
    kds = screens("chef", viewport)
    kitchen = kds.open("/kds/1/")
    tablet = screens("waiter", viewport)
    floor = tablet.open("/waiter/")
    size = _size(viewport)

    floor.locator('.table[data-table-id="4"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T4").click()
    floor.wait_for_selector(".order-number")

    # the biryani has a group: tapping it opens the chooser, drawn from GET /menu
    floor.locator(f'.menu-item[data-menu-item-id="{BIRYANI}"]').click()
    chooser = floor.locator(".chooser")
    chooser.wait_for()
    group = chooser.locator(f'.mod-group[data-group-id="{PORTION}"]')
    assert "Portion" in group.inner_text() and "Choose 1 · required" in group.inner_text()
    assert "+" in group.locator(f'[data-option-id="{FULL}"]').inner_text()  # +₹6.00

    # added without a portion: the hub refuses (422 modifier_rule, error.group 2), shown
    # on the Portion group, and nothing is added
    chooser.locator("#chooser-add").click()
    group.locator(".group-error").wait_for(timeout=5000)
    assert "has-error" in group.get_attribute("class")
    assert "Portion" in group.locator(".group-error").inner_text()
    assert floor.locator(".line").count() == 0
    tablet.shot(f"waiter-chooser-refused-{size}")
    tablet.assert_healthy()

    # Full, a note, added: the line comes back from the hub with its option and price
    group.locator(f'[data-option-id="{FULL}"]').click()
    assert group.locator(f'[data-option-id="{FULL}"]').get_attribute("aria-pressed") == "true"
    assert group.locator(".group-error").count() == 0
    chooser.locator("#chooser-note").fill("less oil")
    tablet.shot(f"waiter-chooser-{size}")
    chooser.locator("#chooser-add").click()
    chooser.wait_for(state="detached", timeout=5000)
    line = floor.locator(".line.line-pending")
    line.wait_for(timeout=5000)
    assert "Full" in line.locator(".line-mods").inner_text()
    assert "less oil" in line.inner_text()
    order_id = floor.evaluate("window.waiter.state.tables[4].orderId") or None
    table = rest("waiter").ok("GET", "/api/v1/pos/tables/4")
    order = rest("waiter").ok("GET", f"/api/v1/pos/orders/{table['current_order']['id']}")
    assert order_id in (None, order["id"])
    (item,) = order["items"]
    assert (item["menu_item_id"], item["note"], [m["option_id"] for m in item["modifiers"]]) == (
        BIRYANI,
        "less oil",
        [FULL],
    )
    # the line and the header show the hub's figures, before anything is sent
    assert f"{item['line_total']:.2f}" in line.locator(".line-price").inner_text()
    assert f"{order['total']:.2f}" in floor.locator(".order-total").inner_text()
    tablet.shot(f"waiter-chooser-added-{size}")

    # sent: the kitchen reads "1× Hyderabadi Biryani / Full / less oil", live
    floor.locator("#send-kot").click()
    floor.wait_for_selector(".line.line-sent_to_kitchen")
    card = kitchen.locator('.ticket:has-text("T4")')
    card.wait_for(timeout=5000)
    row = card.locator(".item").first
    assert row.locator(".qty").inner_text() == "1×"
    assert row.locator(".name").inner_text() == "Hyderabadi Biryani"
    assert row.locator(".mod").all_inner_texts() == ["Full"]
    assert row.locator(".note").inner_text() == "less oil"
    allday = kitchen.locator('#allday li[data-item="Hyderabadi Biryani"]')
    assert allday.locator(".allday-options").inner_text() == "Full 1"
    kds.shot(f"kitchen-modifiers-{size}")
    kds.assert_healthy()
    tablet.assert_healthy()


def test_an_option_sold_out_greys_out_in_the_open_chooser_live(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="6"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T6").click()
    floor.locator('.menu-item[data-menu-item-id="15"]').click()  # Paneer Tikka: Extras
    mint = floor.locator('.chooser .option[data-option-id="2"]')
    mint.wait_for()
    assert mint.is_enabled() and "Optional · up to 2" in floor.locator(".chooser").inner_text()

    # the kitchen runs out of mint chutney while the waiter types a note: the open chooser
    # greys it, without a reload, and the note keeps its text and the caret
    floor.locator("#chooser-note").type("no onion")
    rest("chef").ok("PUT", "/api/v1/pos/menu/options/2/availability", {"is_available": False})
    floor.wait_for_selector('.chooser .option[data-option-id="2"]:disabled', timeout=5000)
    assert "Sold out" in mint.inner_text()
    assert floor.evaluate("document.activeElement.id") == "chooser-note"
    assert floor.locator("#chooser-note").input_value() == "no onion"
    assert floor.locator('.chooser .option[data-option-id="1"]').is_enabled()
    tablet.shot("waiter-chooser-sold-out-1280x800")

    rest("chef").ok("PUT", "/api/v1/pos/menu/options/2/availability", {"is_available": True})
    floor.wait_for_selector('.chooser .option[data-option-id="2"]:enabled', timeout=5000)
    # Extra cheese and mint chutney together, within the group's max of 2
    mint.click()
    floor.locator('.chooser .option[data-option-id="1"]').click()
    floor.locator("#chooser-add").click()
    floor.locator(".chooser").wait_for(state="detached", timeout=5000)
    line = floor.locator(".line.line-pending")
    assert line.locator(".line-mods").inner_text() == "Extra cheese, Mint chutney"
    assert "no onion" in line.inner_text()
    tablet.assert_healthy()
