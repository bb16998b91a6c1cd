"""Plain data the tickets are rendered from (docs/printing.md "Rendering").

No ORM here: hub/selectors/printing.py builds these from the models, and
printers/render.py turns them into ESC/POS bytes and a text preview. Keeping
the renderer a pure function of these values is what makes it testable byte
for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class OutletInfo:
    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    timezone: str = "UTC"
    currency: str = ""


@dataclass(frozen=True)
class KotTicketLine:
    name: str
    quantity: int
    note: str = ""


@dataclass(frozen=True)
class KotTicket:
    """A kitchen ticket. `kind` is new, addon, void or cancellation."""

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


@dataclass(frozen=True)
class BillItem:
    name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class TaxLine:
    """One tax component (CGST 2.5%) with what it was charged on."""

    name: str
    rate: Decimal
    amount: Decimal
    taxable: Decimal | None = None


@dataclass(frozen=True)
class PaymentLine:
    method: str
    amount: Decimal
    tendered: Decimal
    change: Decimal
    tip: Decimal = Decimal("0")


@dataclass(frozen=True)
class CustomerInfo:
    name: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class BillTicket:
    """The guest's bill; with `invoice_number` set it is printed as the tax invoice."""

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
