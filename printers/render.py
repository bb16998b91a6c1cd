"""Tickets to ESC/POS bytes and a text preview, from one layout (docs/printing.md "Rendering").

Each ticket is first laid out as a list of `Line`s (text already fitted to the
paper's columns), then written twice: to python-escpos's Dummy printer for the
bytes the printer gets, and to plain text for the admin and the tests. Both
come from the same lines, so the preview never drifts from the paper.

Pure functions of the ticket values of hub/tickets.py (a print job's snapshot): no
database, no clock, no I/O. `render_ticket` renders any of them; printers/jobs.py
renders a job when it is sent.

Text the printer's code page cannot show (Devanagari, Tamil, the rupee sign) is
drawn as an image of that line at the paper's width (printers/raster.py), never "?";
control characters in names and notes become spaces, so a note can never smuggle an
ESC/POS command onto the paper. A bill with something due and an outlet UPI id ends
with "Scan to pay" and a QR of its UPI link (python-escpos's qr(): the printer's own
QR command where its profile has one, an image otherwise); the outlet's logo, when the
caller hands it over (printers/jobs.py reads the file), tops bills and invoices.
Money reads as the outlet's locale writes it (hub/money_text.py).
"""

from __future__ import annotations

import logging
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from hub.money_text import currency_symbol, money_text
from hub.tickets import (
    BillTicket,
    KotTicket,
    ShiftReportTicket,
    TestPageTicket,
    Ticket,
    TicketOption,
)

from . import raster

log = logging.getLogger(__name__)

# Characters per line in font A: 58 mm paper prints 32, 80 mm prints 48.
FONT_A_DOTS = 12  # ESC/POS font A is 12 x 24 dots
# PC858 is PC850 with the euro sign: Latin accents, box drawing, and the slot (19)
# Epson and most clones agree on. Everything else is replaced, never crashes.
DEFAULT_CODEPAGE = "CP858"
DEFAULT_PROFILE = "default"
TWO = Decimal("0.01")
QR_SIZE = 6  # dots per module: a UPI link (QR version 5-6) is ~250 dots, fits 58 mm


@dataclass(frozen=True)
class Line:
    text: str = ""
    align: str = "left"  # left | center | right
    bold: bool = False
    double: bool = False  # double width and height: half the columns
    tall: bool = False  # double height only: all the columns, easy to read at the pass
    kind: str = "text"  # text | qr (`text` is the QR's content) | logo (the outlet's logo)


@dataclass(frozen=True)
class Rendered:
    payload: bytes
    preview: str


def columns_for(paper_width_mm: int, profile: str = DEFAULT_PROFILE) -> int:
    """Characters in one line of font A (12 dots wide): the head's dots, not the paper's
    millimetres (paper_dots). 58 mm: 384 dots, 32; 80 mm: 576 dots, 48; an 80 mm printer
    whose head has 512 dots (TM-T88V's profile): 42, as its profile's font A says, so a
    48-column line never wraps on it."""
    return paper_dots(paper_width_mm, profile) // FONT_A_DOTS


# --- the two outputs -------------------------------------------------------


def clean(text: str) -> str:
    """One printable character per character: control characters become spaces."""
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def paper_dots(paper_width_mm: int, profile: str = DEFAULT_PROFILE) -> int:
    """Dots in one line: the paper's (384 on 58 mm, 576 on 80 mm at 203 dpi), fewer when
    the printer's profile says its head has fewer (TM-T88V: 512)."""
    dots = raster.PAPER_DOTS.get(paper_width_mm, 576 if paper_width_mm >= 70 else 384)
    try:
        known = int(_profile_data(profile)["media"]["width"]["pixels"])
    except (KeyError, TypeError, ValueError):
        return dots
    return min(dots, known)


def _profile_data(profile: str) -> dict:
    from escpos.capabilities import CAPABILITIES

    profiles = CAPABILITIES["profiles"]
    return profiles.get(profile) or profiles[DEFAULT_PROFILE]


def printer_profiles() -> list[tuple[str, str]]:
    """python-escpos's printer profiles, (name, model name), for the admin's choices."""
    from escpos.capabilities import CAPABILITIES

    profiles = CAPABILITIES["profiles"]
    return sorted((key, str(data.get("name", key))) for key, data in profiles.items())


def profile_codepages(profile: str) -> list[str]:
    """The code pages a printer of `profile` has (names python-escpos can encode)."""
    pages = _profile_data(profile).get("codePages", {}).values()
    return sorted({p for p in pages if p and p != "Unknown"})


def _printer(profile: str, codepage: str, dots: int) -> tuple[Dummy, str]:
    """A Dummy printer of `profile` (unknown names: the default profile) and the code
    page it will use: `codepage` if the profile has it, else its first one. Its media width
    is set to `dots`, so python-escpos centres images and QR codes on the paper."""
    from escpos.capabilities import CAPABILITIES

    if profile not in CAPABILITIES["profiles"]:
        profile = DEFAULT_PROFILE
    printer = Dummy(profile=profile)
    data = dict(printer.profile.profile_data)
    data["media"] = {**data.get("media", {}), "width": {"mm": "", "pixels": dots}}
    printer.profile.profile_data = data  # this printer's copy only
    pages = printer.profile.get_code_pages()
    if codepage not in pages:
        codepage = DEFAULT_CODEPAGE if DEFAULT_CODEPAGE in pages else sorted(pages)[0]
    return printer, codepage


def encodable(printer: Dummy, codepage: str, text: str) -> bool:
    encoder = printer.magic.encoder
    return all(encoder.can_encode(codepage, ch) for ch in text)


def to_escpos(
    lines: Iterable[Line],
    *,
    codepage: str = DEFAULT_CODEPAGE,
    cut: bool = True,
    profile: str = DEFAULT_PROFILE,
    paper_width_mm: int = 80,
    logo: Image.Image | None = None,
) -> bytes:
    dots = paper_dots(paper_width_mm, profile)
    columns = columns_for(paper_width_mm, profile)
    printer, codepage = _printer(profile, codepage, dots)
    printer.hw("INIT")  # ESC @: whatever the last job left set, start from the defaults
    printer.charcode(codepage)  # ESC t n, then every character is encoded in that page
    state = Line()
    for line in lines:
        if line.kind == "logo":
            if logo is not None:
                printer.image(raster.dithered(logo, dots=dots))
            continue
        if line.kind == "qr":
            native = bool(printer.profile.supports("qrCode"))
            if native and state.align != "center":
                printer.set(align="center")  # the printer's QR follows the line's alignment
                state = Line(align="center", bold=state.bold, double=state.double, tall=state.tall)
            printer.qr(line.text, ec=QR_ECLEVEL_M, size=QR_SIZE, native=native, center=not native)
            if native:
                printer.ln()
            continue
        text = clean(line.text)
        if not encodable(printer, codepage, text):
            # not in the code page: the line as an image, where the text would have been
            try:
                picture = raster.line_image(
                    text,
                    dots=dots,
                    columns=columns,
                    align=line.align,
                    bold=line.bold,
                    double=line.double,
                    tall=line.tall,
                )
            except raster.FontMissing:
                # a broken install must not stop a KOT (a lost ticket is a guest without
                # food): the line goes as text, what the page lacks as "?" (and the log says)
                log.exception("cannot draw a line the code page lacks; printing it as text")
            else:
                printer.image(picture)
                continue
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
        printer.textln(text)
    if cut:
        printer.cut()
    return printer.output


def to_preview(lines: Iterable[Line], *, columns: int) -> str:
    out = []
    for line in lines:
        if line.kind != "text":
            line = Line(PREVIEW_MARKS[line.kind], align="center")
        text = clean(line.text)
        # a double-size character covers two columns of paper
        used = len(text) * (2 if line.double else 1)
        if line.align == "center":
            text = " " * max((columns - used) // 2, 0) + text
        elif line.align == "right":
            text = " " * max(columns - used, 0) + text
        out.append(text)
    return "\n".join(out) + "\n"


PREVIEW_MARKS = {"qr": "[ UPI QR code ]", "logo": "[ logo ]"}


def render(
    lines: list[Line],
    *,
    paper_width_mm: int,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    if logo is None:
        lines = [line for line in lines if line.kind != "logo"]
    return Rendered(
        payload=to_escpos(
            lines, codepage=codepage, profile=profile, paper_width_mm=paper_width_mm, logo=logo
        ),
        preview=to_preview(lines, columns=columns_for(paper_width_mm, profile)),
    )


# --- layout helpers --------------------------------------------------------


def money(value: Decimal | int | None, locale: str = "") -> str:
    """An amount on paper: two decimals, grouped as `locale` groups (en_IN: 12,34,567.00)."""
    # some locales group with (narrow) no-break spaces, which no code page has
    return money_text(value, locale).replace("\u202f", " ").replace("\xa0", " ")


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


def indented(text: str, width: int, *, by: int) -> list[str]:
    """`text` wrapped to `width`, every line `by` spaces in (an option under its item)."""
    pad = " " * by
    return [pad + part for part in wrap(text, width - by, indent="  ")]


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


def option_text(option: TicketOption) -> str:
    """An option as printed: its name, with a count when chosen more than once."""
    return option.name if option.quantity == 1 else f"{option.quantity} x {option.name}"


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
    if ticket.platform:  # large, like the table: the packer matches the bag by it
        out += _lines(wrap(ticket.platform, half), double=True)
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
        for option in line.options:  # under the item, as large: the cook makes it so
            text = f"+ {option_text(option)}"
            out += _lines(indented(text, columns, by=len(head)), bold=True, tall=True)
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
    ticket: KotTicket,
    *,
    paper_width_mm: int = 80,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    """KOT, add-on, void and cancellation tickets (the kind says which; never a logo)."""
    lines = kot_lines(ticket, columns=columns_for(paper_width_mm, profile))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage, profile=profile)


# --- bill and tax invoice --------------------------------------------------


def bill_lines(ticket: BillTicket, *, columns: int) -> list[Line]:
    half = columns // 2
    invoice = ticket.invoice_number is not None
    outlet = ticket.outlet

    def fmt(value) -> str:
        return money(value, outlet.locale)

    out: list[Line] = []
    if outlet.logo:
        out.append(Line(kind="logo"))  # printed only when the renderer is handed the image
    out += _lines(wrap(outlet.name, half), align="center", bold=True, double=True)
    for part in outlet.address.splitlines():
        out += _lines(wrap(part, columns), align="center")
    if outlet.phone:
        out += _lines(wrap(f"Tel {outlet.phone}", columns), align="center")
    if invoice and outlet.tax_id:
        out += _lines(wrap(f"GSTIN/Tax ID: {outlet.tax_id}", columns), align="center")
    out.append(Line())
    out.append(Line("TAX INVOICE" if invoice else "BILL", align="center", bold=True, double=True))
    if ticket.check_number is not None:
        check = f"Check {ticket.check_number} of {ticket.check_count}"
        out.append(Line(check[:half], align="center", bold=True, double=True))
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
        out += _lines(two_cols(f"{item.quantity} x {item.name}", fmt(item.line_total), columns))
        for option in item.options:
            # the option's price is part of the unit price above, so it stays off the column
            priced = f" (+{fmt(option.price * option.quantity)})" if option.price else ""
            out += _lines(indented(f"+ {option_text(option)}{priced}", columns, by=2))
        if item.note:
            out += _lines(indented(f"> {item.note}", columns, by=2))
        if item.quantity != 1:
            out.append(Line(f"    @ {fmt(item.unit_price)}"))
    out.append(rule(columns))
    if ticket.check_shared_equally:
        out += _lines(wrap(f"Shared equally in {ticket.check_count}: this part", columns))
    out += _lines(two_cols("Subtotal", fmt(ticket.subtotal), columns))
    if ticket.discount_amount:
        label = f"Discount {ticket.discount_label}".strip()
        out += _lines(two_cols(label, f"-{fmt(ticket.discount_amount)}", columns))
    if invoice:
        out += _tax_breakdown(ticket, columns)
    else:
        for tax in ticket.taxes:
            out += _lines(two_cols(f"{tax.name} {rate_text(tax.rate)}", fmt(tax.amount), columns))
    if ticket.prices_include_tax and ticket.taxes:
        out.append(Line("(prices include tax)"))
    if ticket.service_charge:
        out += _lines(two_cols("Service charge", fmt(ticket.service_charge), columns))
    if ticket.round_off:
        out += _lines(two_cols("Round-off", fmt(ticket.round_off), columns))
    out.append(rule(columns, "="))
    symbol = currency_symbol(outlet.currency, outlet.locale)
    currency = f" {symbol}" if symbol else ""
    out += _lines(two_cols(f"TOTAL{currency}", fmt(ticket.total), half), bold=True, double=True)
    out.append(rule(columns, "="))
    change = Decimal("0")
    for payment in ticket.payments:
        shown = payment.tendered if payment.tendered else payment.amount
        out += _lines(two_cols(f"Paid {payment.method}", fmt(shown), columns))
        if payment.tip:
            out += _lines(two_cols("  Tip", fmt(payment.tip), columns))
        change += payment.change
    if ticket.payments:
        if change:
            out += _lines(two_cols("Change", fmt(change), columns), bold=True)
        out += _lines(two_cols("Balance due", fmt(ticket.balance_due), columns))
    if ticket.upi_uri:  # CONTRACT 17: only while something is due, for exactly that
        out.append(Line())
        out.append(Line("Scan to pay", align="center", bold=True, double=True))
        out.append(
            Line(
                f"UPI {currency.strip()} {fmt(ticket.balance_due)}".replace("  ", " "),
                align="center",
            )
        )
        out.append(Line(ticket.upi_uri, kind="qr"))
    out.append(Line())
    out.append(Line("Thank you!", align="center"))
    return out


def _tax_breakdown(ticket: BillTicket, columns: int) -> list[Line]:
    """Per component and rate: what it was charged on and how much (the invoice's tax table)."""

    def fmt(value) -> str:
        return money(value, ticket.outlet.locale)

    out = [Line("Tax breakdown", bold=True)]
    amount_w = 10
    taxable_w = 11
    name_w = columns - amount_w - taxable_w
    out.append(Line(f"{'Tax':<{name_w}}{'Taxable':>{taxable_w}}{'Amount':>{amount_w}}"))
    for tax in ticket.taxes:
        name = clean(f"{tax.name} {rate_text(tax.rate)}")[: name_w - 1]
        taxable = fmt(tax.taxable) if tax.taxable is not None else ""
        out.append(Line(f"{name:<{name_w}}{taxable:>{taxable_w}}{fmt(tax.amount):>{amount_w}}"))
    out += _lines(two_cols("Total tax", fmt(ticket.tax_total), columns))
    return out


def render_bill(
    ticket: BillTicket,
    *,
    paper_width_mm: int = 80,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    """The bill, or the tax invoice when `ticket.invoice_number` is set; `logo`, the image
    of the file `ticket.outlet.logo` names, on top."""
    lines = bill_lines(ticket, columns=columns_for(paper_width_mm, profile))
    return render(
        lines, paper_width_mm=paper_width_mm, codepage=codepage, profile=profile, logo=logo
    )


# --- test page -------------------------------------------------------------


# One line of the characters a ticket may carry: accents and the euro of PC858.
TEST_CHARACTERS = "ABC xyz 0123456789 äéñöü ÄÉÑÖÜ € £ ½"
# One line of each script no code page has: they print as images of the line.
TEST_SCRIPTS = ("हिन्दी: बिना प्याज, कम तीखा", "தமிழ்: வெங்காயம் இல்லாமல்", "₹ 12,34,567.00")


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
    if ticket.codepage or ticket.profile:
        out += _lines(wrap(f"Code page {ticket.codepage}, profile {ticket.profile}", columns))
    # what no code page has, printed as images of their lines (docs/printing.md "Characters")
    for script_line in TEST_SCRIPTS:
        out += _lines(wrap(script_line, columns))
    out.append(rule(columns))
    out += _lines(wrap("If you can read this, the hub prints here.", columns), align="center")
    return out


def render_test_page(
    ticket: TestPageTicket,
    *,
    paper_width_mm: int = 80,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    """A printer's test page: its settings, a ruler of its columns, the styles and characters
    tickets use, then the cut, through the same writer as every ticket."""
    lines = test_page_lines(ticket, columns=columns_for(paper_width_mm, profile))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage, profile=profile)


# --- shift reports (X and Z) -------------------------------------------------


def shift_report_lines(ticket: ShiftReportTicket, *, columns: int) -> list[Line]:
    """The X report (the shift so far) or the Z report (its close, numbered), CONTRACT 14:
    sales, taxes, payments by method, refunds, then the cash drawer's count."""
    half = columns // 2
    tz = ticket.outlet.timezone
    out: list[Line] = []
    out += _lines(wrap(ticket.outlet.name, half), align="center", bold=True, double=True)
    title = f"Z REPORT {ticket.z_number}" if ticket.z_number is not None else "X REPORT"
    out.append(Line(title[:half], align="center", bold=True, double=True))
    if ticket.z_number is None:
        out.append(Line("(shift still open)", align="center"))
    if ticket.reprint:
        out.append(Line(f"REPRINT {ticket.reprint}", align="center", bold=True))
    out.append(Line(f"Shift {ticket.shift_id}"))
    out += _lines(wrap(f"Opened: {local_time(ticket.opened_at, tz)} {ticket.opened_by}", columns))
    if ticket.closed_at is not None:
        out += _lines(
            wrap(f"Closed: {local_time(ticket.closed_at, tz)} {ticket.closed_by}", columns)
        )
    out.append(Line(f"Printed: {local_time(ticket.printed_at, tz)}"))
    out.append(rule(columns))
    out.append(Line("SALES", bold=True))
    out += _lines(two_cols("Orders paid", str(ticket.orders), columns))
    out += _lines(two_cols("Subtotal", money(ticket.subtotal), columns))
    if ticket.discount_amount:
        out += _lines(
            two_cols(
                f"Discounts ({ticket.discounts})", f"-{money(ticket.discount_amount)}", columns
            )
        )
    for tax in ticket.taxes:
        out += _lines(two_cols(f"{tax.name} {rate_text(tax.rate)}", money(tax.amount), columns))
    out += _lines(two_cols("Tax total", money(ticket.tax_total), columns))
    if ticket.service_charge:
        out += _lines(two_cols("Service charge", money(ticket.service_charge), columns))
    if ticket.round_off:
        out += _lines(two_cols("Round-off", money(ticket.round_off), columns))
    out += _lines(two_cols("TOTAL", money(ticket.total), half), bold=True, double=True)
    out += _lines(two_cols("Cancelled orders", str(ticket.cancelled), columns))
    out += _lines(two_cols(f"Void lines ({ticket.void_lines})", money(ticket.void_amount), columns))
    out.append(rule(columns))
    out.append(Line("PAYMENTS", bold=True))
    for payment in ticket.payments:
        out += _lines(
            two_cols(f"{payment.method} ({payment.count})", money(payment.amount), columns)
        )
        if payment.tips:
            out += _lines(two_cols("  Tips", money(payment.tips), columns))
    if not ticket.payments:
        out.append(Line("None"))
    out += _lines(
        two_cols(f"Refunds ({ticket.refunds})", f"-{money(ticket.refund_amount)}", columns)
    )
    out.append(rule(columns))
    out.append(Line("CASH DRAWER", bold=True))
    out += _lines(two_cols("Opening float", money(ticket.opening_float), columns))
    out += _lines(two_cols("Cash tendered", money(ticket.cash_payments), columns))
    out += _lines(two_cols("Change given", f"-{money(ticket.change_given)}", columns))
    out += _lines(two_cols("Cash refunds", f"-{money(ticket.cash_refunds)}", columns))
    out += _lines(two_cols("Paid in", money(ticket.paid_in), columns))
    out += _lines(two_cols("Paid out", f"-{money(ticket.paid_out)}", columns))
    out.append(rule(columns, "="))
    out += _lines(two_cols("Expected in drawer", money(ticket.expected), columns), bold=True)
    if ticket.counted is not None:
        out += _lines(two_cols("Counted", money(ticket.counted), columns), bold=True)
        difference = ticket.difference if ticket.difference is not None else Decimal("0")
        sign = "+" if difference > 0 else ""
        label = "OVER" if difference > 0 else "SHORT" if difference < 0 else "Difference"
        out += _lines(two_cols(label, f"{sign}{money(difference)}", columns), bold=True)
    out.append(rule(columns, "="))
    if ticket.z_number is not None:
        out.append(Line())
        out.append(Line("Signature: ____________________"[:columns]))
    return out


def render_shift_report(
    ticket: ShiftReportTicket,
    *,
    paper_width_mm: int = 80,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    """An X or Z report (no logo: it is for the till, not the guest)."""
    lines = shift_report_lines(ticket, columns=columns_for(paper_width_mm, profile))
    return render(lines, paper_width_mm=paper_width_mm, codepage=codepage, profile=profile)


# --- any ticket --------------------------------------------------------------


def render_ticket(
    ticket: Ticket,
    *,
    paper_width_mm: int = 80,
    codepage: str = DEFAULT_CODEPAGE,
    profile: str = DEFAULT_PROFILE,
    logo: Image.Image | None = None,
) -> Rendered:
    """The bytes and preview of any ticket (what a print job's snapshot holds), for a
    printer of `profile` sent text in `codepage`."""
    options = dict(paper_width_mm=paper_width_mm, codepage=codepage, profile=profile, logo=logo)
    if isinstance(ticket, KotTicket):
        return render_kot(ticket, **options)
    if isinstance(ticket, BillTicket):
        return render_bill(ticket, **options)
    if isinstance(ticket, TestPageTicket):
        return render_test_page(ticket, **options)
    if isinstance(ticket, ShiftReportTicket):
        return render_shift_report(ticket, **options)
    raise TypeError(f"not a ticket: {type(ticket).__name__}")
