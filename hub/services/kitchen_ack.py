"""The acknowledgement timer: a kitchen that provably saw every ticket (CONTRACT 13,
docs/realtime.md "Seen tickets", docs/operations.md "Background work").

A kitchen screen sends `kot.seen` for each ticket it draws (hub.services.kitchen
kot_mark_seen stamps `seen_at`). A live KOT that no screen of its kitchen has
acknowledged within the outlet's `kot_ack_seconds` of going live (`sent_at`: sent, or
fired) is printed on the kitchen's printer if it was not already, and `kot.unseen` is
raised on the expo and orders streams, once per KOT (`unseen_at`).

`kots_unseen_handle(now=...)` is one round of the timer: a background process calls it
every second or so (`python manage.py kot_ack_check` runs one round, or loops). Several
callers at once are safe: each KOT is handled in its own transaction that locks its
order, then the KOT, and re-reads it under the lock, so the second caller finds it
handled and does nothing; the print is print_job_create_for_kot's first print, which
never queues a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from hub.events import expo_stream, orders_stream, record_event, service_transaction
from hub.models import Kot, Outlet
from hub.services.order_core import order_lock
from hub.services.printing import print_job_create_for_kot, printer_for_kot

# Only a ticket waiting for the cook: once it moves (started, ready, acknowledged) someone
# in the kitchen has it.
WAITING = Kot.Status.SENT_TO_KITCHEN
BATCH = 200


def kot_unseen_alert(kot: Kot) -> bool:
    """Whether the ticket is "NOT SEEN" now: the timer raised `kot.unseen` for it and it
    has not moved since (still waiting for the cook). What the expo and the waiter tablet
    draw loudly (KotOut `unseen`); its next kot.status_changed ends it, as any move leaves
    `sent_to_kitchen` (only a fired held ticket enters it, and that one was never raised)."""
    return kot.unseen_at is not None and kot.status == WAITING


def kots_unseen_due(*, now: datetime) -> list[int]:
    """Ids of live KOTs past their outlet's kot_ack_seconds without an acknowledgement and
    not yet handled (one query per outlet with the timer on; reads only)."""
    due: list[int] = []
    for outlet_id, seconds in Outlet.objects.filter(kot_ack_seconds__gt=0).values_list(
        "pk", "kot_ack_seconds"
    ):
        due += list(
            Kot.objects.filter(
                outlet_id=outlet_id,
                status=WAITING,
                seen_at__isnull=True,
                unseen_at__isnull=True,
                sent_at__lte=now - timedelta(seconds=seconds),
            )
            .order_by("id")
            .values_list("pk", flat=True)[:BATCH]
        )
    return due


@service_transaction
def kot_unseen_handle(*, kot_id: int, now: datetime) -> bool:
    """Handle one KOT found due: print it if it has no first print yet and its kitchen has
    a printer, stamp `unseen_at`, record `kot.unseen`. False (nothing done) when, under
    the lock, it was seen, moved or handled meanwhile. Locks the order row, then the KOT
    (then print jobs): the lock order of docs/architecture.md."""
    row = Kot.objects.filter(pk=kot_id).values("order_id", "outlet_id").first()
    if row is None:
        return False
    order = order_lock(order_id=row["order_id"], outlet=row["outlet_id"])
    kot = (
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen__printer", "outlet")
        .get(pk=kot_id)
    )
    due = kot.sent_at is not None and kot.sent_at <= now - timedelta(
        seconds=kot.outlet.kot_ack_seconds
    )
    if (
        kot.status != WAITING
        or kot.seen_at is not None
        or kot.unseen_at is not None
        or kot.outlet.kot_ack_seconds <= 0
        or not due
    ):
        return False
    printed = False
    if printer_for_kot(kot) is not None:
        # the first print: an existing queued/sent/printed one is returned, not doubled
        print_job_create_for_kot(kot=kot, by=None)
        printed = True
    kot.unseen_at = now
    kot.save(update_fields=["unseen_at", "updated_at"])
    table = order.table
    record_event(
        outlet=order.outlet_id,
        streams=[expo_stream(order.outlet_id), orders_stream(order.outlet_id)],
        type="kot.unseen",
        data={
            "kot_id": kot.pk,
            "kot_number": kot.number,
            "kitchen_id": kot.kitchen_id,
            "kitchen_name": kot.kitchen.name,
            "order_id": order.pk,
            "order_number": order.number,
            "table_id": table.pk if table else None,
            "table_name": table.name if table else None,
            "sent_at": kot.sent_at,
            "ack_seconds": kot.outlet.kot_ack_seconds,
            "printed": printed,
        },
    )
    return True


def kots_unseen_handle(*, now: datetime | None = None) -> list[int]:
    """One round of the timer: handle every KOT due at `now` (default: the clock). Returns
    the ids this caller handled (another caller's are not in it). Each KOT in its own
    transaction, so one failure (a printer row gone) does not hold back the others."""
    now = now or timezone.now()
    return [
        kot_id for kot_id in kots_unseen_due(now=now) if kot_unseen_handle(kot_id=kot_id, now=now)
    ]
