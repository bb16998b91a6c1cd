"""Kitchen tickets (KOTs): what each kitchen must cook, or stop cooking (CONTRACT 5, docs/api.md).

Void and cancellation tickets come first in this module: when an item that a
kitchen already has is removed, reduced or its order cancelled, the kitchen gets
a ticket taking it back (CONTRACT 4 "voids"). Sending KOTs lives further down.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from hub.models import Kot, KotLine, Order, OrderItem, Staff
from hub.services.clock import outlet_today
from hub.services.events import kitchen_stream, orders_stream, record_event, table_stream
from hub.services.numbering import sequence_next


def kot_number_next(*, order: Order) -> tuple[str, object]:
    """The next `KOT-nnn` of the outlet's business day, and that day."""
    day = outlet_today(order.outlet)
    seq = sequence_next(outlet=order.outlet, key=f"kot:{day.isoformat()}")
    return f"KOT-{seq:03d}", day


def kot_event_items(lines: Sequence[KotLine]) -> list[dict]:
    return [
        {
            "order_item_id": line.order_item_id,
            "name": line.name,
            "quantity": line.quantity,
            "note": line.note,
        }
        for line in lines
    ]


@transaction.atomic
def void_ticket_create(
    *, order: Order, items: Sequence[OrderItem], kind: str, reason: str, by: Staff | None
) -> list[Kot]:
    """Tickets taking back `items` (void rows already saved, each with its quantity) from kitchens.

    `kind` is Kot.Kind.VOID (lines removed or reduced: one ticket per original KOT,
    linked to it by `voids`) or Kot.Kind.CANCELLATION (the order was cancelled: one
    ticket per kitchen; `voids` names the original KOT when all its items came from
    one, else stays empty). Call inside the order's transaction with the order row
    locked. Records `kot.voided` on the kitchen's stream, the outlet's orders stream
    and the table's stream.
    """
    if kind not in (Kot.Kind.VOID, Kot.Kind.CANCELLATION):
        raise ValueError(f"not a taking-back kind: {kind!r}")
    groups: dict[tuple[int, int | None], list[OrderItem]] = {}
    for item in items:
        if item.quantity <= 0:
            continue
        key = (item.kitchen_id, item.kot_id if kind == Kot.Kind.VOID else None)
        groups.setdefault(key, []).append(item)

    tickets = []
    for (kitchen_id, source_kot_id), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
    ):
        if source_kot_id is None:
            sources = {item.kot_id for item in group}
            source_kot_id = sources.pop() if len(sources) == 1 else None
        number, day = kot_number_next(order=order)
        kot = Kot.objects.create(
            outlet_id=order.outlet_id,
            order=order,
            kitchen_id=kitchen_id,
            number=number,
            business_date=day,
            kind=kind,
            voids_id=source_kot_id,
            reason=reason[:200],
            created_by=by,
        )
        lines = KotLine.objects.bulk_create(
            [
                KotLine(
                    kot=kot, order_item=item, name=item.name, quantity=item.quantity, note=item.note
                )
                for item in group
            ]
        )
        streams = [kitchen_stream(kitchen_id), orders_stream(order.outlet_id)]
        if order.table_id:
            streams.append(table_stream(order.table_id))
        record_event(
            outlet=order.outlet_id,
            streams=streams,
            type="kot.voided",
            data={
                "kot_id": kot.pk,
                "kot_number": kot.number,
                "order_id": order.pk,
                "order_number": order.number,
                "kitchen_id": kitchen_id,
                "kind": kind,
                "voids_kot_id": source_kot_id,
                "items": kot_event_items(lines),
                "table_id": order.table_id,
                "reason": kot.reason,
            },
        )
        tickets.append(kot)
    return tickets
