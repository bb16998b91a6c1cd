"""Split bills: an order's bill in checks, each paid on its own (CONTRACT 12; docs/api.md
"Checks (split bill)").

The figures come from hub/pricing.py (`split_by_items`, `split_equally`) and are stored on
the Check rows when the bill is split. While no check has a payment, changing the order's
lines or discount removes the split (`checks_drop_for_change`); once one has, the order's
figures are frozen: a change, a re-split or an unsplit answer 409 `check_paid`. Every
function runs inside the order's transaction with the order row locked
(hub.services.order_core), the lock order of docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hub import pricing
from hub.errors import CheckCode, Conflict, DomainError, Forbidden, ValidationFailed
from hub.events import service_transaction
from hub.models import Check, Order, OrderItem, Outlet, Payment, Staff
from hub.roles import role_may
from hub.services.order_core import (
    order_bump,
    order_check_version,
    order_closed_error,
    order_lock,
    order_record,
)
from hub.services.order_pricing import order_discount, order_lines, order_price

MIN_PARTS = 2
MAX_PARTS = 20
ITEM = OrderItem.Status


@dataclass(frozen=True)
class CheckPart:
    """One line (or part of it) a check holds, as the request gives it."""

    item_id: int
    quantity: int


def check_data(check: Check) -> dict[str, Any]:
    """A check as the order representation and `order.split` show it."""
    return {
        "id": check.pk,
        "number": check.number,
        "items": check.items,
        "subtotal": check.subtotal,
        "discount_amount": check.discount_amount,
        "taxes": [
            {
                "name": t["name"],
                "rate": Decimal(str(t["rate"])),
                "amount": Decimal(str(t["amount"])),
            }
            for t in check.taxes
        ],
        "tax_total": check.tax_total,
        "service_charge": check.service_charge,
        "round_off": check.round_off,
        "total": check.total,
        "paid_total": check.paid_total,
        "balance_due": check.balance_due,
        "payment_status": check.payment_status,
    }


def checks_locked(order: Order) -> dict[int, Check]:
    """The order's checks by id, locked (after the order row: docs/architecture.md)."""
    return {c.pk: c for c in Check.objects.select_for_update().filter(order=order).order_by("id")}


def check_payment_status(check: Check) -> str:
    """unpaid | partial | paid, as for an order (a check is paid when its balance is 0)."""
    P = Order.PaymentStatus
    if check.paid_total <= 0:
        return P.UNPAID
    return P.PAID if check.paid_total >= check.total else P.PARTIAL


def check_paid_error(order: Order) -> Conflict:
    return Conflict(
        f"A check of order {order.number} already has a payment: its split and its items "
        "stay as they are (refund that payment first).",
        code=CheckCode.CHECK_PAID,
    )


def _checks_with_payments(order: Order) -> bool:
    return Payment.objects.filter(order=order, split_check__isnull=False).exists()


def order_split_refusal(*, order: Order, by: Staff) -> DomainError | None:
    """Why `by` may not split (or re-split) the order's bill now, or None: the rule
    order_split applies, and the representation's `split` action. Roles with
    `order.split`; an open order (409 `order_closed`); no check paid yet (409
    `check_paid`) and no payment taken on the whole bill (409 `order_has_payments`);
    something on the bill (409 `nothing_to_split`: no line, or only void ones). Reads
    `order.payments` and `order.items` (prefetched by the representation)."""
    if not role_may(by.role, "order.split"):
        return Forbidden("Your role may not split bills.")
    if order.is_closed:
        return order_closed_error(order)
    if not any(item.status != ITEM.VOID for item in order.items.all()):
        return Conflict(
            f"Order {order.number} has nothing on its bill to split.",
            code=CheckCode.NOTHING_TO_SPLIT,
        )
    payments = list(order.payments.all())
    if any(p.split_check_id is not None for p in payments):
        return check_paid_error(order)
    if payments:
        return Conflict(
            f"Order {order.number} already has a payment: split a bill before taking "
            "payments, or take the rest as one bill.",
            code=CheckCode.ORDER_HAS_PAYMENTS,
        )
    return None


def order_unsplit_refusal(*, order: Order, by: Staff) -> DomainError | None:
    """Why `by` may not put a split order back to one bill now, or None: the rule
    order_unsplit applies (roles with `order.split`, an open order, no check paid: 409
    `check_paid`). The `unsplit` action also needs a split to undo (order_actions)."""
    if not role_may(by.role, "order.split"):
        return Forbidden("Your role may not split bills.")
    if order.is_closed:
        return order_closed_error(order)
    if any(p.split_check_id is not None for p in order.payments.all()):
        return check_paid_error(order)
    return None


def check_paid_refusal(order: Order) -> Conflict | None:
    """409 `check_paid` when a check of the order has a payment: its lines and discount are
    frozen (order_items_refusal asks this, so `update_items` is not offered then).
    Reads `order.payments` (prefetched by the representation)."""
    if any(p.split_check_id is not None for p in order.payments.all()):
        return check_paid_error(order)
    return None


def _figures_rows(order: Order, figures: Sequence[pricing.CheckFigures], items) -> list[Check]:
    return [
        Check(
            order=order,
            number=number,
            items=[{"item_id": p.item_id, "quantity": p.quantity} for p in parts],
            subtotal=f.subtotal,
            discount_amount=f.discount_amount,
            taxes=[{"name": t.name, "rate": str(t.rate), "amount": str(t.amount)} for t in f.taxes],
            tax_total=f.tax_total,
            service_charge=f.service_charge,
            round_off=f.round_off,
            total=f.total,
        )
        for number, (f, parts) in enumerate(zip(figures, items, strict=True), start=1)
    ]


def _parts_checked(
    lines: Sequence[OrderItem], checks: Sequence[Sequence[CheckPart]]
) -> list[list[tuple[int, int]]]:
    """CONTRACT 12: every non-void line's whole quantity placed exactly once across the
    checks (a line of 3 may go 1 + 2), each check holding something. Returns each check's
    (line index, quantity) pairs, else 400 on the offending path."""
    if not MIN_PARTS <= len(checks) <= MAX_PARTS:
        raise ValidationFailed(fields={"checks": [f"From {MIN_PARTS} to {MAX_PARTS} checks."]})
    index_of = {item.pk: i for i, item in enumerate(lines) if item.status != ITEM.VOID}
    placed = {pk: 0 for pk in index_of}
    result = []
    for c, parts in enumerate(checks):
        if not parts:
            raise ValidationFailed(
                fields={f"checks.{c}.items": ["A check holds at least one line."]}
            )
        seen: set[int] = set()
        pairs = []
        for j, part in enumerate(parts):
            if part.item_id not in index_of:
                raise ValidationFailed(
                    fields={f"checks.{c}.items.{j}.item_id": ["No such line (or it is void)."]}
                )
            if part.item_id in seen:
                raise ValidationFailed(
                    fields={f"checks.{c}.items.{j}.item_id": ["Listed twice in this check."]}
                )
            seen.add(part.item_id)
            placed[part.item_id] += part.quantity
            pairs.append((index_of[part.item_id], part.quantity))
        result.append(pairs)
    wrong = {pk: n for pk, n in placed.items() if n != lines[index_of[pk]].quantity}
    if wrong:
        described = ", ".join(
            f"line {pk}: {n} of {lines[index_of[pk]].quantity}" for pk, n in sorted(wrong.items())
        )
        raise ValidationFailed(
            f"Every line's whole quantity goes on exactly one check ({described}).",
            fields={"checks": [f"Place each line's whole quantity once ({described})."]},
        )
    return result


@service_transaction
def order_split(
    *,
    order_id: int,
    outlet: Outlet,
    by: Staff,
    equal: int | None = None,
    checks: Sequence[Sequence[CheckPart]] | None = None,
    expected_version: int | None = None,
) -> Order:
    """Divide an open order's bill into checks (`POST /orders/{id}/split`): `equal` N parts
    (2-20) or `checks` of lines and quantities. Replaces an earlier split. Refused with
    409 `check_paid` once a check has a payment, 409 `order_has_payments` when the order
    was paid in part before it was split, 409 `order_closed` for a closed order, 409
    `nothing_to_split` when no line is on the bill (order_split_refusal). Raises
    the version; records `order.split` (the checks) on the orders and table streams."""
    if (equal is None) == (checks is None):
        raise ValidationFailed(fields={"equal": ["Send equal (a number of parts) or checks."]})
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    refusal = order_split_refusal(order=order, by=by)
    if refusal is not None:
        raise refusal
    lines = list(OrderItem.objects.filter(order=order).order_by("id"))
    result = order_price(order, items=lines)
    if equal is not None:
        if isinstance(equal, bool) or not MIN_PARTS <= equal <= MAX_PARTS:
            raise ValidationFailed(fields={"equal": [f"From {MIN_PARTS} to {MAX_PARTS}."]})
        figures = pricing.split_equally(result, equal)
        parts: list[Sequence[CheckPart]] = [() for _ in figures]
    else:
        pairs = _parts_checked(lines, checks)
        data = pricing.PricingInput(
            lines=order_lines(lines),
            discount=order_discount(order),
            service_charge_percent=order.order_type.service_charge_percent,
            prices_include_tax=order.outlet.prices_include_tax,
            round_off=order.outlet.round_off,
        )
        figures = pricing.split_by_items(data, result, pairs)
        parts = list(checks)
    Check.objects.filter(order=order).delete()
    rows = Check.objects.bulk_create(_figures_rows(order, figures, parts))
    order_bump(order, fields=[])
    order_record(order, "order.split", checks=[check_data(c) for c in rows])
    return order


@service_transaction
def order_unsplit(
    *, order_id: int, outlet: Outlet, by: Staff, expected_version: int | None = None
) -> Order:
    """Back to one bill (`DELETE /orders/{id}/split`): 409 `check_paid` once a check has a
    payment. Without a split it changes nothing. Records `order.split` with no checks."""
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    refusal = order_unsplit_refusal(order=order, by=by)
    if refusal is not None:
        raise refusal
    if not Check.objects.filter(order=order).exists():
        return order
    Check.objects.filter(order=order).delete()
    order_bump(order, fields=[])
    order_record(order, "order.split", checks=[])
    return order


def checks_drop_for_change(order: Order) -> bool:
    """For the services that change an order's lines or discount: a split order loses its
    split (its figures no longer hold), unless a check has a payment (409 `check_paid`).
    Returns whether a split was removed (the caller's `order.updated` then says
    `checks: []`). Call with the order row locked, before anything is written."""
    if not Check.objects.filter(order=order).exists():
        return False
    if _checks_with_payments(order):
        raise check_paid_error(order)
    Check.objects.filter(order=order).delete()
    return True
