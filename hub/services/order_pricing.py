"""The glue between an order's rows and hub/pricing.py (docs/api.md "Orders and money").

hub/pricing.py does the money math on plain values; this module feeds it the
order's lines, discount and payments, stores its results on the order row, and
holds the rules that depend on who did what: the discount limits of CONTRACT 4a
(also after later changes, CONTRACT 3) and the payment status of CONTRACT 4.
Call these inside the order's transaction with the order row locked
(hub.services.order_core.order_lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hub import pricing
from hub.errors import (
    BusinessRuleViolation,
    Conflict,
    Forbidden,
    OrderCode,
    PaymentCode,
    ValidationFailed,
)
from hub.models import Order, OrderItem, Outlet, Payment, Staff
from hub.roles import MANAGER
from hub.services.coupons import coupon_discount, coupon_evaluate

ITEM = OrderItem.Status

PRICED_FIELDS = [
    "subtotal",
    "discount_amount",
    "taxes",
    "tax_total",
    "service_charge",
    "round_off",
    "total",
    "tip_total",
    "paid_total",
    "payment_status",
]


def _tax_rates(item: OrderItem) -> tuple[pricing.TaxRate, ...]:
    return tuple(
        pricing.TaxRate(name=str(t["name"]), rate=Decimal(str(t["rate"])))
        for t in (item.tax_components or [])
    )


def order_lines(items: Sequence[OrderItem]) -> tuple[pricing.Line, ...]:
    """The order's rows as pricing lines (void lines count for nothing)."""
    return tuple(
        pricing.Line(
            unit_price=item.unit_price,
            quantity=item.quantity,
            taxes=_tax_rates(item),
            void=item.status == ITEM.VOID,
        )
        for item in items
    )


def order_discount(order: Order) -> pricing.Discount | None:
    if order.coupon_id:
        return coupon_discount(order.coupon)
    if order.discount_type in (pricing.PERCENT, pricing.FIXED) and order.discount_value:
        return pricing.Discount(kind=order.discount_type, value=order.discount_value)
    return None


def order_price(order: Order, *, items: Sequence[OrderItem] | None = None) -> pricing.PricingResult:
    """The pricing of the order as its rows stand (fresh reads unless `items` given)."""
    if items is None:
        items = list(OrderItem.objects.filter(order=order).order_by("id"))
    payments = Payment.objects.filter(order=order).values_list("amount", "tip_amount")
    return pricing.price(
        pricing.PricingInput(
            lines=order_lines(items),
            discount=order_discount(order),
            service_charge_percent=order.order_type.service_charge_percent,
            prices_include_tax=order.outlet.prices_include_tax,
            round_off=order.outlet.round_off,
            payments=tuple(pricing.PaymentAmount(amount=a, tip=t) for a, t in payments),
        )
    )


def item_line_total(item: OrderItem, *, quantity: int | None = None) -> Decimal:
    """A line's `line_total` as the order shows it (0 for a void line); with `quantity`,
    for that many of it (the part of a line a check of a split bill holds)."""
    return pricing.line_total(
        pricing.Line(
            unit_price=item.unit_price,
            quantity=item.quantity if quantity is None else quantity,
            void=item.status == ITEM.VOID,
        )
    )


def order_taxable_values(
    order: Order, items: Sequence[OrderItem]
) -> dict[tuple[str, Decimal], Decimal]:
    """Per tax component (name, rate): the value it was charged on, for the tax invoice."""
    return pricing.taxable_values(
        order_lines(items), order_discount(order), inclusive=order.outlet.prices_include_tax
    )


def subtotal_of(items: Sequence[OrderItem]) -> Decimal:
    return sum((pricing.line_total(line) for line in order_lines(items)), pricing.ZERO)


def payment_status_of(order: Order) -> str:
    """unpaid | partial | paid | refunded, from the order's totals and status.

    A paid order with nothing paid had nothing to pay (a 100% discount): it is
    `paid` in both (CONTRACT 4, status and payment status never disagree; the
    database's check `order_status_agrees_with_payment_status` holds it)."""
    P = Order.PaymentStatus
    if order.refunded_total > 0 and order.paid_total > 0:
        return P.REFUNDED if order.refunded_total >= order.paid_total else P.PARTIAL
    if order.paid_total > 0:
        return P.PAID if order.paid_total >= order.total else P.PARTIAL
    return P.PAID if order.status == Order.Status.PAID else P.UNPAID


def order_recalculate(order: Order, *, save: bool = True) -> pricing.PricingResult:
    """Store hub.pricing's results on the order row (and derive payment_status).

    Call inside the transaction that changed the order's items, discount or
    payments, with the order row locked. Does not raise `version`: the caller's
    change does (hub.services.order_core.order_bump).
    """
    result = order_price(order)
    order.subtotal = result.subtotal
    order.discount_amount = result.discount_amount
    order.taxes = [
        {"name": t.name, "rate": str(t.rate), "amount": str(t.amount)} for t in result.taxes
    ]
    order.tax_total = result.tax_total
    order.service_charge = result.service_charge
    order.round_off = result.round_off
    order.total = result.total
    order.tip_total = result.tip_total
    order.paid_total = result.paid_total
    order.payment_status = payment_status_of(order)
    if save:
        order.save(update_fields=[*PRICED_FIELDS, "updated_at"])
    return result


# --- discount limits (CONTRACT 3, 4a) ------------------------------------------------


def discount_limit_percent(*, outlet: Outlet, staff: Staff) -> Decimal | None:
    """The most a role may give off, in percent of the subtotal; None for no limit."""
    if staff.role == MANAGER:
        return None
    limits = {
        "cashier": outlet.cashier_max_discount_percent,
        "waiter": outlet.waiter_max_discount_percent,
    }
    return limits.get(staff.role) or Decimal(0)


def check_discount_allowed(
    *, outlet: Outlet, by: Staff, kind: str, value: Decimal, subtotal: Decimal
) -> None:
    """CONTRACT 4a: manual discounts are limited by role and outlet setting.

    A manager is unlimited. A cashier may give up to `cashier_max_discount_percent`
    of the subtotal, a waiter up to `waiter_max_discount_percent`; a role whose
    limit is 0 may give none (403 `forbidden`), above a non-zero limit answers 422
    `discount_limit_exceeded`. A fixed amount is measured as a percent of the
    current subtotal. Coupons are not limited: they are approved promotions.
    """
    if kind not in (pricing.PERCENT, pricing.FIXED):
        raise ValidationFailed(fields={"discount_type": ["Must be percent or fixed."]})
    if value < 0:
        raise ValidationFailed(fields={"discount_value": ["Must not be negative."]})
    if kind == pricing.PERCENT and value > 100:
        raise ValidationFailed(fields={"discount_value": ["A percent is at most 100."]})
    limit = discount_limit_percent(outlet=outlet, staff=by)
    if value == 0 or limit is None:
        return
    if not limit:
        raise Forbidden("Your role may not give discounts at this outlet.")
    percent = value if kind == pricing.PERCENT else pricing.percent_of(value, subtotal)
    if percent > limit:
        raise BusinessRuleViolation(
            f"Your role may give at most {pricing.plain_rate(limit)}% off; ask a manager.",
            code=OrderCode.DISCOUNT_LIMIT_EXCEEDED,
            limit_percent=pricing.plain_rate(limit),
        )


def check_discount_still_allowed(order: Order, *, subtotal: Decimal) -> None:
    """CONTRACT 3: a discount that was within its giver's limit stays within it.

    For changes that move the subtotal (lines removed, quantities lowered, voids):
    a manual discount is measured again against the limit of the staff member who
    gave it (`Order.discount_by`; the order's opener for older rows), and a coupon
    against its minimum subtotal. Refuses the change (422 `discount_limit_exceeded`
    or 422 `coupon_invalid` with `reason` `below_minimum`) rather than silently
    changing the guest's discount: whoever changes the order then removes or
    replaces the discount first, or asks a manager (docs/api.md "Discounts").
    """
    if order.coupon_id:
        minimum = order.coupon.min_subtotal or pricing.ZERO
        if subtotal < minimum:
            raise BusinessRuleViolation(
                f"Coupon {order.coupon.code} needs a subtotal of at least {minimum}; this "
                f"change leaves {subtotal}. Remove the coupon first.",
                code=OrderCode.COUPON_INVALID,
                reason="below_minimum",
            )
        return
    discount = order_discount(order)
    if discount is None:
        return
    giver = order.discount_by or order.created_by
    if giver is None:
        return
    limit = discount_limit_percent(outlet=order.outlet, staff=giver)
    if limit is None:
        return
    amount = pricing.discount_amount(subtotal, discount)
    # a percent keeps its percent whatever the subtotal (its amount only rounds to the cent)
    given = (
        discount.value if discount.kind == pricing.PERCENT else pricing.percent_of(amount, subtotal)
    )
    if given > limit:
        raise BusinessRuleViolation(
            f"The discount of {amount} given by {giver.name} would be more than their "
            f"{pricing.plain_rate(limit)}% limit of the new subtotal {subtotal}; change or "
            "remove the discount first, or ask a manager.",
            code=OrderCode.DISCOUNT_LIMIT_EXCEEDED,
            limit_percent=pricing.plain_rate(limit),
        )


def set_manual_discount(
    order: Order, *, kind: str | None, value: Decimal | None, reason: str, by: Staff
) -> None:
    if not kind or not value:
        order.discount_type, order.discount_value, order.discount_reason = "", None, ""
        order.discount_by = None
    else:
        order.discount_type, order.discount_value, order.discount_reason = kind, value, reason
        order.discount_by = by
    order.coupon = None


def set_coupon(order: Order, *, code: str, subtotal: Decimal) -> None:
    evaluation = coupon_evaluate(
        outlet=order.outlet, code=code, subtotal=subtotal, order_type=order.order_type
    )
    if not evaluation.valid:
        raise BusinessRuleViolation(
            f"Coupon {code!r} cannot be used: {evaluation.reason.replace('_', ' ')}.",
            code=OrderCode.COUPON_INVALID,
            reason=evaluation.reason,
        )
    order.coupon = evaluation.coupon
    order.discount_type, order.discount_value, order.discount_reason = "", None, ""
    order.discount_by = None


def check_payments_fit(order: Order) -> None:
    """After a change that lowered the total of an open order: payments already taken
    may not exceed it (409 `payments_exceed_total`; refund first). Exactly equal is
    fine: the order is settled (hub.services.orders.order_mark_paid_if_settled)."""
    if order.paid_total > 0 and order.paid_total > order.total:
        raise Conflict(
            f"Payments of {order.paid_total} were already taken, more than the new total "
            f"{order.total}; refund the difference first or keep the items.",
            code=PaymentCode.PAYMENTS_EXCEED_TOTAL,
            paid_total=order.paid_total,
            total=order.total,
        )
