"""The waiter tablet shows the hub's prices before anything is sent (CONTRACT 11, issue
15; docs/screens.md "Waiter tablet"), in a real Chromium against a real daphne: each tap
is saved at once and comes back priced, the header's running total is the order's, the
chooser's price follows the options as they are picked (POST /menu/items/{id}/price), and
a sent line taken back with a reason reaches the kitchen screen as a void ticket.
Screenshots in HUB_SCREENSHOT_DIR (default var/screenshots/)."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

CHICKEN_65, PANEER, EXTRAS, CHEESE, MINT = 3, 15, 1, 1, 2
BASE = "/api/v1/pos"


def _order_of_table(rest, table_id: int) -> dict:
    waiter = rest("waiter")
    current = waiter.ok("GET", f"{BASE}/tables/{table_id}")["current_order"]
    return waiter.ok("GET", f"{BASE}/orders/{current['id']}")


def _money(value) -> str:
    return f"{value:.2f}"


def _size(viewport: dict) -> str:
    return f"{viewport['width']}x{viewport['height']}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=_size)
def test_unsent_lines_are_priced_the_total_runs_and_a_sent_line_is_voided(screens, rest, viewport):
    size = _size(viewport)
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")
    tablet = screens("waiter", viewport)
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="5"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T5").click()
    floor.wait_for_selector(".order-number")
    assert floor.locator(".order-total").inner_text().endswith("0.00")

    # a plain tap is a line at once, priced by the hub; the header is the order's total
    floor.locator(f'.menu-item[data-menu-item-id="{CHICKEN_65}"]').click()
    line = floor.locator(".line.line-pending").first
    line.wait_for(timeout=5000)
    floor.get_by_role("button", name="One more Chicken 65").click()
    floor.wait_for_selector('.line.line-pending .qty:text-is("2×")', timeout=5000)
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    order = _order_of_table(rest, 5)
    (chicken,) = order["items"]
    assert (chicken["quantity"], chicken["status"]) == (2, "pending")
    assert order["total"] > 0
    assert _money(chicken["line_total"]) in line.locator(".line-price").inner_text()
    assert _money(order["total"]) in floor.locator(".order-total").inner_text()

    # the chooser's price is the hub's quote, following each pick
    floor.locator(f'.menu-item[data-menu-item-id="{PANEER}"]').click()
    chooser = floor.locator(".chooser")
    price = chooser.locator("#chooser-price")
    floor.wait_for_selector('#chooser-price[aria-busy="false"]')
    assert "12.99" in price.inner_text()
    group = chooser.locator(f'.mod-group[data-group-id="{EXTRAS}"]')
    group.locator(f'[data-option-id="{CHEESE}"]').click()
    floor.wait_for_selector('#chooser-price:has-text("14.49")', timeout=5000)
    group.locator(f'[data-option-id="{MINT}"]').click()
    floor.wait_for_selector('#chooser-price:has-text("14.99")', timeout=5000)
    quote = rest("waiter").ok(
        "POST",
        f"{BASE}/menu/items/{PANEER}/price",
        {"modifiers": [{"option_id": CHEESE}, {"option_id": MINT}]},
    )
    assert _money(quote["unit_price"]) in price.inner_text()
    tablet.shot(f"waiter-chooser-price-{size}")
    group.locator(f'[data-option-id="{MINT}"]').click()  # taken off again: back to 14.49
    floor.wait_for_selector('#chooser-price:has-text("14.49")', timeout=5000)
    chooser.locator("#chooser-add").click()
    chooser.wait_for(state="detached", timeout=5000)
    floor.wait_for_selector(".line.line-pending >> nth=1")
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    order = _order_of_table(rest, 5)
    assert [(i["name"], i["line_total"]) for i in order["items"]] == [
        ("Chicken 65", chicken["line_total"]),
        ("Paneer Tikka", 14.49),
    ]
    assert _money(order["total"]) in floor.locator(".order-total").inner_text()
    assert floor.locator("#send-kot").is_enabled()
    tablet.shot(f"waiter-unsent-priced-{size}")

    # sent; then one of the two Chicken 65 is taken back, with a reason
    floor.locator("#send-kot").click()
    floor.wait_for_selector(".line.line-sent_to_kitchen >> nth=1", timeout=5000)
    kitchen.wait_for_selector('.ticket:has-text("T5"):has-text("Chicken 65")', timeout=5000)
    sent_total = _order_of_table(rest, 5)["total"]
    floor.get_by_role("button", name="Void Chicken 65").click()
    voider = floor.locator(".voider")
    voider.wait_for()
    go = voider.locator("#void-go")
    assert go.is_disabled()  # the tablet asks why first
    voider.locator("#void-reason").fill("guest changed mind")
    assert go.is_enabled() and go.inner_text() == "Void 1"
    tablet.shot(f"waiter-void-dialog-{size}")
    go.click()
    voider.wait_for(state="detached", timeout=5000)
    floor.wait_for_selector(".line.line-void", timeout=5000)

    order = _order_of_table(rest, 5)
    kept = next(i for i in order["items"] if i["name"] == "Chicken 65" and i["status"] != "void")
    void = next(i for i in order["items"] if i["status"] == "void")
    assert (kept["quantity"], void["quantity"], void["void_reason"]) == (
        1,
        1,
        "guest changed mind",
    )
    assert order["total"] < sent_total
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    assert _money(order["total"]) in floor.locator(".order-total").inner_text()
    assert "guest changed mind" in floor.locator(".line.line-void").inner_text()
    # the kitchen gets the void ticket, live, with the reason
    ticket = kitchen.locator('.ticket.kind-void:has-text("Chicken 65")')
    ticket.wait_for(timeout=5000)
    assert "guest changed mind" in ticket.inner_text()
    void_kot = next(k for k in order["kots"] if k.get("kind") == "void")
    assert void_kot["kot_number"] in ticket.inner_text()
    tablet.shot(f"waiter-after-void-{size}")
    kds.shot("kitchen-void-ticket-1280x800")  # the kitchen screen is always 1280x800 here
    tablet.assert_healthy()
    kds.assert_healthy()


def test_a_tap_is_kept_when_the_tablet_reloads_before_sending(screens, rest):
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="7"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T7").click()
    floor.wait_for_selector(".order-number")
    floor.locator(f'.menu-item[data-menu-item-id="{CHICKEN_65}"]').click()
    floor.wait_for_selector(".line.line-pending", timeout=5000)
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    # the tablet drops (a reload): the line is the hub's, so it is still there
    floor.reload()
    floor.locator('.table[data-table-id="7"]').click()
    floor.wait_for_selector(".line.line-pending", timeout=5000)
    assert [i["name"] for i in _order_of_table(rest, 7)["items"]] == ["Chicken 65"]
    tablet.assert_healthy()


def test_a_tap_on_an_order_changed_elsewhere_is_rebuilt_on_the_fresh_order(screens, rest):
    """The tablet's copy is stale (its sockets are down, so it did not hear the cashier's
    change): its PUT answers 409 version_conflict, and the tap is built again on the order
    re-read and sent once more; neither change is lost."""
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="8"]').click()
    floor.fill("#guests", "2")
    floor.get_by_role("button", name="Open T8").click()
    floor.wait_for_selector(".order-number")
    floor.locator(f'.menu-item[data-menu-item-id="{CHICKEN_65}"]').click()
    floor.wait_for_selector(".line.line-pending", timeout=5000)
    floor.wait_for_selector('.order-total[aria-busy="false"]')

    floor.evaluate("HubSocket.all.forEach(s => s.hold())")  # hears nothing from now on
    order = _order_of_table(rest, 8)
    cashier = rest("cashier")
    cashier.ok(
        "PUT",
        f"{BASE}/orders/{order['id']}",
        {
            "items": [{"id": i["id"], "quantity": i["quantity"]} for i in order["items"]]
            + [{"menu_item_id": 7, "quantity": 1}],  # Dal Makhani, from the till
            "version": order["version"],
        },
    )
    floor.get_by_role("button", name="One more Chicken 65").click()
    floor.wait_for_selector('.line.line-pending:has-text("Dal Makhani")', timeout=5000)
    floor.wait_for_selector('.order-total[aria-busy="false"]')
    after = _order_of_table(rest, 8)
    assert sorted((i["name"], i["quantity"]) for i in after["items"]) == [
        ("Chicken 65", 2),
        ("Dal Makhani", 1),
    ]
    assert after["version"] == order["version"] + 2
    assert _money(after["total"]) in floor.locator(".order-total").inner_text()
    floor.evaluate("HubSocket.all.forEach(s => s.release())")
    tablet.assert_healthy()
