"""The tickets a print job keeps: built from the rows in the transaction that queues the
job (docs/printing.md "What a job keeps").

`kot_ticket`, `bill_ticket` and `test_page_ticket` turn rows into the plain values of
hub/tickets.py, which hub/services/printing.py stores as the job's snapshot and
printers/ renders when it sends. Each fetches what it needs in a fixed number of
queries. What a KOT's ticket says, whenever it is printed (first print or reprint):

- its lines as they were sent (KotLine: name, quantity, note, frozen at the send);
- for each line, how much of it was taken back since (a void, the order's
  cancellation), printed under it, so a late print or a reprint never has a cook make
  again what was taken back;
- where the order is now (table, waiter, guests): a reprint after a transfer goes to
  the table the food must reach.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hub.models import Kot, Order, OrderItem, Outlet, Printer, Staff
from hub.selectors.kitchen import kot_line_voided_quantity, kot_sent_by_name, kot_waiter_name
from hub.services.order_pricing import item_line_total, order_taxable_values
from hub.tickets import (
    BillItem,
    BillTicket,
    CustomerInfo,
    KotTicket,
    KotTicketLine,
    OutletInfo,
    PaymentLine,
    TaxLine,
    TestPageTicket,
)


def outlet_info(outlet: Outlet) -> OutletInfo:
    return OutletInfo(
        name=outlet.name,
        address=outlet.address,
        phone=outlet.phone,
        tax_id=outlet.tax_id,
        timezone=outlet.timezone,
        currency=outlet.currency,
    )


def kot_ticket(*, kot_id: int, reprint: int = 0) -> KotTicket:
    kot = (
        Kot.objects.select_related(
            "kitchen",
            "outlet",
            "order__order_type",
            "order__table",
            "order__created_by",
            "created_by",
            "voids",
        )
        .prefetch_related("lines__order_item")
        .get(pk=kot_id)
    )
    order = kot.order
    lines = list(kot.lines.all())  # the prefetch sets each line's kot: no query per line
    return KotTicket(
        kitchen=kot.kitchen.name,
        number=kot.number,
        kind=kot.kind,
        order_number=order.number,
        order_type=order.order_type.name,
        table=order.table.name if order.table else None,
        waiter=kot_waiter_name(order) or "",
        sent_by=kot_sent_by_name(kot) or "",
        created_at=kot.created_at,
        timezone=kot.outlet.timezone,
        lines=tuple(
            KotTicketLine(
                name=ln.name,
                quantity=ln.quantity,
                note=ln.note,
                voided=kot_line_voided_quantity(ln),
            )
            for ln in lines
        ),
        reprint=reprint,
        original_number=kot.voids.number if kot.voids else None,
        reason=kot.reason,
        guests=order.guests,
        course=kot.course,
    )


def _dec(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def bill_ticket(
    *, order_id: int, printed_at: datetime, reprint: int = 0, invoice: bool = False
) -> BillTicket:
    """The bill of an order (or its tax invoice: the order must carry its invoice number)."""
    order = (
        Order.objects.select_related(
            "outlet", "order_type", "table", "customer", "coupon", "created_by"
        )
        .prefetch_related("items", "payments__method")
        .get(pk=order_id)
    )
    items = [i for i in order.items.all() if i.status != OrderItem.Status.VOID and i.quantity > 0]
    payments = list(order.payments.all())
    discount_label = ""
    if order.discount_amount:
        if order.coupon:
            discount_label = f"({order.coupon.code})"
        elif order.discount_type == "percent" and order.discount_value is not None:
            discount_label = f"({order.discount_value.normalize():f}%)"
    taxable = order_taxable_values(order, items) if invoice else {}
    taxes = tuple(
        TaxLine(
            name=str(t.get("name", "")),
            rate=_dec(t.get("rate")),
            amount=_dec(t.get("amount")),
            taxable=taxable.get((str(t.get("name", "")), _dec(t.get("rate")).normalize())),
        )
        for t in (order.taxes or [])
    )
    customer = None
    if order.customer:
        customer = CustomerInfo(
            name=order.customer.name, phone=order.customer.phone, address=order.customer.address
        )
    return BillTicket(
        outlet=outlet_info(order.outlet),
        order_number=order.number,
        order_type=order.order_type.name,
        printed_at=printed_at,
        items=tuple(
            BillItem(
                name=i.name,
                quantity=i.quantity,
                unit_price=i.unit_price,
                line_total=item_line_total(i),
            )
            for i in items
        ),
        subtotal=order.subtotal,
        total=order.total,
        table=order.table.name if order.table else None,
        waiter=order.created_by.name if order.created_by else "",
        customer=customer,
        discount_label=discount_label,
        discount_amount=order.discount_amount,
        taxes=taxes,
        tax_total=order.tax_total,
        service_charge=order.service_charge,
        round_off=order.round_off,
        payments=tuple(
            PaymentLine(
                method=p.method.name,
                amount=p.amount,
                tendered=p.tendered,
                change=p.change_due,
                tip=p.tip_amount,
            )
            for p in payments
        ),
        paid_total=order.paid_total,
        balance_due=order.total - order.paid_total,
        reprint=reprint,
        invoice_number=order.invoice_number if invoice else None,
        invoice_issued_at=order.invoice_issued_at if invoice else None,
        prices_include_tax=order.outlet.prices_include_tax,
    )


def test_page_ticket(*, printer: Printer, printed_at: datetime, by: Staff | None) -> TestPageTicket:
    """A printer's test page: its settings as they are now (`printer.outlet` loaded)."""
    target = printer.connection
    if printer.address and printer.connection != Printer.Connection.AGENT:
        target += f" {printer.address}"
    return TestPageTicket(
        printer=printer.name,
        connection=target,
        paper_width_mm=printer.paper_width_mm,
        outlet=printer.outlet.name,
        printed_at=printed_at,
        timezone=printer.outlet.timezone,
        asked_by=by.name if by is not None else "",
    )


test_page_ticket.__test__ = False  # a builder, not a pytest test
