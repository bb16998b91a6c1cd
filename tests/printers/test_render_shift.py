"""The shift report ticket (X and Z, CONTRACT 14) byte for byte (printers/render.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from escpos.printer import Dummy

from printers.data import OutletInfo, ShiftPaymentLine, ShiftReportTicket, TaxLine
from printers.render import columns_for, render_shift_report, render_ticket

from .test_render import paper_text

D = Decimal
AT = datetime(2026, 3, 14, 14, 12, tzinfo=UTC)  # 19:42 in Asia/Kolkata
OUTLET = OutletInfo(
    "DesiBits Demo", "12 MG Road", "+91 80 4000 1234", "29ABCDE1234F1Z5", "Asia/Kolkata", "INR"
)
# The worked example of docs/api.md "Shifts", closed as Z report 12
Z = ShiftReportTicket(
    outlet=OUTLET,
    shift_id=7,
    z_number=12,
    opened_at=datetime(2026, 3, 14, 3, 30, tzinfo=UTC),
    closed_at=AT,
    opened_by="Chitra Cashier",
    closed_by="Meera Manager",
    printed_at=AT,
    orders=3,
    cancelled=1,
    void_lines=1,
    void_amount=D("12.99"),
    discounts=1,
    discount_amount=D("1.30"),
    subtotal=D("43.47"),
    taxes=(TaxLine("CGST", D("2.5"), D("1.05")), TaxLine("SGST", D("2.5"), D("1.05"))),
    tax_total=D("2.10"),
    service_charge=D("0"),
    round_off=D("0"),
    total=D("44.27"),
    payments=(
        ShiftPaymentLine("Cash", 1, D("27.28")),
        ShiftPaymentLine("Card", 1, D("4.72"), D("1.00")),
        ShiftPaymentLine("UPI", 1, D("12.27")),
    ),
    refunds=2,
    refund_amount=D("3.00"),
    opening_float=D("1000"),
    cash_payments=D("50"),
    change_given=D("22.72"),
    cash_refunds=D("2"),
    paid_in=D("500"),
    paid_out=D("120"),
    expected=D("1405.28"),
    counted=D("1400"),
    difference=D("-5.28"),
)

Z_PAPER = """\
           DesiBits Demo
             Z REPORT 12
Shift 7
Opened: 14 Mar 2026 09:00 Chitra Cashier
Closed: 14 Mar 2026 19:42 Meera Manager
Printed: 14 Mar 2026 19:42
------------------------------------------------
SALES
Orders paid                                    3
Subtotal                                   43.47
Discounts (1)                              -1.30
CGST 2.5%                                   1.05
SGST 2.5%                                   1.05
Tax total                                   2.10
TOTAL              44.27
Cancelled orders                               1
Void lines (1)                             12.99
------------------------------------------------
PAYMENTS
Cash (1)                                   27.28
Card (1)                                    4.72
Tips                                        1.00
UPI (1)                                    12.27
Refunds (2)                                -3.00
------------------------------------------------
CASH DRAWER
Opening float                           1,000.00
Cash tendered                              50.00
Change given                              -22.72
Cash refunds                               -2.00
Paid in                                   500.00
Paid out                                 -120.00
================================================
Expected in drawer                      1,405.28
Counted                                 1,400.00
SHORT                                      -5.28
================================================

Signature: ____________________
"""


@pytest.mark.embedded
def test_the_z_report_prints_every_figure_of_the_worked_example():
    rendered = render_shift_report(Z)
    assert rendered.preview == Z_PAPER
    # the paper's text, read back from the bytes, is the preview's, line for line
    assert paper_text(rendered.payload).splitlines() == [
        line.strip() if line.startswith(" ") else line for line in Z_PAPER.splitlines()
    ]
    assert render_ticket(Z).payload == rendered.payload


@pytest.mark.embedded
def test_the_z_report_bytes_are_python_escpos_dummys_command_for_command():
    payload = render_shift_report(Z).payload
    expected = Dummy()
    expected.hw("INIT")
    expected.charcode("CP858")
    expected.set(
        align="center", double_width=True, double_height=True, normal_textsize=False, bold=True
    )
    expected.textln("DesiBits Demo")
    expected.textln("Z REPORT 12")
    expected.set(
        align="left", double_width=False, double_height=False, normal_textsize=True, bold=False
    )
    expected.textln("Shift 7")
    assert payload.startswith(expected.output)
    cut = Dummy()
    cut.cut()
    assert payload.endswith(b"=" * 48 + b"\n\nSignature: ____________________\n" + cut.output)


@pytest.mark.embedded
def test_the_x_report_says_the_shift_is_open_and_has_no_count():
    x = replace(Z, z_number=None, closed_at=None, closed_by="", counted=None, difference=None)
    paper = render_shift_report(x).preview
    assert "X REPORT" in paper and "(shift still open)" in paper
    assert "Expected in drawer                      1,405.28" in paper
    assert "Counted" not in paper and "SHORT" not in paper and "Closed:" not in paper
    assert "Signature" not in paper


@pytest.mark.embedded
def test_over_short_and_reprint_are_on_paper():
    over = render_shift_report(replace(Z, counted=D("1410.00"), difference=D("4.72"), reprint=2))
    assert "OVER                                       +4.72" in over.preview
    assert "REPRINT 2" in over.preview
    even = render_shift_report(replace(Z, counted=D("1405.28"), difference=D("0"))).preview
    assert "Difference                                  0.00" in even


@pytest.mark.embedded
@pytest.mark.parametrize("width", [58, 80])
def test_every_line_fits_the_paper(width):
    columns = columns_for(width)
    paper = render_shift_report(replace(Z, opened_by="A" * 70), paper_width_mm=width).preview
    assert all(len(line) <= columns for line in paper.splitlines())
