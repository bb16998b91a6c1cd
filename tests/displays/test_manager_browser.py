"""The manager screen (/manager/, CONTRACT 19; docs/screens.md "Manager") in headless
Chromium against a real daphne: today's figures move live when an order is paid over
REST, the shift is opened and closed on the screen, and the Z report shows.

Screenshots land in $HUB_VAR_DIR (else var/shifts/) for a person to look at.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tests.liveserver import ROOT

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SHOTS = ROOT / os.environ.get("HUB_VAR_DIR", "var/shifts")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _paid_takeaway(cashier, quantity: int, tendered: float) -> dict:
    order = cashier.ok(
        "POST",
        "/api/v1/pos/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": quantity}]},
    )
    return cashier.ok(
        "POST",
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "cash", "amount": tendered},
    )


def test_the_day_moves_live_and_the_shift_closes_into_its_z_report(screens, rest):
    cashier = rest("cashier")
    _paid_takeaway(cashier, 2, 27.28)  # before any shift: today's sales, no shift's
    screen = screens("manager")
    page = screen.open("/manager/")
    page.wait_for_selector("#today-total:has-text('27.28')")
    assert page.inner_text("#today-orders") == "1"
    assert "27.28" in page.inner_text("#hours .bar-value")  # one hour's bar so far
    page.wait_for_selector("#open-form:not([hidden])")
    assert page.is_hidden("#close-form")  # no shift: only "Open shift" is offered

    page.fill("#opening-float", "1000")
    page.click("#open-form button[type=submit]")
    page.wait_for_selector("#close-form:not([hidden])")
    page.wait_for_selector("[data-figure=expected] dd:has-text('1,000.00')")

    # a cashier takes 50.00 cash for 27.28 over REST: the screen follows by itself
    _paid_takeaway(cashier, 2, 50)
    page.wait_for_selector("#today-total:has-text('54.56')", timeout=5000)
    assert page.inner_text("#today-average") == "₹27.28"  # the report's average_ticket
    page.wait_for_selector("[data-figure=expected] dd:has-text('1,027.28')", timeout=5000)
    assert "22.72" in page.inner_text("[data-figure=change_given]")
    # the chart moved with it: the hour's bar now holds both orders (or a new hour's
    # bar the second, when the payment fell in the next hour)
    bars = page.locator("#hours .bar-value")
    page.wait_for_function(
        """() => [...document.querySelectorAll('#hours .bar-value')]
             .some(b => /54\\.56/.test(b.textContent)) ||
           document.querySelectorAll('#hours .bar-row').length === 2""",
        timeout=5000,
    )
    assert bars.count() in (1, 2)
    assert "Paneer Tikka" in page.inner_text("#items")
    _shot(page, "manager-x-report-1280x800")
    screen.assert_healthy()

    page.fill("#counted-cash", "1020")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#z-report:not([hidden])")
    z = page.inner_text("#z-report")
    assert "Z report 1" in z and "1,020.00" in z
    assert "-" in page.inner_text("[data-figure=difference] dd")  # short by 7.28
    assert "7.28" in page.inner_text("#z-report [data-figure=difference] dd")
    page.wait_for_selector("#open-form:not([hidden])")  # the next shift may open
    page.click("#print-z")
    page.wait_for_selector("#toast:has-text('receipt printer')")
    # the audit register has the close (with the difference); filtered, only that
    page.wait_for_selector("#audit tr[data-kind=shift_close]")
    assert "7.28" in page.inner_text("#audit tr[data-kind=shift_close]")
    page.select_option("#audit-kind", "refund")
    page.wait_for_selector("#audit tr:has-text('Nothing recorded')")
    page.select_option("#audit-kind", "")
    page.wait_for_selector("#audit tr[data-kind=shift_close]")
    _shot(page, "manager-z-report-1280x800")
    screen.assert_healthy()

    from hub.models import PrintJob, Shift

    closed = Shift.objects.get(z_number=1)
    assert closed.report["cash"]["difference"] == "-7.28"
    assert PrintJob.objects.filter(kind="shift_report").count() == 1


def test_the_manager_screen_fits_a_phone(screens, rest):
    _paid_takeaway(rest("cashier"), 1, 13.63)
    screen = screens("manager", viewport=PHONE)
    page = screen.open("/manager/")
    page.wait_for_selector("#today-total:has-text('13.63')")
    _shot(page, "manager-390x844")
    screen.assert_healthy()


def test_a_manager_signing_in_lands_on_the_manager_screen(screens, live_hub):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from hub.models import Staff

    # The test run hashes with MD5 for speed; the live server knows only the real hashers.
    Staff.objects.filter(username="manager").update(
        password=PBKDF2PasswordHasher().encode("demo1234", "screens-test-salt")
    )
    screen = screens(None)
    page = screen.open("/", live=False)
    page.fill("#username", "manager")
    page.fill("#password", "demo1234")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_hub + "/manager/")
    page.wait_for_selector('#conn[data-state="live"]')
    assert page.locator("a[href='/waiter/']").count() == 1  # and a way to the floor
    screen.assert_healthy()


def _paid_on(day, quantity: int) -> None:
    """An order opened and paid on an earlier business day, through the services with
    the clock at 13:00 of that day in Kolkata (the live server has only today's)."""
    from hub.services.orders import ItemInput
    from tests.given import order_given

    at = datetime.combine(day, time(13), tzinfo=ZoneInfo("Asia/Kolkata"))
    with mock.patch("django.utils.timezone.now", return_value=at):
        order_given(status="paid", items=[ItemInput(menu_item_id=15, quantity=quantity)])


def test_the_manager_picks_business_days_and_the_hub_answers_their_figures(
    screens, rest, transactional_demo
):
    from hub.services.clock import outlet_today

    today = outlet_today(transactional_demo)
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    _paid_on(yesterday, 2)  # 25.98 + 0.65 + 0.65 = 27.28
    _paid_on(before, 1)  # 12.99 + 0.32 + 0.32 = 13.63
    _paid_on(before, 1)
    _paid_takeaway(rest("cashier"), 3, 40.92)  # today: 38.97 + 0.97 + 0.97 = 40.91
    page = screens("manager").open("/manager/")
    page.wait_for_selector("#today-total:has-text('40.91')")
    assert page.inner_text("#range-label") == "Today" and page.is_hidden("#range-today")

    # the two days before today: 27.28 + 2 x 13.63, the average the hub's (54.54 / 3)
    page.fill("#range-from", before.isoformat())
    page.fill("#range-to", yesterday.isoformat())
    page.click("#range-form button[type=submit]")
    page.wait_for_selector("#today-total:has-text('54.54')")
    assert page.inner_text("#today-orders") == "3"
    assert "18.18" in page.inner_text("#today-average")
    assert page.inner_text("#range-label") == f"{before} – {yesterday}"
    assert "Paneer Tikka" in page.inner_text("#items")
    assert page.locator("#hours .bar-row").count() == 1  # all paid at 13:00
    assert "(" + f"{before} – {yesterday}" + ")" in page.inner_text("#audit-title")
    _shot(page, "manager-range-1280x800")

    # one day alone
    page.fill("#range-from", yesterday.isoformat())
    page.fill("#range-to", yesterday.isoformat())
    page.click("#range-form button[type=submit]")
    page.wait_for_selector("#today-total:has-text('27.28')")
    assert page.inner_text("#range-label") == yesterday.isoformat()

    # a range the hub refuses: its words, no stale figures
    page.fill("#range-from", today.isoformat())
    page.fill("#range-to", before.isoformat())
    page.click("#range-form button[type=submit]")
    page.wait_for_selector("#reports-note:not([hidden])")
    assert "before from" in page.inner_text("#reports-note")
    assert page.inner_text("#today-total") == "–"
    _shot(page, "manager-range-refused-1280x800")

    page.click("#range-today")
    page.wait_for_selector("#today-total:has-text('40.91')")
    assert page.is_hidden("#reports-note") and page.is_hidden("#range-today")
