"""What a printed ticket says: plain values, and the JSON snapshot a print job keeps of them
(docs/printing.md "Rendering" and "What a job keeps").

No ORM here and no layout: hub/services/print_tickets.py builds these from the rows, in
the transaction that queues the job, and the job stores `ticket_snapshot(ticket)`;
printers/ reads it back with `ticket_from_snapshot` and renders ESC/POS bytes and a
text preview when it sends (printers/render.py), so the renderer stays a pure function
of these values, testable byte for byte, and a job prints what was asked when it was
asked whatever changes later.

The snapshot is the values as JSON (money and rates as decimal strings, times as ISO
8601), read back strictly: an unknown or missing key, or a wrong type, raises
TicketSnapshotError, when the job is created as when it is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError

# On each class: pydantic reads the snapshot back into the dataclass refusing unknown keys.
_CLOSED = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class OutletInfo:
    __pydantic_config__ = _CLOSED

    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    timezone: str = "UTC"
    currency: str = ""
    # CONTRACT 17 (docs/printing.md): "" in snapshots queued before these, printed as then
    locale: str = ""  # money on paper in this locale (en_IN: 12,34,567.00 and the rupee sign)
    logo: str = ""  # the outlet's logo, a file under the media root, atop bills and invoices


@dataclass(frozen=True)
class TicketOption:
    """A chosen modifier option of a line (CONTRACT 11): "Full", "2 x Extra cheese"."""

    __pydantic_config__ = _CLOSED

    name: str
    quantity: int = 1
    price: Decimal = Decimal("0")  # per unit of the line; bills show it, KOTs do not


@dataclass(frozen=True)
class KotTicketLine:
    __pydantic_config__ = _CLOSED

    name: str
    quantity: int
    note: str = ""
    voided: int = 0  # of `quantity`, taken back since it was sent (a later print says so)
    options: tuple[TicketOption, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class KotTicket:
    """A kitchen ticket. `kind` is new, addon, void or cancellation."""

    __pydantic_config__ = _CLOSED

    kitchen: str
    number: str
    kind: str
    order_number: str
    order_type: str
    created_at: datetime
    timezone: str
    lines: tuple[KotTicketLine, ...]
    table: str | None = None
    waiter: str = ""  # the order's waiter (who opened it)
    sent_by: str = ""  # who sent this ticket, printed when it is someone else
    reprint: int = 0
    original_number: str | None = None  # void/cancellation: the KOT they take back
    reason: str = ""
    guests: int | None = None
    course: int = 1  # CONTRACT 13: a later course prints "COURSE n"
    platform: str | None = None  # a delivery platform's order: "SWIGGY #12345"


@dataclass(frozen=True)
class BillItem:
    __pydantic_config__ = _CLOSED

    name: str
    quantity: int
    unit_price: Decimal  # the options' prices included
    line_total: Decimal
    options: tuple[TicketOption, ...] = field(default_factory=tuple)
    note: str = ""  # the guest's request ("बिना प्याज"), under the item, so they see it was heard


@dataclass(frozen=True)
class TaxLine:
    """One tax component (CGST 2.5%) with what it was charged on."""

    __pydantic_config__ = _CLOSED

    name: str
    rate: Decimal
    amount: Decimal
    taxable: Decimal | None = None


@dataclass(frozen=True)
class PaymentLine:
    __pydantic_config__ = _CLOSED

    method: str
    amount: Decimal
    tendered: Decimal
    change: Decimal
    tip: Decimal = Decimal("0")


@dataclass(frozen=True)
class CustomerInfo:
    __pydantic_config__ = _CLOSED

    name: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class BillTicket:
    """The guest's bill; with `invoice_number` set it is printed as the tax invoice."""

    __pydantic_config__ = _CLOSED

    outlet: OutletInfo
    order_number: str
    order_type: str
    printed_at: datetime
    items: tuple[BillItem, ...]
    subtotal: Decimal
    total: Decimal
    table: str | None = None
    waiter: str = ""
    customer: CustomerInfo | None = None
    discount_label: str = ""
    discount_amount: Decimal = Decimal("0")
    taxes: tuple[TaxLine, ...] = field(default_factory=tuple)
    tax_total: Decimal = Decimal("0")
    service_charge: Decimal = Decimal("0")
    round_off: Decimal = Decimal("0")
    payments: tuple[PaymentLine, ...] = field(default_factory=tuple)
    paid_total: Decimal = Decimal("0")
    balance_due: Decimal = Decimal("0")
    reprint: int = 0
    invoice_number: str | None = None
    invoice_issued_at: datetime | None = None
    prices_include_tax: bool = False
    # one check of a split bill (CONTRACT 12): "Check 2 of 3"; its own lines and figures
    check_number: int | None = None
    check_count: int | None = None
    check_shared_equally: bool = False  # an equal part: the order's lines, a share of the sum
    # the UPI link for balance_due (of this check, on a check's bill) at print time: printed
    # as a QR with "Scan to pay" (CONTRACT 17); None: no UPI id, or nothing due
    upi_uri: str | None = None


@dataclass(frozen=True)
class TestPageTicket:
    """What a printer's test page says (the admin's "Print a test page")."""

    __pydantic_config__ = _CLOSED
    __test__ = False  # a ticket, not a pytest test class

    printer: str
    connection: str
    paper_width_mm: int
    outlet: str
    printed_at: datetime
    timezone: str
    asked_by: str = ""
    codepage: str = ""  # the printer's code page and profile, said on the page
    profile: str = ""


@dataclass(frozen=True)
class ShiftPaymentLine:
    __pydantic_config__ = _CLOSED

    method: str
    count: int
    amount: Decimal
    tips: Decimal = Decimal("0")


@dataclass(frozen=True)
class ShiftReportTicket:
    """A shift's X report (`z_number` None: the shift so far) or Z report (CONTRACT 14)."""

    __pydantic_config__ = _CLOSED

    outlet: OutletInfo
    shift_id: int
    z_number: int | None
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str
    printed_at: datetime
    orders: int
    cancelled: int
    void_lines: int
    void_amount: Decimal
    discounts: int
    discount_amount: Decimal
    subtotal: Decimal
    taxes: tuple[TaxLine, ...]
    tax_total: Decimal
    service_charge: Decimal
    round_off: Decimal
    total: Decimal
    payments: tuple[ShiftPaymentLine, ...]
    refunds: int
    refund_amount: Decimal
    opening_float: Decimal
    cash_payments: Decimal
    change_given: Decimal
    cash_refunds: Decimal
    paid_in: Decimal
    paid_out: Decimal
    expected: Decimal
    counted: Decimal | None = None
    difference: Decimal | None = None
    reprint: int = 0


Ticket = KotTicket | BillTicket | TestPageTicket | ShiftReportTicket

# PrintJob.Kind -> the ticket a job of that kind prints
TICKET_OF_KIND: dict[str, type] = {
    "kot": KotTicket,
    "void": KotTicket,
    "cancellation": KotTicket,
    "bill": BillTicket,
    "invoice": BillTicket,
    "test_page": TestPageTicket,
    "shift_report": ShiftReportTicket,
}
_ADAPTERS = {ticket_type: TypeAdapter(ticket_type) for ticket_type in set(TICKET_OF_KIND.values())}


class TicketSnapshotError(ValueError):
    """A snapshot that is not the ticket its job's kind prints."""


def ticket_snapshot(ticket: Ticket) -> dict[str, Any]:
    """`ticket` as JSON values, for PrintJob.ticket."""
    return _ADAPTERS[type(ticket)].dump_python(ticket, mode="json")


def ticket_from_snapshot(kind: str, snapshot: dict[str, Any]) -> Ticket:
    """The ticket a job of `kind` keeps in `snapshot`, exactly as it was built.

    Read as JSON in strict mode: "2" is no quantity, a key the ticket does not have is
    refused (a snapshot written by another version of the hub must not print half)."""
    ticket_type = TICKET_OF_KIND.get(kind)
    if ticket_type is None:
        raise TicketSnapshotError(f"no ticket for a job of kind {kind!r}")
    try:
        return _ADAPTERS[ticket_type].validate_json(json.dumps(snapshot), strict=True)
    except ValidationError as error:
        raise TicketSnapshotError(f"{kind} ticket: {error}") from error
