"""The admin as a manager uses it, in a real Chromium against a real daphne, and what it
changes reaching the waiter tablet live (docs/admin.md, docs/screens.md).

Screenshots of what the manager sees go to var/screenshots/admin-*.png.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from hub.models import Event, MenuItem, Staff

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PRICE = '.menu-item[data-menu-item-id="15"] .menu-price'


def sign_in_to_admin(screen, base: str, username: str):
    page = screen.page
    page.goto(base + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo1234")
    page.click('#login-form input[type="submit"]')
    page.wait_for_url(base + "/admin/")
    return page


def test_a_price_changed_in_the_admin_reaches_the_waiter_tablet_live(screens, rest, live_hub):
    # The test run hashes with MD5 for speed; the live server knows only the real hashers.
    Staff.objects.filter(username="manager").update(
        password=PBKDF2PasswordHasher().encode("demo1234", "admin-live-test-salt")
    )
    # given a waiter's tablet showing an open table's menu, Paneer Tikka at 12.99
    rest("waiter").ok(
        "POST",
        "/api/v1/pos/orders",
        {"order_type_id": 1, "table_id": 6, "items": [{"menu_item_id": 16, "quantity": 1}]},
    )
    tablet = screens("waiter")
    page = tablet.open("/waiter/")
    page.click('.table[data-table-id="6"]')
    page.wait_for_selector(PRICE)
    assert "12.99" in page.locator(PRICE).inner_text()
    page.evaluate("window.__sameDocument = true")  # gone if the tablet reloaded

    # when the manager signs in to the admin and changes the price
    office = screens(None)
    admin = sign_in_to_admin(office, live_hub, "manager")
    assert "DesiBits Demo" in admin.locator("#site-name").inner_text()
    office.shot("admin-index")
    admin.goto(live_hub + "/admin/hub/printer/")
    admin.select_option('select[name="action"]', "print_test_page")
    office.shot("admin-printers")
    admin.check('input[name="_selected_action"][value="1"]')
    admin.click('button[name="index"]')  # "Go"
    admin.wait_for_selector("ul.messagelist li.success")
    assert "Test page queued for Kitchen Printer" in admin.locator("ul.messagelist").inner_text()
    office.shot("admin-printers-test-page")
    admin.goto(live_hub + "/admin/hub/menuitem/15/change/")
    admin.fill("#id_price", "13.49")
    office.shot("admin-menu-item")
    office.assert_healthy()
    admin.click('input[name="_save"]')
    saved = time.monotonic()
    admin.wait_for_selector("ul.messagelist li.success")

    # then the tablet shows the new price within two seconds, without a reload
    page.wait_for_function(
        f"document.querySelector('{PRICE}').textContent.includes('13.49')", timeout=2000
    )
    took = time.monotonic() - saved
    assert page.evaluate("window.__sameDocument === true")
    tablet.shot("waiter-price-from-admin-1280x800")
    assert MenuItem.objects.get(pk=15).price == Decimal("13.49")
    assert Event.objects.filter(type="menu.item_changed", stream="orders.1").count() == 1
    assert took < 2
    tablet.assert_healthy()
