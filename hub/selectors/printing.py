"""Read queries for printing, and the adapter from models to ticket data (docs/printing.md).

`kot_ticket` and `bill_ticket` turn rows into the plain values of
printers/data.py, which printers/render.py lays out. Each fetches what it needs
in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from hub.errors import NotFound
from hub.models import Kot, Order, OrderItem, Outlet, Printer, PrintJob
from hub.selectors.kitchen import kot_sent_by_name, kot_waiter_name
from hub.services.order_pricing import item_line_total, order_taxable_values
from printers.data import (
    BillItem,
    BillTicket,
    CustomerInfo,
    KotTicket,
    KotTicketLine,
    OutletInfo,
    PaymentLine,
    TaxLine,
)


def printers_for_outlet(*, outlet: Outlet) -> QuerySet[Printer]:
    """The outlet's printers with how many jobs wait on each (for GET /printers)."""
    return (
        Printer.objects.filter(outlet=outlet)
        .annotate(
            queued_jobs=Count(
                "jobs", filter=Q(jobs__status__in=[PrintJob.Status.QUEUED, PrintJob.Status.SENT])
            ),
        )
        .prefetch_related("kitchens")
        .order_by("id")
    )


def kot_get(*, outlet: Outlet, kot_id: int) -> Kot:
    kot = Kot.objects.filter(outlet=outlet, pk=kot_id).first()
    if kot is None:
        raise NotFound("No such KOT.")
    return kot


def order_get(*, outlet: Outlet, order_id: int) -> Order:
    order = Order.objects.filter(outlet=outlet, pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


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
        .prefetch_related("lines")
        .get(pk=kot_id)
    )
    order = kot.order
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
            KotTicketLine(name=ln.name, quantity=ln.quantity, note=ln.note)
            for ln in kot.lines.all()
        ),
        reprint=reprint,
        original_number=kot.voids.number if kot.voids else None,
        reason=kot.reason,
        guests=order.guests,
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
