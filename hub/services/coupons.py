"""Coupons: evaluate a code against an order's subtotal and type, count usage when paid
(CONTRACT 4a, docs/api.md "Orders and money" > "Discounts and coupons").

`coupon_evaluate` never raises for a bad code: it answers why (the reasons of
`POST /coupons/validate`), so the validate endpoint, order creation and
`POST /orders/{id}/discount` share one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hub import pricing
from hub.errors import NotFound, ValidationFailed
from hub.models import Coupon, Order, OrderType, Outlet, Staff

NOT_FOUND = "not_found"
EXPIRED = "expired"
BELOW_MINIMUM = "below_minimum"
USAGE_EXHAUSTED = "usage_exhausted"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class CouponEvaluation:
    valid: bool
    reason: str | None = None
    coupon: Coupon | None = None
    discount_amount: Decimal = pricing.ZERO


def coupon_discount(coupon: Coupon) -> pricing.Discount:
    """A coupon's terms as the pricing module takes them."""
    return pricing.Discount(
        kind=coupon.discount_type,
        value=coupon.value,
        minimum=coupon.min_subtotal or pricing.ZERO,
        cap=coupon.max_discount,
    )


def coupons_active(*, outlet: Outlet) -> QuerySet[Coupon]:
    """The outlet's coupons that can be used now: active, in their window, not used up."""
    now = timezone.now()
    return (
        Coupon.objects.filter(outlet=outlet, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=now))
        .prefetch_related("order_types")
        .order_by("code")
    )


def coupon_find(*, outlet: Outlet, code: str) -> Coupon | None:
    """Codes are matched case-insensitively: guests read them off flyers."""
    code = (code or "").strip()
    if not code:
        return None
    return (
        Coupon.objects.filter(outlet=outlet, code__iexact=code, is_active=True)
        .prefetch_related("order_types")
        .first()
    )


def coupon_evaluate(
    *, outlet: Outlet, code: str, subtotal: Decimal, order_type: OrderType | None
) -> CouponEvaluation:
    """Whether `code` applies to an order of `order_type` with `subtotal`, and for how much.

    Checked in this order: not_found (unknown or inactive), expired (outside its
    validity window), usage_exhausted, not_applicable (order type not listed),
    below_minimum (subtotal under min_subtotal).
    """
    coupon = coupon_find(outlet=outlet, code=code)
    if coupon is None:
        return CouponEvaluation(valid=False, reason=NOT_FOUND)
    now = timezone.now()
    if (coupon.valid_from and now < coupon.valid_from) or (
        coupon.valid_until and now > coupon.valid_until
    ):
        return CouponEvaluation(valid=False, reason=EXPIRED, coupon=coupon)
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return CouponEvaluation(valid=False, reason=USAGE_EXHAUSTED, coupon=coupon)
    allowed_types = list(coupon.order_types.all())
    if allowed_types and (order_type is None or order_type.pk not in {t.pk for t in allowed_types}):
        return CouponEvaluation(valid=False, reason=NOT_APPLICABLE, coupon=coupon)
    if subtotal < (coupon.min_subtotal or pricing.ZERO):
        return CouponEvaluation(valid=False, reason=BELOW_MINIMUM, coupon=coupon)
    amount = pricing.discount_amount(subtotal, coupon_discount(coupon))
    return CouponEvaluation(valid=True, coupon=coupon, discount_amount=amount)


@transaction.atomic
def coupon_usage_count(*, order: Order) -> int | None:
    """Recount the uses of the order's coupon: the paid orders that carry it.

    For the payment services: call inside the transaction that marks the order
    paid, after the order row is saved. A recount rather than `+1`, so calling it
    twice for one order (or after a refund flips it back) never counts twice.
    Locks the coupon row so two orders paid at once both count. Returns the new
    count, or None when the order has no coupon.
    """
    if not order.coupon_id:
        return None
    coupon = Coupon.objects.select_for_update().get(pk=order.coupon_id)
    used = Order.objects.filter(coupon_id=coupon.pk, status=Order.Status.PAID).count()
    if used != coupon.used_count:
        coupon.used_count = used
        coupon.save(update_fields=["used_count"])
    return used


def coupon_check(
    *,
    outlet: Outlet,
    staff: Staff,
    code: str,
    order_id: int | None = None,
    subtotal: Decimal | None = None,
    order_type_id: int | None = None,
) -> CouponEvaluation:
    """`POST /coupons/validate`: evaluate `code` against an order of the caller's outlet
    (`order_id`, one the caller may read, else NotFound), or against a `subtotal` and
    an optional `order_type_id` (unknown: 400 on that field)."""
    from hub.selectors.orders import orders_visible

    if order_id is not None:
        order = (
            orders_visible(outlet=outlet, staff=staff)
            .filter(pk=order_id)
            .select_related("order_type")
            .first()
        )
        if order is None:
            raise NotFound("No such order.")
        return coupon_evaluate(
            outlet=outlet, code=code, subtotal=order.subtotal, order_type=order.order_type
        )
    order_type = None
    if order_type_id is not None:
        order_type = OrderType.objects.filter(pk=order_type_id).first()
        if order_type is None:
            raise ValidationFailed(fields={"order_type_id": ["No such order type."]})
    return coupon_evaluate(outlet=outlet, code=code, subtotal=subtotal, order_type=order_type)
