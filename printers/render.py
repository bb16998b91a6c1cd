"""Tickets to ESC/POS bytes and a text preview, from one layout (docs/printing.md "Rendering").

Each ticket is first laid out as a list of `Line`s (text already fitted to the
paper's columns), then written twice: to python-escpos's Dummy printer for the
bytes the printer gets, and to plain text for the admin and the tests. Both
come from the same lines, so the preview never drifts from the paper.

Pure functions of the ticket values of hub/tickets.py (a print job's snapshot): no
database, no clock, no I/O. `render_ticket` renders any of them; printers/jobs.py
renders a job when it is sent.

Text the printer's code page cannot show (Devanagari, emoji...) becomes "?",
one character for one, so the columns stay where the layout put them; control
characters in names and notes become spaces, so a note can never smuggle an
ESC/POS command onto the paper.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from escpos.printer import Dummy

from hub.tickets import BillTicket, KotTicket, TestPageTicket, Ticket

# Characters per line in font A: 58 mm paper prints 32, 80 mm prints 48.
COLUMNS = {58: 32, 80: 48}
# PC858 is PC850 with the euro sign: Latin accents, box drawing, and the slot (19)
# Epson and most clones agree on. Everything else is replaced, never crashes.
DEFAULT_CODEPAGE = "CP858"
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    text: str = ""
    align: str = "left"  # left | center | right
    bold: bool = False
    double: bool = False  # double width and height: half the columns
    tall: bool = False  # double height only: all the columns, easy to read at the pass


@dataclass(frozen=True)
class Rendered:
    payload: bytes
    preview: str


def columns_for(paper_width_mm: int) -> int:
    return COLUMNS.get(paper_width_mm, 48 if paper_width_mm >= 70 else 32)


# --- the two outputs -------------------------------------------------------


def clean(text: str) -> str:
    """One printable character per character: control characters become spaces."""
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def to_escpos(
    lines: Iterable[Line], *, codepage: str = DEFAULT_CODEPAGE, cut: bool = True
) -> bytes:
    printer = Dummy()
    printer.hw("INIT")  # ESC @: whatever the last job left set, start from the defaults
    printer.charcode(codepage)  # ESC t n, then every character is encoded in that page
    state = Line()
    for line in lines:
        changes: dict = {}
        if line.align != state.align:
            changes["align"] = line.align
        if (line.double, line.tall) != (state.double, state.tall):
            changes["double_width"] = line.double
            changes["double_height"] = line.double or line.tall
            changes["normal_textsize"] = not (line.double or line.tall)
        if line.bold != state.bold or "double_width" in changes:
            # set() sends ESC ! 0 before a size change, which also clears bold: resend it
            changes["bold"] = line.bold
        if changes:
            printer.set(**changes)
        state = line
        printer.textln(clean(line.text))
    if cut:
        printer.cut()
    return printer.output


def to_preview(lines: Iterable[Line], *, columns: int) -> str:
    out = []
    for line in lines:
        text = clean(line.text)
        # a double-size character covers two columns of paper
        used = len(text) * (2 if line.double else 1)
        if line.align == "center":
            text = " " * max((columns - used) // 2, 0) + text
        elif line.align == "right":
            text = " " * max(columns - used, 0) + text
        out.append(text)
    return "\n".join(out) + "\n"


def render(lines: list[Line], *, paper_width_mm: int, codepage: str = DEFAULT_CODEPAGE) -> Rendered:
    return Rendered(
        payload=to_escpos(lines, codepage=codepage),
        preview=to_preview(lines, columns=columns_for(paper_width_mm)),
    )


# --- layout helpers --------------------------------------------------------


def money(value: Decimal | int | None) -> str:
    return f"{Decimal(value or 0).quantize(TWO):,.2f}"


def rate_text(rate: Decimal | int | float) -> str:
    text = f"{Decimal(str(rate)).normalize():f}"
    return f"{text}%"


def local_time(at: datetime, tz: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except Exception:
        # An unknown zone must not stop a ticket (a lost KOT is a guest without food), nor
        # pass UTC off as local time: the paper says UTC (docs/operations.md "Outlet time zones").
        return at.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
    return at.astimezone(zone).strftime("%d %b %Y %H:%M")


def wrap(text: str, width: int, *, indent: str = "") -> list[str]:
    text = clean(text).strip()
    if not text:
        return []
    return textwrap.wrap(
        text,
        width=max(width, 4),
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [""]


def two_cols(left: str, right: str, width: int) -> list[str]:
    """`left ... right` on one line; a long left side wraps and right goes on its last line."""
    right = clean(right)
    room = width - len(right) - 1
    parts = wrap(left, room) or [""]
    last = parts[-1]
    parts[-1] = last + " " * (width - len(last) - len(right)) + right
    return parts


def rule(width: int, char: str = "-") -> Line:
    return Line(char * width)


def _lines(texts: Iterable[str], **style) -> list[Line]:
    return [Line(t, **style) for t in texts]


# --- kitchen tickets -------------------------------------------------------

HEADERS = {"void": "VOID", "cancellation": "CANCELLED"}
LINE_PREFIX = {"void": "VOID ", "cancellation": "CANCEL "}


def banner(word: str, width: int) -> str:
    """`*** WORD ***`, with fewer stars when the paper is narrow; the word is never cut."""
    for stars in ("***", "**", "*"):
        text = f"{stars} {word} {stars}"
        if len(text) <= width:
            return text
    return word


def kot_lines(ticket: KotTicket, *, columns: int) -> list[Line]:
    half = columns // 2
    out: list[Line] = []
    out += _lines(wrap(ticket.kitchen.upper(), columns), align="center", bold=True)
    if ticket.kind in HEADERS:
        out.append(Line(banner(HEADERS[ticket.kind], half), align="center", double=True))
    elif ticket.kind == "addon":
        out.append(Line("** ADD-ON **"[:half], align="center", double=True))
    if ticket.reprint:
        out.append(Line(f"REPRINT {ticket.reprint}"[:half], align="center", double=True))
    if ticket.course > 1:  # a later course, fired (CONTRACT 13): the cook plates it then
        out.append(Line(f"COURSE {ticket.course}"[:half], align="center", double=True))
    out.append(Line(ticket.number[:half], double=True))
    where = f"TABLE {ticket.table}" if ticket.table else ticket.order_type.upper()
    out += _lines(wrap(where, half), double=True)
    if ticket.original_number:
        out.append(Line(f"Takes back {ticket.original_number}", bold=True))
    out += _lines(two_cols(f"Order {ticket.order_number}", ticket.order_type, columns))
    if ticket.waiter:
        out += _lines(wrap(f"Waiter: {ticket.waiter}", columns))
    if ticket.sent_by and ticket.sent_by != ticket.waiter:
        out += _lines(wrap(f"Sent by: {ticket.sent_by}", columns))
    if ticket.guests:
        out.append(Line(f"Guests: {ticket.guests}"))
    out.append(Line(local_time(ticket.created_at, ticket.timezone)))
    out.append(rule(columns))
    prefix = LINE_PREFIX.get(ticket.kind, "")
    for line in ticket.lines:
        head = f"{prefix}{line.quantity} x "
        out += _lines(wrap(head + line.name, columns, indent=" " * len(head)), bold=True, tall=True)
        out += _lines(wrap(f"> {line.note}", columns, indent="  ") if line.note else [])
        if line.voided:  # printed after a void took some back: say so, nobody cooks it twice
            taken = "all" if line.voided >= line.quantity else str(line.voided)
            out += _lines(wrap(f"VOIDED SINCE: {taken}", columns), bold=True)
    out.append(rule(columns))
    count = sum(line.quantity for line in ticket.lines)
    out.append(Line(f"Items: {count}"))
    if ticket.reason:
        out += _lines(wrap(f"Reason: {ticket.reason}", columns), bold=True)
    return out


def render_kot(
    ticket: KotTicket, *, paper_width_mm: int = 80, codepage: str = DEFAULT_CODEPAGE
) -> Rendered:
    """KOT, add-on, void and cancellation tickets (the kind says which)."""
    lines = kot_lines(ticket, columns=columns_for(paper_width_mm))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage)


# --- bill and tax invoice --------------------------------------------------


def bill_lines(ticket: BillTicket, *, columns: int) -> list[Line]:
    half = columns // 2
    invoice = ticket.invoice_number is not None
    outlet = ticket.outlet
    out: list[Line] = []
    out += _lines(wrap(outlet.name, half), align="center", bold=True, double=True)
    for part in outlet.address.splitlines():
        out += _lines(wrap(part, columns), align="center")
    if outlet.phone:
        out += _lines(wrap(f"Tel {outlet.phone}", columns), align="center")
    if invoice and outlet.tax_id:
        out += _lines(wrap(f"GSTIN/Tax ID: {outlet.tax_id}", columns), align="center")
    out.append(Line())
    out.append(Line("TAX INVOICE" if invoice else "BILL", align="center", bold=True, double=True))
    if ticket.reprint:
        label = "DUPLICATE" if invoice else "REPRINT"
        out.append(Line(f"{label} {ticket.reprint}", align="center", bold=True))
    if invoice:
        out += _lines(wrap(f"Invoice No: {ticket.invoice_number}", columns), bold=True)
        issued = ticket.invoice_issued_at or ticket.printed_at
        out += _lines(wrap(f"Invoice date: {local_time(issued, outlet.timezone)}", columns))
    where = f"Table {ticket.table}" if ticket.table else ticket.order_type
    out += _lines(two_cols(f"Order {ticket.order_number}", where, columns))
    if not invoice:
        out.append(Line(f"Date: {local_time(ticket.printed_at, outlet.timezone)}"))
    if ticket.waiter:
        out += _lines(wrap(f"Served by: {ticket.waiter}", columns))
    if ticket.customer:
        out += _lines(wrap(f"Customer: {ticket.customer.name}", columns))
        if ticket.customer.phone:
            out += _lines(wrap(f"Phone: {ticket.customer.phone}", columns))
        if invoice and ticket.customer.address:
            out += _lines(wrap(f"Address: {ticket.customer.address}", columns, indent="  "))
    out.append(rule(columns))
    for item in ticket.items:
        out += _lines(two_cols(f"{item.quantity} x {item.name}", money(item.line_total), columns))
        if item.quantity != 1:
            out.append(Line(f"    @ {money(item.unit_price)}"))
    out.append(rule(columns))
    out += _lines(two_cols("Subtotal", money(ticket.subtotal), columns))
    if ticket.discount_amount:
        label = f"Discount {ticket.discount_label}".strip()
        out += _lines(two_cols(label, f"-{money(ticket.discount_amount)}", columns))
    if invoice:
        out += _tax_breakdown(ticket, columns)
    else:
        for tax in ticket.taxes:
            out += _lines(two_cols(f"{tax.name} {rate_text(tax.rate)}", money(tax.amount), columns))
    if ticket.prices_include_tax and ticket.taxes:
        out.append(Line("(prices include tax)"))
    if ticket.service_charge:
        out += _lines(two_cols("Service charge", money(ticket.service_charge), columns))
    if ticket.round_off:
        out += _lines(two_cols("Round-off", money(ticket.round_off), columns))
    out.append(rule(columns, "="))
    currency = f" {ticket.outlet.currency}" if ticket.outlet.currency else ""
    out += _lines(two_cols(f"TOTAL{currency}", money(ticket.total), half), bold=True, double=True)
    out.append(rule(columns, "="))
    change = Decimal("0")
    for payment in ticket.payments:
        shown = payment.tendered if payment.tendered else payment.amount
        out += _lines(two_cols(f"Paid {payment.method}", money(shown), columns))
        if payment.tip:
            out += _lines(two_cols("  Tip", money(payment.tip), columns))
        change += payment.change
    if ticket.payments:
        if change:
            out += _lines(two_cols("Change", money(change), columns), bold=True)
        out += _lines(two_cols("Balance due", money(ticket.balance_due), columns))
    out.append(Line())
    out.append(Line("Thank you!", align="center"))
    return out


def _tax_breakdown(ticket: BillTicket, columns: int) -> list[Line]:
    """Per component and rate: what it was charged on and how much (the invoice's tax table)."""
    out = [Line("Tax breakdown", bold=True)]
    amount_w = 10
    taxable_w = 11
    name_w = columns - amount_w - taxable_w
    out.append(Line(f"{'Tax':<{name_w}}{'Taxable':>{taxable_w}}{'Amount':>{amount_w}}"))
    for tax in ticket.taxes:
        name = clean(f"{tax.name} {rate_text(tax.rate)}")[: name_w - 1]
        taxable = money(tax.taxable) if tax.taxable is not None else ""
        out.append(Line(f"{name:<{name_w}}{taxable:>{taxable_w}}{money(tax.amount):>{amount_w}}"))
    out += _lines(two_cols("Total tax", money(ticket.tax_total), columns))
    return out


def render_bill(
    ticket: BillTicket, *, paper_width_mm: int = 80, codepage: str = DEFAULT_CODEPAGE
) -> Rendered:
    """The bill, or the tax invoice when `ticket.invoice_number` is set."""
    lines = bill_lines(ticket, columns=columns_for(paper_width_mm))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage)


# --- test page -------------------------------------------------------------


# One line of the characters a ticket may carry: accents and the euro of PC858.
TEST_CHARACTERS = "ABC xyz 0123456789 äéñöü ÄÉÑÖÜ € £ ½"


def test_page_lines(ticket: TestPageTicket, *, columns: int) -> list[Line]:
    half = columns // 2
    ruler = ("1234567890" * (columns // 10 + 1))[:columns]
    out: list[Line] = [
        Line(banner("TEST PAGE", half), align="center", bold=True, double=True),
    ]
    out += _lines(wrap(ticket.outlet, columns), align="center")
    out.append(rule(columns))
    out += _lines(wrap(f"Printer: {ticket.printer}", columns))
    out += _lines(wrap(f"Connection: {ticket.connection}", columns))
    out.append(Line(f"Paper: {ticket.paper_width_mm} mm, {columns} columns"))
    out += _lines(wrap(f"Printed: {local_time(ticket.printed_at, ticket.timezone)}", columns))
    if ticket.asked_by:
        out += _lines(wrap(f"Asked by: {ticket.asked_by}", columns))
    out.append(rule(columns))
    # The ruler fills exactly one line: a shorter line on paper means a wrong width set.
    out.append(Line(ruler))
    out.append(Line("Bold text", bold=True))
    out.append(Line("Tall text", tall=True))
    out.append(Line("Double"[:half], double=True))
    out += _lines(wrap(TEST_CHARACTERS, columns))
    out.append(rule(columns))
    out += _lines(wrap("If you can read this, the hub prints here.", columns), align="center")
    return out


def render_test_page(
    ticket: TestPageTicket, *, paper_width_mm: int = 80, codepage: str = DEFAULT_CODEPAGE
) -> Rendered:
    """A printer's test page: its settings, a ruler of its columns, the styles and characters
    tickets use, then the cut, through the same writer as every ticket."""
    lines = test_page_lines(ticket, columns=columns_for(paper_width_mm))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage)


# --- any ticket --------------------------------------------------------------


def render_ticket(
    ticket: Ticket, *, paper_width_mm: int = 80, codepage: str = DEFAULT_CODEPAGE
) -> Rendered:
    """The bytes and preview of any ticket (what a print job's snapshot holds)."""
    if isinstance(ticket, KotTicket):
        return render_kot(ticket, paper_width_mm=paper_width_mm, codepage=codepage)
    if isinstance(ticket, BillTicket):
        return render_bill(ticket, paper_width_mm=paper_width_mm, codepage=codepage)
    if isinstance(ticket, TestPageTicket):
        return render_test_page(ticket, paper_width_mm=paper_width_mm, codepage=codepage)
    raise TypeError(f"not a ticket: {type(ticket).__name__}")
