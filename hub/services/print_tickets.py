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

from hub.errors import ValidationFailed
from hub.models import Check, Kot, Order, OrderItem, Outlet, Printer, Staff
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
    TicketOption,
)
from hub.upi import order_upi_uri


def outlet_info(outlet: Outlet) -> OutletInfo:
    return OutletInfo(
        name=outlet.name,
        address=outlet.address,
        phone=outlet.phone,
        tax_id=outlet.tax_id,
        timezone=outlet.timezone,
        currency=outlet.currency,
        locale=outlet.locale,
        logo=outlet.logo.name if outlet.logo else "",
    )


def kot_ticket(*, kot_id: int, reprint: int = 0) -> KotTicket:
    kot = (
        Kot.objects.select_related(
            "kitchen",
            "outlet",
            "order__order_type",
            "order__table",
            "order__platform",
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
                options=_options(ln.modifiers),
            )
            for ln in lines
        ),
        reprint=reprint,
        original_number=kot.voids.number if kot.voids else None,
        reason=kot.reason,
        guests=order.guests,
        course=kot.course,
        platform=kot_platform_label(order),
    )


def kot_platform_label(order: Order) -> str | None:
    """The line "SWIGGY #12345" on a platform order's KOT, so the packer matches the bag."""
    if not order.platform_id:
        return None
    ref = order.platform_order_ref
    return f"{order.platform.name.upper()} #{ref}" if ref else order.platform.name.upper()


def _dec(value) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def _options(modifiers: list[dict]) -> tuple[TicketOption, ...]:
    """A line's modifier snapshot (OrderItem.modifiers or KotLine.modifiers, CONTRACT 11)."""
    return tuple(
        TicketOption(
            name=str(m.get("name", "")),
            quantity=int(m.get("quantity", 1)),
            price=_dec(m.get("price")),
        )
        for m in modifiers or []
    )


def _tax_lines(taxes: list[dict], taxable: dict) -> tuple[TaxLine, ...]:
    return tuple(
        TaxLine(
            name=str(t.get("name", "")),
            rate=_dec(t.get("rate")),
            amount=_dec(t.get("amount")),
            taxable=taxable.get((str(t.get("name", "")), _dec(t.get("rate")).normalize())),
        )
        for t in (taxes or [])
    )


def _bill_item(item: OrderItem, quantity: int) -> BillItem:
    return BillItem(
        name=item.name,
        quantity=quantity,
        unit_price=item.unit_price,
        line_total=item_line_total(item, quantity=quantity),
        options=_options(item.modifiers),
        note=item.note,
    )


def _payment_line(payment) -> PaymentLine:
    return PaymentLine(
        method=payment.method.name,
        amount=payment.amount,
        tendered=payment.tendered,
        change=payment.change_due,
        tip=payment.tip_amount,
    )


def _check_of(order: Order, check_id: int) -> tuple[Check, int]:
    """The check `check_id` of `order` and the number of checks (400 on `check_id` if the
    order is not split or the check is not one of its current checks)."""
    checks = {c.pk: c for c in order.checks.all()}
    if check_id not in checks:
        problem = "No such check on this order." if checks else "This order's bill is not split."
        raise ValidationFailed(fields={"check_id": [problem]})
    return checks[check_id], len(checks)


def bill_ticket(
    *,
    order_id: int,
    printed_at: datetime,
    reprint: int = 0,
    invoice: bool = False,
    check_id: int | None = None,
) -> BillTicket:
    """The bill of an order (or its tax invoice: the order must carry its invoice number),
    or, with `check_id`, one check of its split bill: that check's lines (all of the
    order's for an equal part), figures and payments (CONTRACT 12)."""
    order = (
        Order.objects.select_related(
            "outlet", "order_type", "table", "customer", "coupon", "created_by"
        )
        .prefetch_related("items", "payments__method", "checks")
        .get(pk=order_id)
    )
    items = [i for i in order.items.all() if i.status != OrderItem.Status.VOID and i.quantity > 0]
    payments = list(order.payments.all())
    figures: Order | Check = order
    check, check_count = None, None
    bill_items = [_bill_item(i, i.quantity) for i in items]
    if check_id is not None:
        check, check_count = _check_of(order, check_id)
        figures = check
        payments = [p for p in payments if p.split_check_id == check.pk]
        if check.items:  # a check by items: its lines and quantities
            by_id = {i.pk: i for i in items}
            bill_items = [
                _bill_item(by_id[part["item_id"]], part["quantity"])
                for part in check.items
                if part["item_id"] in by_id
            ]
    discount_label = ""
    if order.discount_amount:
        if order.coupon:
            discount_label = f"({order.coupon.code})"
        elif order.discount_type == "percent" and order.discount_value is not None:
            discount_label = f"({order.discount_value.normalize():f}%)"
    taxable = order_taxable_values(order, items) if invoice else {}
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
        items=tuple(bill_items),
        subtotal=figures.subtotal,
        total=figures.total,
        table=order.table.name if order.table else None,
        waiter=order.created_by.name if order.created_by else "",
        customer=customer,
        discount_label=discount_label,
        discount_amount=figures.discount_amount,
        taxes=_tax_lines(figures.taxes, taxable),
        tax_total=figures.tax_total,
        service_charge=figures.service_charge,
        round_off=figures.round_off,
        payments=tuple(_payment_line(p) for p in payments),
        paid_total=figures.paid_total,
        balance_due=figures.total - figures.paid_total,
        reprint=reprint,
        invoice_number=order.invoice_number if invoice else None,
        invoice_issued_at=order.invoice_issued_at if invoice else None,
        prices_include_tax=order.outlet.prices_include_tax,
        check_number=check.number if check else None,
        check_count=check_count,
        check_shared_equally=bool(check is not None and not check.items),
        upi_uri=order_upi_uri(order, check),
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
        codepage=printer.codepage,
        profile=printer.profile,
    )


test_page_ticket.__test__ = False  # a builder, not a pytest test
