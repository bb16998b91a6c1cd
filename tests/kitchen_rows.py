"""A stand-in for sending KOTs in order tests: pending lines -> one KOT per kitchen.

The order tests need lines that a kitchen already has (to test voids and
cancellation tickets) without depending on how KOTs are sent.
"""

from __future__ import annotations

from django.db import transaction

from hub.models import Kot, Order, OrderItem
from hub.services.kitchen import kot_number_next


@transaction.atomic
def send_pending(order: Order, *, item_status: str = OrderItem.Status.SENT_TO_KITCHEN) -> list[Kot]:
    order = Order.objects.select_related("outlet").get(pk=order.pk)
    kots = []
    pending = list(
        OrderItem.objects.filter(order=order, status=OrderItem.Status.PENDING).order_by("id")
    )
    for kitchen_id in sorted({item.kitchen_id for item in pending}):
        number, day = kot_number_next(order=order)
        kot = Kot.objects.create(
            outlet_id=order.outlet_id,
            order=order,
            kitchen_id=kitchen_id,
            number=number,
            business_date=day,
        )
        for item in pending:
            if item.kitchen_id == kitchen_id:
                item.kot = kot
                item.status = item_status
                item.save(update_fields=["kot", "status"])
                kot.lines.create(
                    order_item=item, name=item.name, quantity=item.quantity, note=item.note
                )
        kots.append(kot)
    if order.status == Order.Status.DRAFT:
        order.status = Order.Status.KOT
        order.version += 1
        order.save(update_fields=["status", "version"])
    return kots
