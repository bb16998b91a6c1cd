"""Read queries for kitchen screens: a kitchen's tickets, one ticket (docs/api.md "Kitchen (KOT)").

`kots_prefetched` loads everything a ticket shows (kitchen, order with type and
table, waiter, the original KOT of a void ticket, lines with their order items)
in a fixed number of queries, whatever the number of tickets.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from hub.errors import Forbidden, NotFound
from hub.models import Kitchen, Kot, KotLine, Order, OrderItem, Outlet, Staff
from hub.roles import KITCHEN

# Tickets that no longer belong on a kitchen screen: done, or their order was cancelled.
CLOSED_KOT_STATUSES = (Kot.Status.SERVED, Kot.Status.CANCELLED)


def kot_waiter_name(order: Order) -> str | None:
    """The waiter a ticket names: whoever opened the order (whose table it is), not who
    pressed send (`kot_sent_by_name`); a cashier sending a waiter's order is common."""
    return order.created_by.name if order.created_by_id else None


def kot_sent_by_name(kot: Kot) -> str | None:
    return kot.created_by.name if kot.created_by_id else None


def kot_line_voided_quantity(line: KotLine) -> int:
    """How much of a line of a new or add-on KOT was taken back since it was sent (removed,
    reduced, or the order cancelled); 0 on void and cancellation tickets, which are the
    taking back themselves. Needs `line.kot` and `line.order_item` (prefetch them).
    A read of the rows, here so that the services that need it (kitchen's events, the
    print tickets) and the KOT representation share it without importing each other."""
    if line.kot.kind not in (Kot.Kind.NEW, Kot.Kind.ADDON):
        return 0
    item = line.order_item
    if item.status == OrderItem.Status.VOID:
        return line.quantity
    # A reduction keeps this order line with the lower quantity (the rest became a void
    # line of its own), so the difference is what the kitchen must not cook.
    return max(0, line.quantity - item.quantity)


def staff_works_kitchen(*, staff: Staff, kitchen_id: int) -> bool:
    """A kitchen user works only the kitchens listed on their account (Staff.kitchens)."""
    return staff.kitchens.filter(pk=kitchen_id).exists()


def _check_kitchen_access(*, staff: Staff | None, kitchen_id: int) -> None:
    if (
        staff is not None
        and staff.role == KITCHEN
        and not staff_works_kitchen(staff=staff, kitchen_id=kitchen_id)
    ):
        raise Forbidden("You do not work this kitchen.")


def kots_prefetched(queryset: QuerySet[Kot]) -> QuerySet[Kot]:
    return queryset.select_related(
        "kitchen",
        "order__order_type",
        "order__table",
        "order__platform",
        "order__created_by",
        "created_by",
        "voids",
    ).prefetch_related(
        Prefetch("lines", queryset=KotLine.objects.select_related("order_item").order_by("id"))
    )


def kot_get(*, outlet: Outlet, kot_id: int, staff: Staff | None = None) -> Kot:
    """One KOT with everything prefetched. Another outlet's: NotFound; a kitchen user's
    other kitchen: Forbidden."""
    kot = kots_prefetched(Kot.objects.filter(outlet=outlet, pk=kot_id)).first()
    if kot is None:
        raise NotFound("No such KOT.")
    _check_kitchen_access(staff=staff, kitchen_id=kot.kitchen_id)
    return kot


def kots_by_ids(ids: list[int]) -> list[Kot]:
    """The KOTs just created by a send, in id order, prefetched."""
    return list(kots_prefetched(Kot.objects.filter(pk__in=ids)).order_by("id"))


def kitchen_kots(
    *,
    outlet: Outlet,
    kitchen_id: int,
    staff: Staff | None = None,
    status: str | None = None,
    business_date: date | None = None,
) -> QuerySet[Kot]:
    """A kitchen's tickets in arrival order: the open ones (not `served` nor `cancelled`)
    unless `status` names one; `business_date` narrows to that outlet-local day."""
    if not Kitchen.objects.filter(pk=kitchen_id, outlet=outlet).exists():
        raise NotFound("No such kitchen.")
    _check_kitchen_access(staff=staff, kitchen_id=kitchen_id)
    queryset = Kot.objects.filter(outlet=outlet, kitchen_id=kitchen_id)
    if status is None:
        queryset = queryset.exclude(status__in=CLOSED_KOT_STATUSES)
    else:
        queryset = queryset.filter(status=status)
    if business_date is not None:
        queryset = queryset.filter(business_date=business_date)
    return kots_prefetched(queryset.order_by("id"))


# --- the pass (CONTRACT 13, GET /expo) ---------------------------------------------------

COOKING_KOT_KINDS = (Kot.Kind.NEW, Kot.Kind.ADDON)
# A cooking ticket still on its way to the guest: held, sent, cooking or ready.
EXPO_KOT_STATUSES = (
    Kot.Status.HELD,
    Kot.Status.SENT_TO_KITCHEN,
    Kot.Status.IN_KITCHEN,
    Kot.Status.FOOD_READY,
)


def expo_orders(*, outlet: Outlet) -> QuerySet[Order]:
    """The orders at the pass: not cancelled, with a new or add-on KOT not yet served (a
    paid pay-first order too: its food is still coming), oldest first."""
    return (
        Order.objects.filter(
            outlet=outlet,
            kots__kind__in=COOKING_KOT_KINDS,
            kots__status__in=EXPO_KOT_STATUSES,
        )
        .exclude(status=Order.Status.CANCELLED)
        .select_related("order_type", "table")
        .distinct()
        .order_by("id")
    )


def expo_kots(*, order_ids: list[int]) -> list[Kot]:
    """The not-yet-served cooking KOTs of those orders, prefetched, in order and arrival."""
    return list(
        kots_prefetched(
            Kot.objects.filter(
                order_id__in=order_ids,
                kind__in=COOKING_KOT_KINDS,
                status__in=EXPO_KOT_STATUSES,
            )
        ).order_by("order_id", "id")
    )
