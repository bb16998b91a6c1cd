"""Kitchen tickets (KOTs): what each kitchen must cook, or stop cooking (CONTRACT 5, docs/api.md).

Void and cancellation tickets come first in this module: when an item that a
kitchen already has is removed, reduced or its order cancelled, the kitchen gets
a ticket taking it back (CONTRACT 4 "voids"). Sending KOTs lives further down.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.utils import timezone

from hub.errors import (
    Conflict,
    CourseCode,
    DomainError,
    Forbidden,
    KitchenCode,
    NotFound,
    ValidationFailed,
    invalid_transition,
)
from hub.events import expo_stream, kitchen_stream, record_event, service_transaction
from hub.models import Kitchen, Kot, KotLine, Order, OrderItem, Outlet, Staff
from hub.roles import KITCHEN, WAITER, role_may
from hub.selectors.kitchen import (
    kot_line_voided_quantity,
    kot_sent_by_name,
    kot_waiter_name,
    staff_works_kitchen,
)
from hub.services.clock import outlet_today
from hub.services.numbering import sequence_next
from hub.services.order_core import (
    order_bump,
    order_closed_error,
    order_lock,
    order_record,
    order_streams,
)
from hub.services.order_lines import check_course


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
            "status": line.order_item.status,
            "modifiers": line.modifiers,
        }
        for line in lines
    ]


def kot_line(*, kot: Kot, item: OrderItem) -> KotLine:
    """What a ticket says of a line, frozen as sent: name, quantity, note, and the options
    chosen (names and quantities: the cook needs no prices)."""
    return KotLine(
        kot=kot,
        order_item=item,
        name=item.name,
        quantity=item.quantity,
        note=item.note,
        modifiers=[
            {"option_id": m["option_id"], "name": m["name"], "quantity": m["quantity"]}
            for m in item.modifiers or ()
        ],
    )


@service_transaction
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
    from hub.services.printing import kot_auto_print  # printing imports this module's models

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
        lines = KotLine.objects.bulk_create([kot_line(kot=kot, item=item) for item in group])
        record_event(
            outlet=order.outlet_id,
            streams=_kot_streams(kot, order),
            type="kot.voided",
            data={
                # the same card as kot.created, so a screen draws the ticket from the event
                **kot_card_data(kot=kot, order=order, lines=lines),
                "voids_kot_id": source_kot_id,
                "voids_kot_number": kot.voids.number if kot.voids_id else None,
                "reason": kot.reason,
                # and what the ticket it takes from now shows, so the screen redraws that
                # one without asking (docs/screens.md "Screen state")
                "voids_kot_items": _voided_items(source_kot_id),
            },
        )
        # Void and cancellation tickets print like any KOT: the cook must stop cooking.
        kot_auto_print(kot=kot, by=by)
        tickets.append(kot)
    return tickets


def _voided_items(kot_id: int | None) -> list[dict]:
    """The lines of KOT `kot_id` with what is voided of each now (the KOT representation's
    `voided_quantity` / `voided`), for the kot.voided event that takes from it."""
    if kot_id is None:
        return []
    lines = KotLine.objects.filter(kot_id=kot_id).select_related("kot", "order_item").order_by("id")
    return [
        {
            "order_item_id": line.order_item_id,
            "voided_quantity": kot_line_voided_quantity(line),
            "voided": kot_line_voided_quantity(line) >= line.quantity,
        }
        for line in lines
    ]


# --- sending KOTs (CONTRACT 5) -----------------------------------------------------------

ITEM = OrderItem.Status
KOT_STATUS = Kot.Status
COOKING_KINDS = (Kot.Kind.NEW, Kot.Kind.ADDON)

# The cooking walk of a new or add-on KOT; food_ready -> in_kitchen is a recall
# (the pass sent the plate back). Void and cancellation tickets have nothing to
# cook: the kitchen acknowledges them (sent_to_kitchen -> served) and they leave
# the screen. A held KOT (a later course) has no move of its own: firing its course
# (order_fire) sends it.
KOT_FLOW: dict[str, tuple[str, ...]] = {
    KOT_STATUS.HELD: (),
    KOT_STATUS.SENT_TO_KITCHEN: (KOT_STATUS.IN_KITCHEN,),
    KOT_STATUS.IN_KITCHEN: (KOT_STATUS.FOOD_READY,),
    KOT_STATUS.FOOD_READY: (KOT_STATUS.SERVED, KOT_STATUS.IN_KITCHEN),
    KOT_STATUS.SERVED: (),
    KOT_STATUS.CANCELLED: (),  # its order was cancelled (kots_end_for_cancelled_order)
}
TAKE_BACK_FLOW: dict[str, tuple[str, ...]] = {
    KOT_STATUS.HELD: (),
    KOT_STATUS.SENT_TO_KITCHEN: (KOT_STATUS.SERVED,),
    KOT_STATUS.IN_KITCHEN: (KOT_STATUS.SERVED,),
    KOT_STATUS.FOOD_READY: (KOT_STATUS.SERVED,),
    KOT_STATUS.SERVED: (),
    KOT_STATUS.CANCELLED: (),
}


def kot_card_data(*, kot: Kot, order: Order, lines: Sequence[KotLine]) -> dict[str, Any]:
    """What a kitchen screen needs to draw the ticket from the event alone (docs/api.md).

    `waiter_name` is the order's waiter (who opened it, whose table it is);
    `sent_by_name` who pressed send for this ticket, often a cashier or a manager."""
    return {
        "kot_id": kot.pk,
        "kot_number": kot.number,
        "kind": kot.kind,
        "status": kot.status,
        "course": kot.course,
        "kitchen_id": kot.kitchen_id,
        "kitchen_name": kot.kitchen.name,
        "order_id": order.pk,
        "order_number": order.number,
        "order_type": order.order_type.code,
        "order_version": order.version,
        "table_id": order.table_id,
        "table_name": order.table.name if order.table_id else None,
        # a delivery platform's order: the cook and the packer match the bag by these
        "platform_name": order.platform.name if order.platform_id else None,
        "platform_order_ref": (order.platform_order_ref or None) if order.platform_id else None,
        "guests": order.guests,
        "waiter_name": kot_waiter_name(order),
        "sent_by_name": kot_sent_by_name(kot),
        "created_at": kot.created_at,
        "items": kot_event_items(lines),
        "allowed_statuses": kot_allowed_statuses(kot),
        "allowed_item_statuses": kot_item_allowed_statuses(kot),
    }


def _kot_streams(kot: Kot, order: Order) -> list[str]:
    return [kitchen_stream(kot.kitchen_id), *order_streams(order), expo_stream(order.outlet_id)]


# --- the pass (CONTRACT 13) ----------------------------------------------------------------

# A fired ticket still on its way to the guest: what "ready at the pass" looks at.
AT_THE_PASS = (KOT_STATUS.SENT_TO_KITCHEN, KOT_STATUS.IN_KITCHEN, KOT_STATUS.FOOD_READY)


def kots_ready_at_pass(kots: Iterable[tuple[str, str]]) -> bool:
    """CONTRACT 13: an order is ready at the pass when all its fired KOTs are food_ready.
    `kots`: (kind, status) of the order's tickets. Fired and not yet served cooking KOTs
    count (held ones wait for their course, served ones are at the table, cancelled and
    take-back tickets cook nothing); at least one must be there."""
    statuses = [status for kind, status in kots if kind in COOKING_KINDS and status in AT_THE_PASS]
    return bool(statuses) and all(status == KOT_STATUS.FOOD_READY for status in statuses)


def order_ready_at_pass(order: Order) -> bool:
    """kots_ready_at_pass over the order's tickets as they are now (one query)."""
    return kots_ready_at_pass(Kot.objects.filter(order=order).values_list("kind", "status"))


@service_transaction
def kot_send(*, order_id: int, outlet: Outlet, by: Staff) -> list[Kot]:
    """Send every item of the order not sent yet: one KOT per kitchen, all or nothing.

    Locks the order row first, so two taps on "send" (or two terminals) are
    serialised and the second finds nothing left: each item goes out once. An
    item is routed to OrderItem.kitchen (its menu item's kitchen when ordered).
    A kitchen's first KOT of the order is kind `new`, later ones `addon`.
    Numbers `KOT-nnn` come from the outlet's per-business-day sequence shared
    with void and cancellation tickets. Lines freeze name, quantity and note.

    Any order that is not cancelled may send: a `paid` order too (a pay-first
    counter takes the money, then sends to the kitchen), and it stays `paid`;
    only `draft` moves, to `kot`. Raises Conflict `order_closed` (cancelled) and
    `nothing_to_send`. Raises the order's version by one. Records `kot.created`
    per KOT on the kitchen's, the outlet's orders and the table's stream, then
    `order.status_changed` (draft -> kot) or `order.updated`. Queues each KOT's
    first print when the outlet prints KOTs automatically (hub.services.printing).

    Courses (CONTRACT 13): lines of a course above the order's `fired_course` go on
    `held` KOTs, one per kitchen and course, which are neither printed nor live until
    order_fire sends them; the other lines go on one live KOT per kitchen.
    """
    from hub.services.printing import kot_auto_print  # printing imports this module's models

    order = order_lock(order_id=order_id, outlet=outlet)
    pending = list(OrderItem.objects.filter(order=order, status=ITEM.PENDING).order_by("id"))
    refusal = kot_send_refusal(order=order, pending=bool(pending), by=by)
    if refusal is not None:
        raise refusal

    # One live KOT per kitchen (CONTRACT 5); lines of a course not fired yet go on held
    # KOTs, one per kitchen and course, so firing a course sends exactly its tickets.
    groups: dict[tuple[int, int], list[OrderItem]] = {}
    for item in pending:
        held = item.course > order.fired_course
        groups.setdefault((item.kitchen_id, item.course if held else 0), []).append(item)
    kitchens = Kitchen.objects.select_related("printer").in_bulk({k for k, _ in groups})
    already_cooking = set(
        Kot.objects.filter(order=order, kind__in=COOKING_KINDS).values_list("kitchen_id", flat=True)
    )

    from_status = order.status
    if order.status == Order.Status.DRAFT:
        order.status = Order.Status.KOT
    order_bump(order, fields=["status"])

    now = timezone.now()
    created: list[tuple[Kot, list[KotLine]]] = []
    for kitchen_id, held_course in sorted(groups):
        items = groups[(kitchen_id, held_course)]
        number, day = kot_number_next(order=order)
        kot = Kot.objects.create(
            outlet=order.outlet,
            order=order,
            kitchen=kitchens[kitchen_id],
            number=number,
            business_date=day,
            created_by=by,
            kind=Kot.Kind.ADDON if kitchen_id in already_cooking else Kot.Kind.NEW,
            status=KOT_STATUS.HELD if held_course else KOT_STATUS.SENT_TO_KITCHEN,
            course=held_course or max(item.course for item in items),
            sent_at=None if held_course else now,
        )
        already_cooking.add(kitchen_id)
        for item in items:
            item.status = ITEM.HELD if held_course else ITEM.SENT_TO_KITCHEN
            item.kot = kot
        OrderItem.objects.bulk_update(items, ["status", "kot"])
        lines = KotLine.objects.bulk_create([kot_line(kot=kot, item=item) for item in items])
        created.append((kot, lines))

    ready = order_ready_at_pass(order)
    kots = []
    for kot, lines in created:
        record_event(
            outlet=order.outlet_id,
            streams=_kot_streams(kot, order),
            type="kot.created",
            data={**kot_card_data(kot=kot, order=order, lines=lines), "order_ready": ready},
        )
        if kot.status != KOT_STATUS.HELD:  # a held course prints when it is fired
            kot_auto_print(kot=kot, by=by)
        kots.append(kot)

    if order.status != from_status:
        order_record(order, "order.status_changed", from_status=str(from_status))
    else:
        order_record(order, "order.updated")
    return kots


def kot_send_refusal(*, order: Order, pending: bool, by: Staff) -> DomainError | None:
    """Why `by` may not send the order's unsent items now, or None if they may: the rule
    kot_send applies, and the order representation's `send_kot` action (docs/api.md).

    Roles with `kot.send`; not a cancelled order (409 `order_closed`; a paid one may:
    the pay-first counter); something unsent (`pending`; else 409 `nothing_to_send`)."""
    if not role_may(by.role, "kot.send"):
        return Forbidden("Your role may not send to the kitchen.")
    if order.status == Order.Status.CANCELLED:
        return order_closed_error(order)
    if not pending:
        return Conflict(
            f"Every item of order {order.number} is already in a kitchen.",
            code=KitchenCode.NOTHING_TO_SEND,
        )
    return None


# --- KOT status ------------------------------------------------------------------------

# Every status some move leads to (what GET /me's `kot_statuses` is made of).
KOT_TARGETS = tuple(
    sorted(
        {str(s) for flow in (KOT_FLOW, TAKE_BACK_FLOW) for moves in flow.values() for s in moves}
    )
)


def kot_allowed_statuses(kot: Kot) -> list[str]:
    """The ticket's half of a move, whoever asks: where its walk goes from here. Events
    carry this (`allowed_statuses`); empty once the ticket is done (served, cancelled)."""
    flow = KOT_FLOW if kot.kind in COOKING_KINDS else TAKE_BACK_FLOW
    return [str(s) for s in flow[kot.status]]


def kot_move_refusal(
    *,
    kind: str,
    kitchen_id: int,
    status: str,
    by: Staff,
    kitchen_ids: Collection[int] | None = None,
) -> Forbidden | None:
    """The caller's half of a move: why `by` may not move a ticket of this kind and kitchen
    to `status`, or None if they may (docs/api.md "Kitchen (KOT)").

    Roles with `kot.set_status` (hub.roles); a kitchen user only on the kitchens they work;
    a waiter only marks ready food served. It depends on the ticket's kind and kitchen,
    never on its status: so a screen may combine an event's role-independent
    `allowed_statuses` with GET /me's `kot_statuses` (kot_role_statuses) and get what
    kot_statuses_for gives over REST. `kitchen_ids`: the kitchens `by` works, when the
    caller read them already (staff_kitchen_ids, once for a list); else read here."""
    if not role_may(by.role, "kot.set_status"):
        return Forbidden("Your role may not move kitchen tickets.")
    if by.role == KITCHEN:
        works = (
            kitchen_id in kitchen_ids
            if kitchen_ids is not None
            else staff_works_kitchen(staff=by, kitchen_id=kitchen_id)
        )
        if not works:
            return Forbidden("You do not work this kitchen.")
    if by.role == WAITER and (status != KOT_STATUS.SERVED or kind not in COOKING_KINDS):
        # The floor marks plates served; cooking and acknowledging take-backs are the kitchen's.
        return Forbidden("A waiter may only mark ready food served.")
    return None


def staff_kitchen_ids(staff: Staff) -> frozenset[int]:
    """The kitchens a kitchen user works (one query), for kot_move_refusal over many
    tickets; other roles' moves do not depend on the kitchen (no query)."""
    if staff.role != KITCHEN:
        return frozenset()
    return frozenset(staff.kitchens.values_list("pk", flat=True))


def kot_statuses_for(
    *, kot: Kot, by: Staff, kitchen_ids: Collection[int] | None = None
) -> list[str]:
    """What `PUT /kot/{id}/status` accepts now from `by`: the KOT representation's
    `allowed_statuses` (the ticket's moves that the caller's role allows)."""
    return [
        status
        for status in kot_allowed_statuses(kot)
        if kot_move_refusal(
            kind=kot.kind, kitchen_id=kot.kitchen_id, status=status, by=by, kitchen_ids=kitchen_ids
        )
        is None
    ]


def kot_role_statuses(*, by: Staff, kitchen_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """For GET /me (`kot_statuses`): per kitchen and KOT kind, the statuses `by` may move
    such a ticket to, by kot_move_refusal. A screen intersects an event's
    `allowed_statuses` with this entry instead of knowing the role rules."""
    works = staff_kitchen_ids(by)
    return {
        kitchen_id: {
            str(kind): [
                status
                for status in KOT_TARGETS
                if kot_move_refusal(
                    kind=kind, kitchen_id=kitchen_id, status=status, by=by, kitchen_ids=works
                )
                is None
            ]
            for kind in Kot.Kind.values
        }
        for kitchen_id in kitchen_ids
    }


def _check_may_move(*, kot: Kot, status: str, by: Staff) -> None:
    refusal = kot_move_refusal(kind=kot.kind, kitchen_id=kot.kitchen_id, status=status, by=by)
    if refusal is not None:
        raise refusal


@service_transaction
def kot_set_status(*, kot_id: int, outlet: Outlet, status: str, by: Staff) -> Kot:
    """Move a KOT along its walk; the statuses of its items (those not void) follow.

    New and add-on KOTs: sent_to_kitchen -> in_kitchen -> food_ready -> served,
    and food_ready -> in_kitchen (recall). Void and cancellation tickets are only
    acknowledged: -> served. The same status again changes nothing (a double tap).
    Any other move: 409 `invalid_transition` with `allowed`. A kitchen user moves
    only KOTs of their kitchens, a waiter only marks cooking KOTs served (403).
    Another outlet's KOT is NotFound.

    Locks the order row, then the KOT (the lock order of every order service, so
    an order update and a kitchen tap never deadlock or lose an item status).
    Raises the order's version. Records `kot.status_changed` on the kitchen's,
    the orders and the table's stream.
    """
    if status not in KOT_STATUS.values:
        raise ValidationFailed(fields={"status": [f"One of {', '.join(KOT_STATUS.values)}."]})
    found = Kot.objects.filter(pk=kot_id, outlet=outlet).values("order_id", "kitchen_id").first()
    if found is None:
        raise NotFound("No such KOT.")
    if by.role == KITCHEN and not staff_works_kitchen(staff=by, kitchen_id=found["kitchen_id"]):
        raise Forbidden("You do not work this kitchen.")
    order = order_lock(order_id=found["order_id"], outlet=outlet)
    kot = (
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen", "voids")
        .get(pk=kot_id)
    )
    if status == kot.status:
        return kot
    allowed = kot_allowed_statuses(kot)
    if status not in allowed:
        raise invalid_transition(kot.status, status, allowed)
    _check_may_move(kot=kot, status=status, by=by)

    from_status = kot.status
    kot.status = status
    kot.save(update_fields=["status", "updated_at"])
    item_ids: list[int] = []
    if kot.kind in COOKING_KINDS:
        items = OrderItem.objects.filter(kot=kot).exclude(status=ITEM.VOID)
        item_ids = list(items.values_list("pk", flat=True))
        OrderItem.objects.filter(pk__in=item_ids).update(status=status)
    order_bump(order, fields=[])
    _record_status_changed(kot=kot, order=order, from_status=str(from_status), item_ids=item_ids)
    return kot


def _record_status_changed(*, kot: Kot, order: Order, from_status: str, item_ids: list[int]):
    record_event(
        outlet=order.outlet_id,
        streams=_kot_streams(kot, order),
        type="kot.status_changed",
        data={
            "kot_id": kot.pk,
            "kot_number": kot.number,
            "kind": kot.kind,
            "course": kot.course,
            "order_id": order.pk,
            "order_number": order.number,
            "order_version": order.version,
            "kitchen_id": kot.kitchen_id,
            "status": kot.status,
            "from_status": from_status,
            "table_id": order.table_id,
            "order_item_ids": item_ids,
            "allowed_statuses": kot_allowed_statuses(kot),
            "allowed_item_statuses": kot_item_allowed_statuses(kot),
            "order_ready": order_ready_at_pass(order),
        },
    )


def kots_end_for_cancelled_order(*, order: Order) -> list[Kot]:
    """CONTRACT 5: cancelling an order ends its tickets not yet served: new and add-on
    KOTs become `cancelled` and leave every screen (`kot.status_changed` on each
    kitchen's stream). The cancellation ticket (void_ticket_create) is what tells the
    cook to stop; these are the originals it takes back.

    For order_cancel: call inside its transaction, with the order row locked (then the
    KOT rows are locked here, the lock order of docs/architecture.md)."""
    kots = list(
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen")
        .filter(order=order, kind__in=COOKING_KINDS)
        .exclude(status__in=(KOT_STATUS.SERVED, KOT_STATUS.CANCELLED))
        .order_by("id")
    )
    for kot in kots:
        from_status = kot.status
        kot.status = KOT_STATUS.CANCELLED
        kot.save(update_fields=["status", "updated_at"])
        _record_status_changed(kot=kot, order=order, from_status=str(from_status), item_ids=[])
    return kots


# --- courses and firing (CONTRACT 13) -------------------------------------------------------


def course_to_fire(*, order: Order, items: Iterable[OrderItem]) -> int | None:
    """The next course `fire` would send: the lowest course above the order's
    `fired_course` that has a line (not void), else None. `items`: the order's lines
    (prefetched by the representation: no query)."""
    later = {
        item.course
        for item in items
        if item.status != ITEM.VOID and item.course > order.fired_course
    }
    return min(later) if later else None


def order_fire_refusal(
    *, order: Order, course: int, has_lines: bool, by: Staff
) -> DomainError | None:
    """Why `by` may not fire `course` of the order now, or None if they may: the rule
    order_fire applies, and the representation's `fire` action (docs/api.md "Courses").

    Roles with `order.fire`; not a cancelled order (409 `order_closed`; a paid one may:
    the pay-first counter); a course already fired is no refusal (200, nothing changes);
    a later course needs a line (`has_lines`; else 409 `nothing_to_fire`)."""
    if not role_may(by.role, "order.fire"):
        return Forbidden("Your role may not fire courses.")
    if order.status == Order.Status.CANCELLED:
        return order_closed_error(order)
    if course > order.fired_course and not has_lines:
        return Conflict(
            f"Order {order.number} has no line in course {course}.", code=CourseCode.NOTHING_TO_FIRE
        )
    return None


@service_transaction
def order_fire(*, order_id: int, outlet: Outlet, course: int, by: Staff) -> Order:
    """Fire courses up to `course`: `fired_course` becomes `course` and every held KOT
    of a course <= `course` goes to `sent_to_kitchen` (its lines too), is printed
    (when the outlet prints KOTs automatically) and told to its kitchen
    (`kot.status_changed` from `held`). Later sends put lines of these courses on live
    KOTs at once.

    A course already fired (<= `fired_course`) answers the order unchanged (a retry, or
    two waiters firing at once: the second finds it done). A later course with no line
    (void lines do not count) is 409 `nothing_to_fire`; a cancelled order 409
    `order_closed`. Locks the order row, then the held KOT rows (docs/architecture.md
    "Lock order"). Raises the version once. Records `order.updated` with `fired_course`.
    """
    check_course(course, "course")
    order = order_lock(order_id=order_id, outlet=outlet)
    has_lines = (
        OrderItem.objects.filter(order=order, course=course).exclude(status=ITEM.VOID).exists()
    )
    refusal = order_fire_refusal(order=order, course=course, has_lines=has_lines, by=by)
    if refusal is not None:
        raise refusal
    if course <= order.fired_course:
        return order
    from hub.services.printing import kot_auto_print  # printing imports this module's models

    held = list(
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen", "outlet")
        .filter(order=order, status=KOT_STATUS.HELD, course__lte=course)
        .order_by("id")
    )
    order.fired_course = course
    order_bump(order, fields=["fired_course"])
    now = timezone.now()
    for kot in held:
        kot.status = KOT_STATUS.SENT_TO_KITCHEN
        kot.sent_at = now
        kot.seen_at = None  # seen as HOLD is not seen live: the screen acknowledges it again
        kot.save(update_fields=["status", "sent_at", "seen_at", "updated_at"])
    moved: dict[int, list[int]] = {kot.pk: [] for kot in held}
    items = list(OrderItem.objects.filter(kot__in=held, status=ITEM.HELD).order_by("id"))
    for item in items:
        moved[item.kot_id].append(item.pk)
    OrderItem.objects.filter(pk__in=[item.pk for item in items]).update(status=ITEM.SENT_TO_KITCHEN)
    for kot in held:
        _record_status_changed(
            kot=kot, order=order, from_status=str(KOT_STATUS.HELD), item_ids=moved[kot.pk]
        )
        kot_auto_print(kot=kot, by=by)
    order_record(order, "order.updated", fired_course=order.fired_course)
    return order


# --- item-level bump (CONTRACT 13) ----------------------------------------------------------

ITEM_BUMP_STATUSES = (ITEM.IN_KITCHEN, ITEM.FOOD_READY)
# The statuses a line of a live ticket may be bumped from (a line of a held, served or
# cancelled ticket may not).
ITEM_BUMPABLE = (ITEM.SENT_TO_KITCHEN, ITEM.IN_KITCHEN, ITEM.FOOD_READY)


def kot_item_allowed_statuses(kot: Kot) -> list[str]:
    """The ticket's half of a line bump, whoever asks: what its lines may be bumped to (a
    live new or add-on KOT; none while held, once served or cancelled, nor on take-back
    tickets). Events carry it; REST gives the caller's (kot_item_statuses_for)."""
    if kot.kind in COOKING_KINDS and kot.status in AT_THE_PASS:
        return [str(s) for s in ITEM_BUMP_STATUSES]
    return []


def kot_item_statuses_for(
    *, kot: Kot, by: Staff, kitchen_ids: Collection[int] | None = None
) -> list[str]:
    """What `PUT /kot/{id}/items/{item_id}/status` accepts from `by` on this ticket's lines."""
    return [
        status
        for status in kot_item_allowed_statuses(kot)
        if kot_move_refusal(
            kind=kot.kind, kitchen_id=kot.kitchen_id, status=status, by=by, kitchen_ids=kitchen_ids
        )
        is None
    ]


def _kot_status_following_lines(kot: Kot, line_statuses: list[str]) -> str:
    """Where a ticket goes when its lines move: food_ready with its last ready line,
    in_kitchen as soon as one line is being cooked or ready (cooking started, or a ready
    line was recalled), else where it is."""
    if line_statuses and all(s == ITEM.FOOD_READY for s in line_statuses):
        return KOT_STATUS.FOOD_READY
    if kot.status in (KOT_STATUS.SENT_TO_KITCHEN, KOT_STATUS.FOOD_READY) and any(
        s in (ITEM.IN_KITCHEN, ITEM.FOOD_READY) for s in line_statuses
    ):
        return KOT_STATUS.IN_KITCHEN
    return kot.status


@service_transaction
def kot_item_set_status(
    *, kot_id: int, item_id: int, outlet: Outlet, status: str, by: Staff
) -> Kot:
    """Bump one line of a ticket: `in_kitchen` or `food_ready` (item_id: the order line).

    The ticket follows its lines: it is food_ready when its last non-void line is ready,
    in_kitchen once one line is cooking or ready (and again when a ready line is
    recalled). Only lines of a live new or add-on KOT (not held, served or cancelled:
    409 `invalid_transition`); the same status again changes nothing. Who may: as
    kot_move_refusal for the status (a kitchen user on their kitchens, a manager; not a
    waiter: 403). Another outlet's KOT, or a line not on it: NotFound.

    Locks the order row, then the KOT. Raises the version. Records
    `kot.item_status_changed`, and `kot.status_changed` when the ticket moved.
    """
    if status not in ITEM_BUMP_STATUSES:
        raise ValidationFailed(fields={"status": [f"One of {', '.join(ITEM_BUMP_STATUSES)}."]})
    found = Kot.objects.filter(pk=kot_id, outlet=outlet).values("order_id", "kitchen_id").first()
    if found is None:
        raise NotFound("No such KOT.")
    if by.role == KITCHEN and not staff_works_kitchen(staff=by, kitchen_id=found["kitchen_id"]):
        raise Forbidden("You do not work this kitchen.")
    order = order_lock(order_id=found["order_id"], outlet=outlet)
    kot = Kot.objects.select_for_update(of=("self",)).select_related("kitchen").get(pk=kot_id)
    lines = list(OrderItem.objects.filter(kot=kot).exclude(status=ITEM.VOID).order_by("id"))
    item = next((line for line in lines if line.pk == item_id), None)
    if item is None or kot.kind not in COOKING_KINDS:
        raise NotFound("No such line on this KOT.")
    refusal = kot_move_refusal(kind=kot.kind, kitchen_id=kot.kitchen_id, status=status, by=by)
    if refusal is not None:
        raise refusal
    if item.status == status:
        return kot
    if item.status not in ITEM_BUMPABLE or not kot_item_allowed_statuses(kot):
        raise invalid_transition(str(item.status), status, [])

    from_item_status = item.status
    item.status = status
    item.save(update_fields=["status"])
    from_kot_status = kot.status
    kot.status = _kot_status_following_lines(kot, [line.status for line in lines])
    if kot.status != from_kot_status:
        kot.save(update_fields=["status", "updated_at"])
    order_bump(order, fields=[])
    record_event(
        outlet=order.outlet_id,
        streams=_kot_streams(kot, order),
        type="kot.item_status_changed",
        data={
            "kot_id": kot.pk,
            "kot_number": kot.number,
            "kitchen_id": kot.kitchen_id,
            "order_id": order.pk,
            "order_number": order.number,
            "order_version": order.version,
            "table_id": order.table_id,
            "order_item_id": item.pk,
            "status": status,
            "from_status": str(from_item_status),
            "kot_status": kot.status,
            "order_ready": order_ready_at_pass(order),
        },
    )
    if kot.status != from_kot_status:
        _record_status_changed(kot=kot, order=order, from_status=str(from_kot_status), item_ids=[])
    return kot


# --- serving from the pass (CONTRACT 13) ----------------------------------------------------


def order_serve_refusal(*, order: Order, any_ready: bool, by: Staff) -> DomainError | None:
    """Why `by` may not serve the order's ready plates now, or None if they may: the rule
    order_serve applies, and the representation's `serve` action. Roles with
    `order.serve`; not a cancelled order (409 `order_closed`); a KOT food_ready
    (`any_ready`; else 409 `nothing_to_serve`)."""
    if not role_may(by.role, "order.serve"):
        return Forbidden("Your role may not serve orders.")
    if order.status == Order.Status.CANCELLED:
        return order_closed_error(order)
    if not any_ready:
        return Conflict(
            f"Nothing of order {order.number} is ready.", code=CourseCode.NOTHING_TO_SERVE
        )
    return None


@service_transaction
def order_serve(*, order_id: int, outlet: Outlet, by: Staff) -> Order:
    """Mark every food_ready KOT of the order served (its lines follow); the others stay
    as they are (CONTRACT 13). Refusals: order_serve_refusal. Locks the order row, then
    the ready KOT rows. Raises the version once. Records `kot.status_changed` per KOT."""
    order = order_lock(order_id=order_id, outlet=outlet)
    ready = list(
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen")
        .filter(order=order, kind__in=COOKING_KINDS, status=KOT_STATUS.FOOD_READY)
        .order_by("id")
    )
    refusal = order_serve_refusal(order=order, any_ready=bool(ready), by=by)
    if refusal is not None:
        raise refusal
    order_bump(order, fields=[])
    Kot.objects.filter(pk__in=[kot.pk for kot in ready]).update(
        status=KOT_STATUS.SERVED, updated_at=timezone.now()
    )
    for kot in ready:
        kot.status = KOT_STATUS.SERVED
        items = OrderItem.objects.filter(kot=kot).exclude(status=ITEM.VOID)
        item_ids = list(items.values_list("pk", flat=True))
        OrderItem.objects.filter(pk__in=item_ids).update(status=ITEM.SERVED)
        _record_status_changed(
            kot=kot, order=order, from_status=str(KOT_STATUS.FOOD_READY), item_ids=item_ids
        )
    return order


# --- seen tickets (CONTRACT 13) -------------------------------------------------------------


@service_transaction
def kot_mark_seen(*, kot_id: int, kitchen_id: int, outlet_id: int) -> bool:
    """A screen of kitchen `kitchen_id` drew the ticket (`kot.seen` on its stream): stamp
    `seen_at` the first time. One UPDATE, so two screens acknowledging at once stamp it
    once; a held ticket is not seen yet (it is acknowledged again when fired). False when
    the KOT is not this kitchen's (or this outlet's), or was seen already: nothing
    changes. No event: the acknowledgement timer (hub/services/kitchen_ack.py) reads it."""
    if isinstance(kot_id, bool) or not isinstance(kot_id, int) or kot_id <= 0:
        return False
    return bool(
        Kot.objects.filter(
            pk=kot_id, kitchen_id=kitchen_id, outlet_id=outlet_id, seen_at__isnull=True
        )
        .exclude(status=KOT_STATUS.HELD)
        .update(seen_at=timezone.now())
    )
