"""Printed tickets carry each line's options (CONTRACT 11), and a split bill prints one
check at a time (CONTRACT 12): POST /orders/{id}/print-bill {"check_id"}. Through REST, as
a POS calls it; what the paper says is read from the job's rendered preview."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hub.models import Kot, Outlet, PrintJob

from .conftest import job_preview, use_network_printer
from .test_render import paper_text

BASE = "/api/v1/pos"

# CONTRACT 11's worked example: Hyderabadi Biryani, Full (option 4), with a note, and
# Paneer Tikka with Extra cheese (option 1): 35.98 + CGST 0.90 + SGST 0.90 = 37.78.
ITEMS = [
    {"menu_item_id": 11, "quantity": 1, "note": "less oil", "modifiers": [{"option_id": 4}]},
    {"menu_item_id": 15, "quantity": 1, "modifiers": [{"option_id": 1}]},
]


def _order(client) -> dict:
    created = client.post(f"{BASE}/orders", {"order_type_id": 2, "items": ITEMS}, format="json")
    assert created.status_code == 201, created.json()
    return client.get(f"{BASE}/orders/{created.json()['data']['id']}").json()["data"]


def _print_bill(client, order_id: int, body: dict | None = None):
    return client.post(f"{BASE}/orders/{order_id}/print-bill", body or {}, format="json")


def _preview(answer) -> str:
    assert answer.status_code == 201, answer.json()
    return job_preview(PrintJob.objects.get(pk=answer.json()["data"]["job_id"]))


def _rows(preview: str) -> list[str]:
    return [row.strip() for row in preview.splitlines() if row.strip()]


def test_a_kot_prints_each_lines_options_under_it_before_its_note(api_as):
    cashier = api_as("cashier")
    order = _order(cashier)
    assert cashier.post(f"{BASE}/orders/{order['id']}/kot").status_code == 201
    kot = Kot.objects.get(order_id=order["id"], kitchen_id=1)
    job = cashier.post(f"{BASE}/kot/{kot.pk}/reprint")
    rows = _rows(_preview(job))
    biryani = rows.index("1 x Hyderabadi Biryani")
    assert rows[biryani + 1 : biryani + 3] == ["+ Full", "> less oil"]
    paneer = rows.index("1 x Paneer Tikka")
    assert rows[paneer + 1] == "+ Extra cheese"


def test_the_bill_shows_each_option_with_its_price(api_as):
    cashier = api_as("cashier")
    order = _order(cashier)
    rows = _rows(_preview(_print_bill(cashier, order["id"])))
    biryani = next(i for i, r in enumerate(rows) if r.startswith("1 x Hyderabadi Biryani"))
    assert rows[biryani].endswith("21.49")  # 15.49 + Full 6.00
    assert rows[biryani + 1] == "+ Full (+6.00)"
    paneer = next(i for i, r in enumerate(rows) if r.startswith("1 x Paneer Tikka"))
    assert rows[paneer].endswith("14.49") and rows[paneer + 1] == "+ Extra cheese (+1.50)"
    assert next(r for r in rows if r.startswith("TOTAL")).endswith("37.78")


def test_one_check_of_a_split_by_items_prints_alone_with_its_own_figures(api_as):
    cashier = api_as("cashier")
    order = _order(cashier)
    biryani, paneer = (line["id"] for line in order["items"])
    split = cashier.post(
        f"{BASE}/orders/{order['id']}/split",
        {
            "checks": [
                {"items": [{"item_id": biryani, "quantity": 1}]},
                {"items": [{"item_id": paneer, "quantity": 1}]},
            ]
        },
        format="json",
    )
    assert split.status_code == 200, split.json()
    first, second = split.json()["data"]["checks"]
    rows = _rows(_preview(_print_bill(cashier, order["id"], {"check_id": second["id"]})))
    assert "Check 2 of 2" in rows
    assert not any("Biryani" in r for r in rows)
    assert next(r for r in rows if r.startswith("Subtotal")).endswith(f"{second['subtotal']:.2f}")
    for tax in second["taxes"]:
        assert next(r for r in rows if r.startswith(tax["name"])).endswith(f"{tax['amount']:.2f}")
    assert next(r for r in rows if r.startswith("TOTAL")).endswith(f"{second['total']:.2f}")
    assert second["total"] + first["total"] == pytest.approx(37.78)

    # a second copy of that check is its reprint; the other check's first copy is not
    again = _rows(_preview(_print_bill(cashier, order["id"], {"check_id": second["id"]})))
    other = _rows(_preview(_print_bill(cashier, order["id"], {"check_id": first["id"]})))
    assert "REPRINT 1" in again and "Check 2 of 2" in again
    assert "Check 1 of 2" in other and not any(r.startswith("REPRINT") for r in other)
    assert any(r.startswith("1 x Hyderabadi Biryani") for r in other)


def test_a_paid_check_prints_its_own_payment_and_balance(api_as):
    cashier = api_as("cashier")
    order = _order(cashier)
    checks = cashier.post(f"{BASE}/orders/{order['id']}/split", {"equal": 3}, format="json")
    first = checks.json()["data"]["checks"][0]
    paid = cashier.post(
        f"{BASE}/orders/{order['id']}/payment",
        {"payment_method": "cash", "amount": 20, "check_id": first["id"]},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    rows = _rows(_preview(_print_bill(cashier, order["id"], {"check_id": first["id"]})))
    assert "Check 1 of 3" in rows and "Shared equally in 3: this part" in rows
    # an equal part lists the order's lines, then its share of the sum
    assert any(r.startswith("1 x Hyderabadi Biryani") for r in rows)
    assert next(r for r in rows if r.startswith("TOTAL")).endswith(f"{first['total']:.2f}")
    assert next(r for r in rows if r.startswith("Paid Cash")).endswith("20.00")
    assert next(r for r in rows if r.startswith("Balance due")).endswith("0.00")
    # the other checks' bills show none of it
    second = checks.json()["data"]["checks"][1]
    rows = _rows(_preview(_print_bill(cashier, order["id"], {"check_id": second["id"]})))
    assert not any(r.startswith("Paid") for r in rows)


def test_a_check_that_is_not_the_orders_is_a_400_and_prints_nothing(api_as):
    cashier = api_as("cashier")
    unsplit, split = _order(cashier), _order(cashier)
    checks = cashier.post(f"{BASE}/orders/{split['id']}/split", {"equal": 2}, format="json")
    foreign = checks.json()["data"]["checks"][0]["id"]
    before = PrintJob.objects.count()
    for order_id, check_id in ((unsplit["id"], foreign), (split["id"], foreign + 1000)):
        refused = _print_bill(cashier, order_id, {"check_id": check_id})
        assert refused.status_code == 400, refused.json()
        assert list(refused.json()["error"]["fields"]) == ["check_id"]
    bad = _print_bill(cashier, split["id"], {"check_id": "two"})
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["check_id"]
    assert PrintJob.objects.count() == before


def test_the_kot_a_tcp_printer_receives_carries_the_options_and_the_note(api_as, fake_printer):
    # given the Main Kitchen's printer on the network (a TCP socket on 127.0.0.1) and KOTs
    # printed as they are sent
    fake_printer.on()
    use_network_printer(1, fake_printer)
    Outlet.objects.filter(pk=1).update(auto_print_kot=True)
    waiter = api_as("waiter")
    created = waiter.post(f"{BASE}/orders", {"order_type_id": 2, "items": ITEMS}, format="json")
    # when the waiter sends it and the print worker runs
    assert waiter.post(f"{BASE}/orders/{created.json()['data']['id']}/kot").status_code == 201
    call_command("print_dispatcher", "--once")
    # then the paper says each option under its item, then the note
    (received,) = fake_printer.wait_for(1)
    paper = _rows(paper_text(received))
    at = paper.index("1 x Hyderabadi Biryani")
    assert paper[at + 1 : at + 3] == ["+ Full", "> less oil"]
    assert paper[paper.index("1 x Paneer Tikka") + 1] == "+ Extra cheese"
