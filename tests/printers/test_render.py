"""Byte-level tests of the tickets against python-escpos's Dummy printer (printers/render.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from escpos.printer import Dummy

from printers.data import (
    BillItem,
    BillTicket,
    CustomerInfo,
    KotTicket,
    KotTicketLine,
    OutletInfo,
    PaymentLine,
    TaxLine,
    TicketOption,
)
from printers.render import Line, render_bill, render_kot, to_escpos, to_preview

D = Decimal
AT = datetime(2026, 3, 14, 14, 12, tzinfo=UTC)  # 19:42 in Asia/Kolkata

KOT = KotTicket(
    kitchen="Main Kitchen",
    number="KOT-007",
    kind="new",
    order_number="ORD-001-12",
    order_type="Dine In",
    created_at=AT,
    timezone="Asia/Kolkata",
    table="T5",
    waiter="Wasim Waiter",
    lines=(KotTicketLine("Paneer Tikka", 2, "no onions"), KotTicketLine("Butter Naan", 3)),
)
OUTLET = OutletInfo(
    "DesiBits Demo",
    "12 MG Road, Bengaluru 560001",
    "+91 80 4000 1234",
    "29ABCDE1234F1Z5",
    "Asia/Kolkata",
    "INR",
)
BILL = BillTicket(
    outlet=OUTLET,
    order_number="ORD-001-12",
    order_type="Dine In",
    printed_at=AT,
    table="T5",
    waiter="Wasim Waiter",
    items=(
        BillItem("Paneer Tikka", 2, D("12.99"), D("25.98")),
        BillItem("Masala Chai", 1, D("4.50"), D("4.50")),
    ),
    subtotal=D("30.48"),
    discount_label="(WELCOME10)",
    discount_amount=D("3.05"),
    taxes=(
        TaxLine("CGST", D("2.5"), D("0.69"), D("27.43")),
        TaxLine("SGST", D("2.5"), D("0.69"), D("27.43")),
    ),
    tax_total=D("1.38"),
    service_charge=D("1.37"),
    round_off=D("-0.18"),
    total=D("30.00"),
    payments=(PaymentLine("Cash", D("30.00"), D("50.00"), D("20.00")),),
    paid_total=D("30.00"),
    balance_due=D("0.00"),
    customer=CustomerInfo("Priya Kapoor", "+91 98765 43210", "42 Koramangala 5th Block"),
)

ESC_INIT = b"\x1b@"
CODEPAGE_858 = b"\x1bt\x13"  # ESC t 19
BOLD_ON = b"\x1bE\x01"
CENTER = b"\x1ba\x01"
DOUBLE = b"\x1b!\x30"  # ESC ! with double height and double width
FULL_CUT = b"\x1dV\x00"

# The commands to_escpos emits, so the paper's text can be read back from the bytes.
COMMANDS = re.compile(rb"\x1b@|\x1bt.|\x1bE.|\x1ba.|\x1b!.|\x1bd.|\x1dV.", re.S)


def paper_text(payload: bytes) -> str:
    return COMMANDS.sub(b"", payload).decode("cp858")


@pytest.mark.embedded
def test_layout_bytes_match_python_escpos_dummy_command_for_command():
    # given two styled lines
    lines = [Line("KOT-007", align="center", bold=True), Line("2 x Naan", double=True)]
    # when rendered
    payload = to_escpos(lines)
    # then the bytes are exactly what the same calls on python-escpos's Dummy printer produce
    expected = Dummy()
    expected.hw("INIT")
    expected.charcode("CP858")
    expected.set(align="center", bold=True)
    expected.textln("KOT-007")
    expected.set(
        align="left", double_width=True, double_height=True, normal_textsize=False, bold=False
    )
    expected.textln("2 x Naan")
    expected.cut()
    assert payload == expected.output
    assert payload.startswith(ESC_INIT + CODEPAGE_858 + BOLD_ON + CENTER + b"KOT-007\n")
    assert DOUBLE + b"\x1bE\x00" + b"\x1ba\x00" + b"2 x Naan\n" in payload
    assert payload.endswith(FULL_CUT)


@pytest.mark.embedded
def test_kot_carries_kitchen_number_table_waiter_local_time_items_and_notes():
    rendered = render_kot(KOT, paper_width_mm=80)
    text = paper_text(rendered.payload)
    for expected in (
        "MAIN KITCHEN",
        "KOT-007",
        "TABLE T5",
        "Waiter: Wasim Waiter",
        "14 Mar 2026 19:42",
        "2 x Paneer Tikka",
        "> no onions",
        "3 x Butter Naan",
        "Items: 5",
        "Order ORD-001-12",
    ):
        assert expected in text
        assert expected in rendered.preview
    assert "REPRINT" not in text and "ADD-ON" not in text
    # the number and the items are printed big
    assert DOUBLE + b"\x1bE\x00" + b"\x1ba\x00KOT-007\n" in rendered.payload
    assert b"\x1b!\x10\x1bE\x01" + b"2 x Paneer Tikka\n" in rendered.payload  # tall, bold


def test_a_kot_sent_by_someone_else_prints_the_waiter_and_the_sender():
    sent_by_cashier = render_kot(replace(KOT, sent_by="Chetan Cashier"), paper_width_mm=80)
    text = paper_text(sent_by_cashier.payload)
    assert "Waiter: Wasim Waiter" in text and "Sent by: Chetan Cashier" in text
    # the waiter sending their own order prints one name, not two
    by_waiter = paper_text(render_kot(replace(KOT, sent_by="Wasim Waiter")).payload)
    assert "Waiter: Wasim Waiter" in by_waiter and "Sent by" not in by_waiter


@pytest.mark.embedded
def test_a_platform_order_kot_prints_the_platform_and_its_ref_big():
    ticket = replace(KOT, table=None, order_type="Delivery", platform="SWIGGY #12345")
    rendered = render_kot(ticket, paper_width_mm=58)
    text = paper_text(rendered.payload)
    assert "SWIGGY #12345" in text and "SWIGGY #12345" in rendered.preview
    # double size, in the run of the number and the order type
    assert DOUBLE + b"\x1bE\x00\x1ba\x00KOT-007\nDELIVERY\nSWIGGY #12345\n" in rendered.payload
    assert text.index("DELIVERY") < text.index("SWIGGY #12345") < text.index("Order ORD-001-12")
    assert "SWIGGY" not in paper_text(render_kot(KOT).payload)  # a till order: no line


@pytest.mark.embedded
def test_reprint_and_addon_are_marked_on_paper():
    rendered = render_kot(replace(KOT, kind="addon", reprint=2))
    text = paper_text(rendered.payload)
    assert "** ADD-ON **" in text
    assert "REPRINT 2" in text
    assert text.index("REPRINT 2") < text.index("KOT-007")


@pytest.mark.embedded
def test_takeaway_kot_names_the_order_type_instead_of_a_table():
    text = paper_text(render_kot(replace(KOT, table=None, order_type="Takeaway")).payload)
    assert "TAKEAWAY" in text and "TABLE" not in text


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("kind", "header", "prefix"),
    [("void", "*** VOID ***", "VOID"), ("cancellation", "* CANCELLED *", "CANCEL")],
)
def test_void_and_cancellation_tickets(kind, header, prefix):
    ticket = replace(
        KOT,
        kind=kind,
        number="KOT-009",
        original_number="KOT-007",
        reason="guest changed their mind",
        lines=(KotTicketLine("Paneer Tikka", 2),),
    )
    rendered = render_kot(ticket, paper_width_mm=58)
    text = paper_text(rendered.payload)
    assert header in text
    assert "Takes back KOT-007" in text
    assert f"{prefix} 2 x Paneer" in text
    assert "Reason: guest changed their mind" in text
    assert text.index(header) < text.index("KOT-009")


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("width", "profile", "columns"),
    [(58, "default", 32), (80, "default", 48), (80, "TM-T88V", 42), (58, "TM-T88V", 32)],
)
def test_every_line_fits_the_paper(width, profile, columns):
    long = replace(
        KOT,
        lines=(
            KotTicketLine(
                "Extremely Long Hyderabadi Dum Biryani Family Pack With Extra Raita",
                12,
                "x" * 90,
                options=(TicketOption("Extra Large Family Portion With Double Masala Gravy", 3),),
            ),
        ),
    )
    long_option = TicketOption("Extra Large Family Portion With Double Masala", 9, D("199.99"))
    long_bill = replace(
        BILL,
        items=(BillItem("Paneer Tikka", 2, D("12.99"), D("25.98"), options=(long_option,)),),
        check_number=12,
        check_count=20,
        check_shared_equally=True,
    )
    for rendered in (
        render_kot(long, paper_width_mm=width, profile=profile),
        render_bill(BILL, paper_width_mm=width, profile=profile),
        render_bill(long_bill, paper_width_mm=width, profile=profile),
        render_bill(
            replace(BILL, invoice_number="INV/001/2025-26/000001"),
            paper_width_mm=width,
            profile=profile,
        ),
        # an unknown zone prints the time with "UTC" after it, still within the paper
        render_bill(
            replace(
                BILL,
                invoice_number="INV/001/2025-26/000001",
                outlet=replace(BILL.outlet, timezone="Asia/Calcuta"),
            ),
            paper_width_mm=width,
            profile=profile,
        ),
    ):
        for line in rendered.preview.splitlines():
            assert len(line) <= columns, line
        # and on paper: no text line between two commands is wider than the head
        for line in paper_text(rendered.payload).splitlines():
            assert len(line) <= columns, line
    # the subtotal's amount ends exactly at the right edge
    rendered = render_bill(BILL, paper_width_mm=width, profile=profile)
    subtotal = next(line for line in rendered.preview.splitlines() if line.startswith("Subtotal"))
    assert len(subtotal) == columns and subtotal.endswith("30.48")
    assert b"\n" + b"-" * columns + b"\n" in rendered.payload  # the rule spans the head


@pytest.mark.embedded
def test_the_columns_follow_the_heads_dots_not_the_papers_millimetres():
    from printers.render import columns_for, paper_dots

    assert (paper_dots(58), columns_for(58)) == (384, 32)
    assert (paper_dots(80), columns_for(80)) == (576, 48)
    # an 80 mm Epson TM-T88V has a 512-dot head: 42 characters of font A, as its profile says
    from escpos.capabilities import get_profile

    assert (paper_dots(80, "TM-T88V"), columns_for(80, "TM-T88V")) == (512, 42)
    assert get_profile("TM-T88V").profile_data["fonts"]["0"]["columns"] == 42
    assert columns_for(80, "TM-T20II") == 48  # a 576-dot head prints all 48
    assert columns_for(58, "TM-T88V") == 32  # 58 mm paper in it: the paper is narrower


@pytest.mark.embedded
def test_non_ascii_names_encode_what_the_code_page_can_and_draw_the_rest():
    ticket = replace(KOT, lines=(KotTicketLine("Pâneer टिक्का", 1, "ñ ü é"),))
    rendered = render_kot(ticket)
    # â is in PC858 (0x83), Devanagari is in no code page: that line prints as an image of
    # itself (GS v 0, docs/printing.md "Characters"), never as "?"
    assert b"1 x P\x83neer" not in rendered.payload and rendered.payload.count(b"\x1dv0") == 1
    assert b"> \xa4 \x81 \x82\n" in rendered.payload
    # the preview keeps the real names for people
    assert "Pâneer टिक्का" in rendered.preview
    # and no other code page switch or raw UTF-8 sneaks in
    assert rendered.payload.count(b"\x1bt") == 1
    assert "टि".encode() not in rendered.payload


@pytest.mark.embedded
def test_control_characters_in_a_note_cannot_inject_printer_commands():
    ticket = replace(KOT, lines=(KotTicketLine("Naan\x1bd\x09", 1, "x\x1b@\x1dV\x00cut!"),))
    payload = render_kot(ticket).payload
    assert payload.count(b"\x1b@") == 1  # only our own INIT
    assert payload.count(b"\x1dV") == 1  # only our own cut
    assert b"> x @ V cut!" in payload


@pytest.mark.embedded
def test_preview_and_paper_come_from_the_same_layout():
    for rendered in (render_kot(KOT, paper_width_mm=58), render_bill(BILL, paper_width_mm=80)):
        paper = [line.strip() for line in paper_text(rendered.payload).splitlines() if line.strip()]
        preview = [line.strip() for line in rendered.preview.splitlines() if line.strip()]
        assert paper == preview


@pytest.mark.embedded
def test_bill_shows_items_discount_taxes_service_round_off_total_payments_change():
    rendered = render_bill(BILL, paper_width_mm=80)
    lines = rendered.preview.splitlines()

    def row(label):
        return next(line for line in lines if line.startswith(label))

    assert "BILL" in rendered.preview and "TAX INVOICE" not in rendered.preview
    assert row("2 x Paneer Tikka").endswith("25.98")
    assert "    @ 12.99" in lines
    assert row("Subtotal").endswith("30.48")
    assert row("Discount (WELCOME10)").endswith("-3.05")
    assert row("CGST 2.5%").endswith("0.69") and row("SGST 2.5%").endswith("0.69")
    assert row("Service charge").endswith("1.37")
    assert row("Round-off").endswith("-0.18")
    assert row("TOTAL INR").endswith("30.00")
    assert row("Paid Cash").endswith("50.00")
    assert row("Change").endswith("20.00")
    assert row("Balance due").endswith("0.00")
    assert "GSTIN" not in rendered.preview  # the tax id is for the invoice
    # TOTAL is big on paper
    assert DOUBLE in rendered.payload.split(b"TOTAL INR")[0][-12:]


@pytest.mark.embedded
def test_bill_without_discount_service_or_round_off_leaves_those_lines_out():
    plain = replace(
        BILL, discount_amount=D("0"), service_charge=D("0"), round_off=D("0"), payments=()
    )
    preview = render_bill(plain).preview
    for absent in ("Discount", "Service charge", "Round-off", "Paid", "Change"):
        assert absent not in preview


@pytest.mark.embedded
def test_tax_invoice_has_number_outlet_tax_id_customer_and_breakdown_per_rate():
    ticket = replace(BILL, invoice_number="INV/001/2025-26/000042", invoice_issued_at=AT)
    rendered = render_bill(ticket, paper_width_mm=80)
    preview = rendered.preview
    for expected in (
        "TAX INVOICE",
        "Invoice No: INV/001/2025-26/000042",
        "Invoice date: 14 Mar 2026 19:42",
        "GSTIN/Tax ID: 29ABCDE1234F1Z5",
        "12 MG Road, Bengaluru 560001",
        "Customer: Priya Kapoor",
        "Phone: +91 98765 43210",
        "Address: 42 Koramangala 5th Block",
        "Tax breakdown",
    ):
        assert expected in preview
    lines = preview.splitlines()
    cgst = next(line for line in lines if line.startswith("CGST 2.5%"))
    assert cgst.split() == ["CGST", "2.5%", "27.43", "0.69"]
    assert next(line for line in lines if line.startswith("Total tax")).endswith("1.38")
    assert "INV/001/2025-26/000042" in paper_text(rendered.payload)
    duplicate = render_bill(replace(ticket, reprint=1)).preview
    assert "DUPLICATE 1" in duplicate


@pytest.mark.embedded
def test_an_unknown_time_zone_does_not_stop_a_ticket_nor_pass_utc_off_as_local():
    rendered = render_kot(replace(KOT, timezone="Mars/Olympus_Mons"))
    assert "14 Mar 2026 14:12 UTC" in rendered.preview


@pytest.mark.embedded
def test_preview_centers_double_size_lines_by_their_printed_width():
    preview = to_preview([Line("ABCD", align="center", double=True)], columns=32)
    assert preview == " " * 12 + "ABCD\n"
