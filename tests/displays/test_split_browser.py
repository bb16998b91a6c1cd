"""Split bill on the waiter tablet (CONTRACT 12, docs/screens.md "Split bill"), in a real
Chromium against a real daphne: a four-line table order split in two by items from the
tablet, check 1 paid over REST and shown paid live beside check 2 still due, check 2's own bill
printed from the tablet, check 2 paid from a cashier's phone. Screenshots in var/screenshots/ (HUB_SCREENSHOT_DIR)."""

from __future__ import annotations

import pytest

from hub.models import PrintJob
from tests.printers.conftest import job_preview

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LINES = [
    {"menu_item_id": 15, "quantity": 2},  # Paneer Tikka
    {"menu_item_id": 16, "quantity": 1},  # Masala Chai
    {"menu_item_id": 6, "quantity": 1},  # Butter Chicken
    {"menu_item_id": 12, "quantity": 2},  # Butter Naan
]


def _check(page, number: int):
    return page.locator(f'.check[data-number="{number}"]')


def test_split_by_items_on_the_tablet_then_each_check_paid(screens, rest):
    waiter, cashier = rest("waiter"), rest("cashier")
    order = waiter.ok(
        "POST", "/api/v1/pos/orders", {"order_type_id": 1, "table_id": 5, "items": LINES}
    )
    waiter.ok("POST", f"/api/v1/pos/orders/{order['id']}/kot")
    paneer, chai, chicken, naan = (i["id"] for i in order["items"])

    tablet = screens("waiter")
    floor = tablet.open("/waiter/")
    floor.locator('.table[data-table-id="5"]').click()
    floor.wait_for_selector(".order-number")
    floor.locator("#split-bill").click()
    splitter = floor.locator(".splitter")
    splitter.wait_for()
    # every line starts on check 1; the chicken and both naans go to check 2
    floor.get_by_role("button", name="More Butter Chicken on check 2").click()
    for _ in range(2):
        floor.get_by_role("button", name="More Butter Naan on check 2").click()
    row = splitter.locator(f'tr[data-item-id="{naan}"]')
    assert row.locator('td[data-check="1"] .step-value').inner_text() == "0"
    assert row.locator('td[data-check="2"] .step-value').inner_text() == "2"
    tablet.shot("waiter-splitter-1280x800")
    tablet.assert_healthy()
    splitter.locator("#split-go").click()
    splitter.wait_for(state="detached", timeout=5000)

    # the checks are the hub's: what the tablet shows is GET /orders/{id}'s `checks`
    split = waiter.ok("GET", f"/api/v1/pos/orders/{order['id']}")
    one, two = split["checks"]
    assert [(p["item_id"], p["quantity"]) for p in one["items"]] == [(paneer, 2), (chai, 1)]
    assert [(p["item_id"], p["quantity"]) for p in two["items"]] == [(chicken, 1), (naan, 2)]
    for number, check in ((1, one), (2, two)):
        card = _check(floor, number)
        card.wait_for(timeout=5000)
        assert f"Check {number} of 2" in card.inner_text()
        assert f"{check['total']:.2f}" in card.locator(".check-total").inner_text()
        assert f"{check['balance_due']:.2f}" in card.locator(".check-due").inner_text()
        assert card.locator(".check-status").inner_text() == "DUE"
        assert card.locator(".check-pay").count() == 0  # a waiter takes no payment
    assert "Butter Chicken" in _check(floor, 2).locator(".check-items").inner_text()
    assert floor.locator("#unsplit").count() == 1  # nothing paid yet: one bill again is allowed
    tablet.shot("waiter-split-1280x800")

    # check 1 is paid at the counter (REST): the tablet shows it paid, live
    cashier.ok(
        "POST",
        f"/api/v1/pos/orders/{order['id']}/payment",
        {"payment_method": "card", "amount": one["total"], "check_id": one["id"]},
    )
    floor.wait_for_function(
        "() => (document.querySelector('.check[data-number=\"1\"] .check-status') || {})"
        ".textContent === 'PAID'",
        timeout=5000,
    )
    assert _check(floor, 2).locator(".check-status").inner_text() == "DUE"
    assert f"{two['balance_due']:.2f}" in _check(floor, 2).locator(".check-due").inner_text()
    # a check is paid: the split and the lines are frozen, so the hub offers neither
    floor.locator("#unsplit").wait_for(state="detached", timeout=5000)
    assert floor.locator("#split-bill").count() == 0
    assert floor.locator(".menu").count() == 0
    # the guests of check 2 ask for their bill: it prints alone, headed Check 2 of 2
    jobs_before = set(PrintJob.objects.filter(kind="bill").values_list("id", flat=True))
    _check(floor, 2).get_by_role("button", name="Print check 2").click()
    floor.get_by_text("Check 2 sent to Receipt Printer").wait_for(timeout=5000)
    (job,) = PrintJob.objects.filter(kind="bill").exclude(id__in=jobs_before)
    paper = job_preview(job)
    assert "Check 2 of 2" in paper and f"{two['total']:.2f}" in paper
    assert "Butter Chicken" in paper and "Paneer Tikka" not in paper
    tablet.shot("waiter-split-paid-1280x800")
    tablet.assert_healthy()

    # the cashier's phone pays check 2 by cash: the order is paid
    phone = screens("cashier", PHONE)
    till = phone.open("/waiter/")
    till.locator('.table[data-table-id="5"]').click()
    pay = _check(till, 2).locator('.check-pay button[data-method="cash"]')
    pay.wait_for(timeout=5000)
    assert _check(till, 1).locator(".check-pay").count() == 0  # paid: nothing to take
    phone.shot("waiter-split-cashier-390x844")
    phone.assert_healthy()
    pay.click()
    till.wait_for_function(
        "() => (document.querySelector('.check[data-number=\"2\"] .check-status') || {})"
        ".textContent === 'PAID' || !document.querySelector('.check')",
        timeout=5000,
    )
    paid = cashier.ok("GET", f"/api/v1/pos/orders/{order['id']}")
    assert (paid["status"], paid["payment_status"]) == ("paid", "paid")
    assert [c["payment_status"] for c in paid["checks"]] == ["paid", "paid"]
    phone.assert_healthy()
