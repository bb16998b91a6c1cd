"""What happened, read-only for managers: orders and their lines, payments, refunds
(invoices are orders' numbers), KOTs, the event outbox and the counters
(docs/admin.md "Records").

These change only through the services, which keep totals, versions, gap-free
numbers and events together in one transaction; a form could change one without
the others, so a manager reads them here and changes them at the till.
Internal rows (stream cursors, POS sessions) are for superusers only.
"""

from __future__ import annotations

from django.contrib import admin

from hub import models as m

from .base import NOTHING, VIEW, OutletAdmin, ReadOnlyTabularInline


class OrderItemInline(ReadOnlyTabularInline):
    model = m.OrderItem


class PaymentInline(ReadOnlyTabularInline):
    model = m.Payment


@admin.register(m.Order)
class OrderAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = (
        "number",
        "outlet",
        "status",
        "payment_status",
        "total",
        "paid_total",
        "invoice_number",
        "created_at",
    )
    list_filter = ("outlet", "status", "payment_status", "order_type")
    search_fields = ("number", "invoice_number")
    inlines = [OrderItemInline, PaymentInline]


class KotLineInline(ReadOnlyTabularInline):
    model = m.KotLine


@admin.register(m.Kot)
class KotAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("number", "business_date", "kitchen", "order", "kind", "status", "created_at")
    list_filter = ("outlet", ("kitchen", admin.RelatedOnlyFieldListFilter), "kind", "status")
    inlines = [KotLineInline]


@admin.register(m.Payment)
class PaymentAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "order", "method", "amount", "tip_amount", "created_at")
    list_filter = ("method",)


@admin.register(m.Refund)
class RefundAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "payment", "amount", "reason", "created_at")


@admin.register(m.Event)
class EventAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("stream", "seq", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("stream",)


@admin.register(m.Sequence)
class SequenceAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("key", "outlet", "value")
    list_filter = ("outlet",)


@admin.register(m.HeldOrder)
class HeldOrderAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "label", "held_by", "held_at", "resumed_at")


@admin.register(m.OrderItem)
class OrderItemAdmin(OutletAdmin):
    manager_may = NOTHING  # shown in their order's page
    list_display = ("id", "order", "name", "quantity", "unit_price", "status")


@admin.register(m.KotLine)
class KotLineAdmin(OutletAdmin):
    manager_may = NOTHING  # shown in their KOT's page
    list_display = ("id", "kot", "name", "quantity")


@admin.register(m.StreamCursor)
class StreamCursorAdmin(OutletAdmin):
    manager_may = NOTHING
    list_display = ("stream", "last_seq")


@admin.register(m.PosSession)
class PosSessionAdmin(OutletAdmin):
    manager_may = NOTHING
    list_display = ("staff", "device_id", "updated_at")
