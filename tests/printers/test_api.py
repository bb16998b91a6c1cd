"""The print endpoints and GET /printers (pos_api/views/printing.py, CONTRACT 4a and 7)."""

from __future__ import annotations

import pytest

from hub.models import Kitchen, Kot, Printer, PrintJob

from .conftest import billed, job_preview, kitchen_kot, send, take_order

BASE = "/api/v1/pos"


@pytest.mark.embedded
def test_print_kot_answers_201_with_the_queued_job(api_as):
    kot = kitchen_kot()
    res = api_as("waiter").post(f"{BASE}/kot/{kot.pk}/print", format="json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["success"] is True
    job = PrintJob.objects.get(kot=kot)
    assert body["data"] == {
        "job_id": job.pk,
        "printer": {"id": 1, "name": "Kitchen Printer"},
        "status": "queued",
        "kind": "kot",
        "reprint": 0,
    }


def test_print_kot_again_answers_200_with_the_same_job(api_as):
    kot = kitchen_kot()
    client = api_as("waiter")
    first = client.post(f"{BASE}/kot/{kot.pk}/print/")  # trailing slash served too
    second = client.post(f"{BASE}/kot/{kot.pk}/print")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["data"]["job_id"] == second.json()["data"]["job_id"]
    assert PrintJob.objects.filter(kot=kot).count() == 1


def test_reprint_kot_counts_and_marks(api_as):
    kot = kitchen_kot()
    client = api_as("waiter")
    client.post(f"{BASE}/kot/{kot.pk}/print")
    one = client.post(f"{BASE}/kot/{kot.pk}/reprint")
    two = client.post(f"{BASE}/kot/{kot.pk}/reprint")
    assert (one.status_code, two.status_code) == (201, 201)
    assert (one.json()["data"]["reprint"], two.json()["data"]["reprint"]) == (1, 2)
    assert "REPRINT 2" in job_preview(PrintJob.objects.get(pk=two.json()["data"]["job_id"]))
    assert Kot.objects.get(pk=kot.pk).print_count == 3


def test_print_bill_and_invoice(api_as):
    order = billed(customer_id=10)
    cashier = api_as("cashier")
    bill = cashier.post(f"{BASE}/orders/{order.pk}/print-bill")
    assert bill.status_code == 201
    assert bill.json()["data"]["kind"] == "bill"
    assert bill.json()["data"]["printer"] == {"id": 2, "name": "Receipt Printer"}
    invoice = cashier.post(f"{BASE}/orders/{order.pk}/print-invoice")
    assert invoice.status_code == 201
    data = invoice.json()["data"]
    assert data["kind"] == "invoice" and data["status"] == "queued" and data["reprint"] == 0
    assert data["invoice_number"].startswith("INV/001/")
    again = cashier.post(f"{BASE}/orders/{order.pk}/print-invoice").json()["data"]
    assert again["invoice_number"] == data["invoice_number"] and again["reprint"] == 1


def test_print_bill_answers_the_upi_qr_the_bill_carries(api_as):
    """The tablet shows the printed bill's QR (CONTRACT 17): the link is the order's
    `upi_uri`, the SVG decodes back to it; nothing due, no QR."""
    import io

    import zxingcpp
    from PIL import Image

    order = billed()
    cashier = api_as("cashier")
    due = cashier.get(f"{BASE}/orders/{order.pk}").json()["data"]["upi_uri"]
    assert due and due.startswith("upi://pay?")
    data = cashier.post(f"{BASE}/orders/{order.pk}/print-bill").json()["data"]
    assert data["upi_uri"] == due
    job = PrintJob.objects.get(pk=data["job_id"])
    assert job.ticket["upi_uri"] == due  # the paper's QR carries the same link
    svg = data["upi_qr_svg"]
    assert svg.startswith("<svg") and "<script" not in svg
    # draw the SVG's modules as pixels and read it as a phone would
    import re

    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    for x, y in re.findall(r"M(\d+),(\d+)H", svg):
        for dx in range(scale):
            for dy in range(scale):
                pixels[int(x) * scale + dx, int(y) * scale + dy] = 0
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == due
    # paid off: the bill prints without a QR, and the answer has none
    from tests.printers.conftest import paid

    settled = paid(order)
    again = cashier.post(f"{BASE}/orders/{settled.pk}/print-bill").json()["data"]
    assert again["upi_uri"] is None and again["upi_qr_svg"] is None


def test_invoice_of_an_unbilled_order_is_409(api_as):
    order = take_order()
    send(order)
    res = api_as("cashier").post(f"{BASE}/orders/{order.pk}/print-invoice")
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "order_not_billed"


def test_no_printer_is_409_no_printer(api_as):
    Kitchen.objects.filter(pk=1).update(printer=None)
    kot = kitchen_kot()
    res = api_as("waiter").post(f"{BASE}/kot/{kot.pk}/print")
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "no_printer"


@pytest.mark.parametrize(
    ("user", "path", "expected"),
    [
        ("chef", "kot/{kot}/print", 403),
        ("driver", "kot/{kot}/reprint", 403),
        ("manager", "kot/{kot}/reprint", 201),
        ("chef", "orders/{order}/print-bill", 403),
        ("waiter", "orders/{order}/print-bill", 201),
        ("waiter", "orders/{order}/print-invoice", 403),
        ("driver", "orders/{order}/print-invoice", 403),
        ("manager", "orders/{order}/print-invoice", 201),
    ],
)
def test_roles(api_as, user, path, expected):
    order = take_order()
    kot = kitchen_kot(order)
    billed(order)
    res = api_as(user).post(f"{BASE}/" + path.format(kot=kot.pk, order=order.pk))
    assert res.status_code == expected, res.content
    if expected == 403:
        assert res.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "path",
    [
        "kot/{kot}/print",
        "kot/{kot}/reprint",
        "orders/{order}/print-bill",
        "orders/{order}/print-invoice",
    ],
)
def test_another_outlets_kot_or_order_is_404(api_as, path):
    order = take_order()
    kot = kitchen_kot(order)
    billed(order)
    res = api_as("manager2").post(f"{BASE}/" + path.format(kot=kot.pk, order=order.pk))
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"
    assert not PrintJob.objects.filter(order=order).exists()


def test_unknown_ids_are_404_and_anonymous_is_401(api_as, anon):
    assert api_as("waiter").post(f"{BASE}/kot/999999/print").status_code == 404
    assert api_as("cashier").post(f"{BASE}/orders/999999/print-bill").status_code == 404
    assert anon.post(f"{BASE}/kot/1/print").status_code == 401


@pytest.mark.embedded
def test_printers_list_shows_status_and_never_the_address(api_as):
    Printer.objects.filter(pk=1).update(status="offline", last_error="cannot connect")
    kitchen_kot()
    res = api_as("waiter").get(f"{BASE}/printers")
    assert res.status_code == 200
    body = res.json()
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 2}
    kitchen, receipt = body["data"]
    assert kitchen["id"] == 1 and kitchen["role"] == "kitchen" and kitchen["connection"] == "file"
    assert kitchen["status"] == "offline" and kitchen["last_error"] == "cannot connect"
    assert kitchen["paper_width_mm"] == 80 and kitchen["kitchen_ids"] == [1, 2]
    assert "last_contact_at" in kitchen and "queued_jobs" in kitchen
    assert receipt["status"] == "unknown"
    for printer in body["data"]:
        assert "address" not in printer
        assert "printer-" not in str(printer)  # the spool path never leaks


def test_printers_list_roles_and_outlet_scope(api_as):
    assert api_as("chef").get(f"{BASE}/printers").status_code == 403
    assert api_as("driver").get(f"{BASE}/printers").status_code == 403
    other = api_as("manager2").get(f"{BASE}/printers").json()["data"]
    assert [p["id"] for p in other] == [3, 4]


def test_queued_jobs_are_counted_per_printer(api_as):
    client = api_as("waiter")
    for _ in range(2):
        client.post(f"{BASE}/kot/{kitchen_kot().pk}/print")
    data = client.get(f"{BASE}/printers").json()["data"]
    assert data[0]["queued_jobs"] == 2 and data[1]["queued_jobs"] == 0
