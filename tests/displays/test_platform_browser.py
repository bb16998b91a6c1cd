"""Delivery platform orders on the screens (CONTRACT 16; docs/screens.md "Waiter tablet",
"Kitchen display"), and money in the outlet's locale (CONTRACT 17; "Money on screens").

Real signed intakes posted to a real daphne; a cashier's tablet accepts one and rejects
another with the buttons the hub offers (`allowed_actions`); the kitchen screen shows the
accepted order's tickets as "SWIGGY #<ref>". Screenshots land in var/screenshots/
(HUB_SCREENSHOT_DIR).
"""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal

import pytest

from hub.secrets import signature_of

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SECRET = "demo-swiggy-secret"


def _intake(base: str, ref: str) -> dict:
    """POST one signed Swiggy order to the live hub, as the platform does."""
    raw = json.dumps(
        {
            "outlet_code": "001",
            "platform_order_ref": ref,
            "customer": {"name": "Neha Joshi", "phone": "+91 98450 11111"},
            "items": [
                {"platform_item_code": "SWG-15", "quantity": 2},
                {"platform_item_code": "SWG-16", "quantity": 1},
            ],
        }
    ).encode()
    request = urllib.request.Request(
        base + "/api/v1/integrations/platforms/swiggy/orders", data=raw, method="POST"
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Hub-Signature", signature_of(SECRET, raw))
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())["data"]


def test_a_cashier_accepts_and_rejects_waiting_platform_orders_and_the_kitchen_sees_the_ref(
    screens, rest, live_hub
):
    from hub.models import Kot, Order, Outlet

    Outlet.objects.filter(pk=1).update(auto_accept_platform_orders=False)
    first = _intake(live_hub, "SWG-88001")
    second = _intake(live_hub, "SWG-88002")
    kds = screens("chef")
    kitchen = kds.open("/kds/1/")
    tablet = screens("cashier")
    floor = tablet.open("/waiter/")
    strip = floor.locator("#platform-orders")
    card = strip.locator(f'.platform-order[data-order-id="{first["order_id"]}"]')
    card.wait_for(timeout=5000)
    assert strip.locator(".platform-order").count() == 2
    text = card.inner_text()
    assert "SWIGGY #SWG-88001" in text and first["order_number"] in text
    assert "2× Paneer Tikka" in text and "Neha Joshi" in text
    total = Order.objects.get(pk=first["order_id"]).total
    assert f"₹{total:,.2f}" in text  # under a lakh en_IN groups like this
    floor.wait_for_selector(".table")  # the floor under the strip
    tablet.shot("waiter-platform-orders-1280x800")

    # a later intake appears live (order.created on the orders stream)
    third = _intake(live_hub, "SWG-88003")
    strip.locator(f'.platform-order[data-order-id="{third["order_id"]}"]').wait_for(timeout=5000)

    card.locator('button[data-action="accept"]').click()
    card.wait_for(state="detached", timeout=5000)
    assert Order.objects.get(pk=first["order_id"]).status == "kot"
    (kot,) = Kot.objects.filter(order_id=first["order_id"], kitchen_id=1)
    ticket = kitchen.locator(f'.ticket[data-kot-id="{kot.pk}"]')
    ticket.wait_for(timeout=5000)
    assert ticket.locator(".ticket-platform").inner_text() == "SWIGGY #SWG-88001"
    kds.shot("kitchen-platform-ticket-1280x800")

    other = strip.locator(f'.platform-order[data-order-id="{second["order_id"]}"]')
    other.locator('button[data-action="reject"]').click()
    other.locator("input.reject-reason").fill("Out of paneer")
    tablet.shot("waiter-platform-reject-1280x800")
    other.locator('form.reject-form button[type="submit"]').click()
    other.wait_for(state="detached", timeout=5000)
    rejected = Order.objects.get(pk=second["order_id"])
    assert rejected.status == "cancelled" and rejected.cancel_reason == "Out of paneer"
    tablet.assert_healthy()
    kds.assert_healthy()

    # a waiter may neither accept nor reject: no strip at all
    waiter = screens("waiter")
    page = waiter.open("/waiter/")
    page.wait_for_timeout(500)
    assert page.locator("#platform-orders").is_hidden()
    assert page.locator(".platform-order").count() == 0


def test_the_screens_write_money_as_the_bills_do_in_the_outlets_locale(screens):
    """en_IN: the lakh grouping and the rupee sign, the same text Babel prints on paper."""
    from hub.money_text import currency_symbol, money_text

    tablet = screens("waiter")
    page = tablet.open("/waiter/")
    values = ["0", "4.72", "1234.50", "123456.78", "1234567", "10000000.05"]
    shown = page.evaluate("(vs) => vs.map((v) => window.Hub.money(v, 'INR'))", values)
    paper = [currency_symbol("INR", "en_IN") + money_text(Decimal(v), "en_IN") for v in values]
    assert shown == paper, (shown, paper)
    assert shown[4] == "₹12,34,567.00"
    assert page.evaluate("window.Hub.outletLocale()") == "en-IN"
    # the floor's order totals go through the same function
    assert (
        page.locator(".table-order").count() == 0
        or "₹" in page.locator(".table-order").first.inner_text()
    )


def test_the_waiter_prints_the_bill_and_the_tablet_shows_its_upi_qr(screens, rest):
    """CONTRACT 17: after "Print bill" the tablet shows the QR of the bill just printed;
    read back from the screenshot as a guest's phone would, it is the order's upi_uri."""
    import io

    import zxingcpp
    from PIL import Image

    waiter = rest("waiter")
    order = waiter.ok(
        "POST",
        "/api/v1/pos/orders",
        {"order_type_id": 1, "table_id": 5, "items": [{"menu_item_id": 15, "quantity": 2}]},
    )
    waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/kot")
    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="5"]').click()
    floor.wait_for_selector("#print-bill")
    assert floor.locator(".upi-qr").count() == 0  # nothing shown before the bill is printed
    floor.locator("#print-bill").click()
    figure = floor.locator(".upi-qr")
    figure.wait_for(timeout=5000)
    fresh = waiter.ok("GET", f"/api/v1/pos/orders/{order['id']}")
    assert "Scan to pay" in figure.inner_text()
    assert f"₹{fresh['balance_due']:,.2f}" in figure.inner_text()
    shot = figure.locator("img").screenshot()
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert code.text == fresh["upi_uri"]
    tablet.shot("waiter-bill-upi-qr-1280x800")
    tablet.assert_healthy()
    figure.locator("button").click()  # Done
    figure.wait_for(state="detached", timeout=5000)
