"""Bills Indian guests and printers need (CONTRACT 17, docs/printing.md): the UPI QR for
the balance due, text no code page has drawn as images of its lines, the outlet's logo,
money in the outlet's locale. Byte level against python-escpos's Dummy printer; what
each block of the bytes is, read back by printers/escpos_png.blocks."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image, ImageChops

from hub.models import Outlet, PrintJob
from hub.money_text import currency_symbol, money_text
from hub.upi import upi_uri
from printers import raster
from printers.escpos_png import blocks, paper_png
from printers.render import QR_SIZE, Line, render_bill, render_kot, render_test_page, to_escpos

from .conftest import job_bytes
from .test_render import BILL, KOT, OUTLET

D = Decimal
BASE = "/api/v1/pos"
URI = "upi://pay?pa=desibits@upi&pn=DesiBits%20Demo&am=30.00&cu=INR&tn=ORD-001-12"
DUE = replace(BILL, payments=(), paid_total=D("0"), balance_due=D("30.00"), upi_uri=URI)
NATIVE_QR = re.compile(rb"\x1d\(k(..)1P0", re.S)


def native_qr_payloads(payload: bytes) -> list[str]:
    """The content of every GS ( k "store QR data" command in `payload`."""
    found = []
    for match in NATIVE_QR.finditer(payload):
        size = match.group(1)[0] | match.group(1)[1] << 8
        start = match.end()
        found.append(payload[start : start + size - 3].decode("utf-8"))
    return found


def texts(payload: bytes) -> list[str]:
    return [b.text.strip() for b in blocks(payload) if b.kind == "text" and b.text.strip()]


def images(payload: bytes) -> list[Image.Image]:
    return [b.image for b in blocks(payload) if b.kind == "image"]


# --- the UPI link --------------------------------------------------------------------


@pytest.mark.embedded
def test_the_upi_link_is_section_17s_percent_encoded_with_two_decimals():
    assert (
        upi_uri(
            upi_id="desibits@upi", payee="DesiBits Demo", amount=D("30"), reference="ORD-001-12"
        )
        == URI
    )
    odd = upi_uri(upi_id="a.b@ok", payee="Chai & Co #1", amount=D("0.005"), reference="O 1")
    assert odd == "upi://pay?pa=a.b@ok&pn=Chai%20%26%20Co%20%231&am=0.01&cu=INR&tn=O%201"
    # nothing due, or no UPI id: no link, so no QR
    for amount, upi_id in ((D("0"), "x@upi"), (D("-1.00"), "x@upi"), (D("5"), ""), (D("5"), " ")):
        assert upi_uri(upi_id=upi_id, payee="X", amount=amount, reference="R") is None


# --- the QR on paper --------------------------------------------------------------------


@pytest.mark.embedded
def test_a_bill_with_a_balance_ends_with_scan_to_pay_and_the_printers_own_qr_of_the_link():
    payload = render_bill(DUE, paper_width_mm=80).payload
    # the default profile has the QR command (GS ( k): the printer draws it from the link
    assert native_qr_payloads(payload) == [URI]
    expected = Dummy()
    expected.qr(URI, ec=QR_ECLEVEL_M, size=QR_SIZE, native=True)
    assert expected.output in payload
    read = blocks(payload)
    (qr,) = [b for b in read if b.kind == "qr"]
    assert qr.qr == URI and qr.style.align == 1  # centred on the paper
    words = [b.text.strip() for b in read[: read.index(qr)] if b.kind == "text"]
    assert "Scan to pay" in words
    assert "[ UPI QR code ]" in render_bill(DUE).preview


@pytest.mark.embedded
def test_a_printer_without_the_qr_command_gets_the_qr_as_an_image():
    # the POS-5890 profile (a common 58 mm printer) has no native QR
    payload = render_bill(DUE, paper_width_mm=58, profile="POS-5890").payload
    assert native_qr_payloads(payload) == [] and b"\x1d(k" not in payload
    # python-escpos's own image of the same link, centred on the 384 dots of 58 mm paper
    expected = Dummy(profile="POS-5890")
    expected.qr(URI, ec=QR_ECLEVEL_M, size=QR_SIZE, native=False, center=True)
    raster_of = re.search(rb"\x1dv0.*", expected.output, re.S).group()[:-3]
    assert raster_of in payload
    (qr_image,) = [i for i in images(payload) if i.height > 150]
    assert qr_image.width == 384


@pytest.mark.embedded
@pytest.mark.parametrize("due", [D("0.00"), D("-0.50")])
def test_no_qr_and_no_scan_to_pay_when_nothing_is_due(due):
    ticket = replace(DUE, balance_due=due, upi_uri=None)
    payload = render_bill(ticket).payload
    assert b"\x1d(k" not in payload and b"\x1dv0" not in payload
    assert "Scan to pay" not in render_bill(ticket).preview


def _qr_of_job(job: PrintJob) -> str | None:
    found = native_qr_payloads(job_bytes(job))
    assert len(found) <= 1
    return found[0] if found else None


def test_the_printed_qr_carries_the_orders_upi_uri_for_the_balance_at_print_time(api_as):
    cashier = api_as("cashier")
    created = cashier.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 2}]},
        format="json",
    )
    order_id = created.json()["data"]["id"]
    order = cashier.get(f"{BASE}/orders/{order_id}").json()["data"]
    assert order["upi_uri"] == (
        f"upi://pay?pa=desibits@upi&pn=DesiBits%20Demo&am={order['balance_due']:.2f}"
        f"&cu=INR&tn={order['order_number']}"
    )
    job = cashier.post(f"{BASE}/orders/{order_id}/print-bill").json()["data"]
    assert _qr_of_job(PrintJob.objects.get(pk=job["job_id"])) == order["upi_uri"]
    # part paid: the next bill's QR asks for what is left, as the order says
    paid = cashier.post(
        f"{BASE}/orders/{order_id}/payment",
        {"payment_method": "cash", "amount": 10},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    order = cashier.get(f"{BASE}/orders/{order_id}").json()["data"]
    assert f"&am={order['balance_due']:.2f}&" in order["upi_uri"]
    job = cashier.post(f"{BASE}/orders/{order_id}/print-bill").json()["data"]
    assert _qr_of_job(PrintJob.objects.get(pk=job["job_id"])) == order["upi_uri"]
    # paid in full: no link, and the bill has no QR
    cashier.post(
        f"{BASE}/orders/{order_id}/payment",
        {"payment_method": "cash", "amount": order["balance_due"]},
        format="json",
    )
    order = cashier.get(f"{BASE}/orders/{order_id}").json()["data"]
    assert order["balance_due"] == 0 and order["upi_uri"] is None
    job = cashier.post(f"{BASE}/orders/{order_id}/print-bill").json()["data"]
    assert _qr_of_job(PrintJob.objects.get(pk=job["job_id"])) is None


def test_a_checks_bill_asks_for_that_checks_balance(api_as):
    cashier = api_as("cashier")
    created = cashier.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 3}]},
        format="json",
    )
    order_id = created.json()["data"]["id"]
    split = cashier.post(f"{BASE}/orders/{order_id}/split", {"equal": 3}, format="json")
    second = split.json()["data"]["checks"][1]
    job = cashier.post(
        f"{BASE}/orders/{order_id}/print-bill", {"check_id": second["id"]}, format="json"
    ).json()["data"]
    qr = _qr_of_job(PrintJob.objects.get(pk=job["job_id"]))
    assert f"&am={second['balance_due']:.2f}&" in qr
    order = cashier.get(f"{BASE}/orders/{order_id}").json()["data"]
    assert f"&am={order['balance_due']:.2f}&" in order["upi_uri"]  # the whole order's


def test_an_outlet_without_a_upi_id_has_no_link(api_as):
    Outlet.objects.filter(pk=1).update(upi_id="")
    cashier = api_as("cashier")
    created = cashier.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        format="json",
    )
    assert created.json()["data"]["upi_uri"] is None
    job = cashier.post(f"{BASE}/orders/{created.json()['data']['id']}/print-bill").json()["data"]
    assert _qr_of_job(PrintJob.objects.get(pk=job["job_id"])) is None


# --- text no code page has ---------------------------------------------------------------

HINDI = "बिना प्याज"
TAMIL = "வெங்காயம் இல்லாமல்"


@pytest.mark.embedded
@pytest.mark.parametrize(("width", "dots"), [(58, 384), (80, 576)])
def test_a_hindi_note_prints_as_an_image_of_its_line_never_as_question_marks(width, dots):
    ticket = replace(KOT, lines=(KOT.lines[0], replace(KOT.lines[1], note=HINDI)))
    payload = render_kot(ticket, paper_width_mm=width).payload
    assert not any("?" in t for t in texts(payload))
    assert payload.count(b"\x1dv0") == 1  # one image: the note's line
    (note,) = images(payload)
    assert note.width == dots
    # the line is where the note goes: after its item, before the rule
    read = blocks(payload)
    at = next(i for i, b in enumerate(read) if b.kind == "image")
    assert read[at - 1].text.strip() == "3 x Butter Naan"
    assert read[at + 1].text.startswith("-----")
    # the rest of the ticket is still text in the code page
    assert "> no onions" in texts(payload)


@pytest.mark.embedded
def test_a_profile_with_a_narrower_head_gets_images_of_its_width():
    payload = render_kot(
        replace(KOT, lines=(replace(KOT.lines[0], note=TAMIL),)), profile="TM-T88V"
    ).payload
    assert [i.width for i in images(payload)] == [512]  # its 80 mm head has 512 dots


def _ink(image: Image.Image) -> int:
    return image.convert("L").point(lambda v: 255 if v < 128 else 0).histogram()[255]


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("text", "style"),
    [
        (f"> {HINDI}", {}),
        (f"  + {TAMIL}", {"bold": True, "tall": True}),
        ("TOTAL ₹        30.00", {"bold": True, "double": True}),
    ],
)
def test_decode_the_image_line_back_every_glyph_is_drawn(text, style):
    """Read the line's image back from the bytes and check it is the text in a font that
    has it: the same picture as drawing the text, each glyph there (not the empty box of
    a missing one), and not the ink of a line of empty boxes."""
    payload = to_escpos([Line(text, **style)], paper_width_mm=80)
    assert not any("?" in t for t in texts(payload))
    (decoded,) = images(payload)
    drawn = raster.line_image(text, dots=576, columns=48, **style)
    # the bytes hold exactly the drawing of that text
    assert decoded.size == drawn.size
    assert ImageChops.difference(decoded.convert("L"), drawn.convert("L")).getbbox() is None
    # every letter has its glyph in the font that drew it
    assert all(raster.has_glyph(ch) for ch in text if not ch.isspace())
    # a font without these scripts would draw boxes: the line does not look like that
    tofu = "".join(ch if ch.isspace() or ch.isascii() else "\U0010fffd" for ch in text)
    missing = raster.line_image(tofu, dots=576, columns=48, **style)
    assert ImageChops.difference(decoded.convert("L"), missing.convert("L")).getbbox()
    assert _ink(decoded) > 0 and abs(_ink(decoded) - _ink(missing)) > 0.05 * _ink(decoded)


@pytest.mark.embedded
def test_the_test_page_shows_a_line_of_each_script():
    from datetime import UTC, datetime

    from hub.tickets import TestPageTicket

    page = TestPageTicket(
        "Counter",
        "file",
        80,
        "DesiBits Demo",
        datetime.now(UTC),
        "UTC",
        codepage="CP858",
        profile="default",
    )
    rendered = render_test_page(page, paper_width_mm=80)
    assert "Code page CP858, profile default" in rendered.preview
    assert "हिन्दी" in rendered.preview and "தமிழ்" in rendered.preview
    assert len(images(rendered.payload)) == 3
    assert not any("?" in t for t in texts(rendered.payload))


# --- money in the outlet's locale -----------------------------------------------------------


@pytest.mark.embedded
def test_money_is_grouped_as_the_locale_groups_it():
    assert money_text(D("1234567"), "en_IN") == "12,34,567.00"
    assert money_text(D("123456789.005"), "en_IN") == "12,34,56,789.01"  # ROUND_HALF_UP
    assert money_text(D("999.5"), "hi_IN") == "999.50"
    assert money_text(D("-1234.5"), "en_IN") == "-1,234.50"
    assert money_text(D("1234567"), "en_US") == "1,234,567.00"
    assert money_text(D("1234567"), "de_DE") == "1.234.567,00"
    assert money_text(D("1234567"), "") == "1,234,567.00"  # jobs queued before locales
    assert money_text(D("1234567"), "xx_nowhere") == "1,234,567.00"
    assert currency_symbol("INR", "en_IN") == "₹" and currency_symbol("INR", "") == "INR"


@pytest.mark.embedded
def test_a_bill_in_en_in_prints_lakhs_and_the_rupee_sign_through_an_image():
    big = replace(
        BILL,
        outlet=replace(OUTLET, locale="en_IN"),
        items=(replace(BILL.items[0], line_total=D("1234567.00")),),
        subtotal=D("1234567.00"),
    )
    rendered = render_bill(big, paper_width_mm=80)
    lines = rendered.preview.splitlines()
    assert next(x for x in lines if x.startswith("2 x Paneer")).endswith("12,34,567.00")
    assert next(x for x in lines if x.startswith("Subtotal")).endswith("12,34,567.00")
    assert next(x for x in lines if x.startswith("TOTAL ₹")).endswith("30.00")
    assert "Subtotal" in " ".join(texts(rendered.payload))  # plain text where it can be
    assert (
        not any("?" in t for t in texts(rendered.payload)) and len(images(rendered.payload)) == 1
    )  # the ₹ line


# --- the logo -------------------------------------------------------------------------------


def _logo() -> Image.Image:
    """A grey gradient with a black bar: dithering must give black and white dots."""
    logo = Image.linear_gradient("L").resize((800, 200)).convert("RGB")
    logo.paste((0, 0, 0), (0, 180, 800, 200))
    return logo


@pytest.mark.embedded
@pytest.mark.parametrize(("width", "dots"), [(58, 384), (80, 576)])
def test_the_logo_tops_the_bill_dithered_to_the_paper_width(width, dots):
    ticket = replace(BILL, outlet=replace(OUTLET, logo="logos/desibits.png"))
    payload = render_bill(ticket, paper_width_mm=width, logo=_logo()).payload
    read = [b for b in blocks(payload) if b.kind != "text" or b.text.strip()]
    assert read[0].kind == "image"  # before the outlet's name
    logo = read[0].image
    assert logo.width == dots and logo.height == 200 * dots // 800
    dots_black = _ink(logo)
    assert 0.2 * logo.width * logo.height < dots_black < 0.8 * logo.width * logo.height
    assert read[1].text.strip() == "DesiBits Demo"
    # the tax invoice too
    invoice = replace(ticket, invoice_number="INV/001/2026-27/000001")
    first = blocks(render_bill(invoice, paper_width_mm=width, logo=_logo()).payload)[0]
    assert first.kind == "image" and first.image.size == logo.size
    # without the image (no file), the bill prints as before
    assert render_bill(ticket, logo=None).payload == render_bill(BILL).payload


def test_a_bill_job_prints_the_outlets_uploaded_logo(api_as, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    outlet = Outlet.objects.get(pk=1)
    import io

    buffer = io.BytesIO()
    _logo().save(buffer, format="PNG")
    outlet.logo.save("desibits.png", ContentFile(buffer.getvalue()))
    cashier = api_as("cashier")
    created = cashier.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        format="json",
    )
    job_id = cashier.post(f"{BASE}/orders/{created.json()['data']['id']}/print-bill").json()[
        "data"
    ]["job_id"]
    job = PrintJob.objects.get(pk=job_id)
    assert job.ticket["outlet"]["logo"] == outlet.logo.name
    first = [b for b in blocks(job_bytes(job)) if b.kind != "text" or b.text.strip()][0]
    assert first.kind == "image" and first.image.width == 576
    # the file gone: the bill still prints, without it
    outlet.logo.storage.delete(outlet.logo.name)
    first = [b for b in blocks(job_bytes(job)) if b.kind != "text" or b.text.strip()][0]
    assert first.kind == "text"


@pytest.mark.embedded
def test_the_png_of_a_bill_shows_its_blocks():
    payload = render_bill(DUE, paper_width_mm=80, logo=_logo()).payload
    picture = paper_png(payload, dots=576)
    assert picture.width == 576 + 32 and picture.height > 600


def test_the_qr_image_a_58mm_printer_gets_scans_to_the_orders_upi_uri(api_as):
    """Decode the QR python-escpos drew (POS-5890: no native QR) from the job's bytes with
    zxing-cpp, as a guest's phone would read the paper."""
    import zxingcpp

    from hub.models import Printer

    Printer.objects.filter(pk=2).update(profile="POS-5890", paper_width_mm=58)
    cashier = api_as("cashier")
    created = cashier.post(
        f"{BASE}/orders",
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 3, "note": HINDI}]},
        format="json",
    )
    order = created.json()["data"]
    job_id = cashier.post(f"{BASE}/orders/{order['id']}/print-bill").json()["data"]["job_id"]
    payload = job_bytes(PrintJob.objects.get(pk=job_id))
    assert b"\x1d(k" not in payload
    (qr,) = [i for i in images(payload) if i.height > 150]
    page = Image.new("L", (qr.width + 40, qr.height + 40), 255)
    page.paste(qr.convert("L"), (20, 20))
    (read,) = zxingcpp.read_barcodes(page)
    assert read.text == order["upi_uri"] and order["upi_uri"].startswith(
        "upi://pay?pa=desibits@upi"
    )


@pytest.mark.embedded
def test_a_snapshot_queued_before_these_fields_reads_back_and_prints_as_it_would_have():
    from hub.tickets import ticket_from_snapshot, ticket_snapshot

    old = ticket_snapshot(BILL)
    for key in ("upi_uri",):
        del old[key]
    for key in ("locale", "logo"):
        del old["outlet"][key]
    for item in old["items"]:
        del item["note"]
    ticket = ticket_from_snapshot("bill", old)
    assert ticket == BILL
    preview = render_bill(ticket).preview
    assert "TOTAL INR" in preview and "Scan to pay" not in preview


@pytest.mark.embedded
def test_without_the_fonts_a_ticket_still_prints_its_lines_as_text(monkeypatch):
    def no_font(script):
        raise raster.FontMissing(f"{raster.SCRIPTS[script]} is not installed")

    monkeypatch.setattr(raster, "font_path", no_font)
    raster.font.cache_clear()
    try:
        payload = render_kot(replace(KOT, lines=(replace(KOT.lines[0], note=HINDI),))).payload
    finally:
        monkeypatch.undo()
        raster.font.cache_clear()
    assert b"\x1dv0" not in payload and b"> ???? ?????\n" in payload  # a KOT is never lost
