"""Payments: capture, split, refund (CONTRACT 2, 3, 4a; docs/api.md "Payments").

Rules, in one place:
- `amount` is what is applied to the balance; it is positive with at most two
  decimals. A non-cash amount above `balance_due` is refused (422
  `amount_exceeds_balance`); a cash amount above it is accepted, the balance is
  settled and the difference is `change_due` (the payment row keeps what was
  tendered, what was applied and the change).
- `tip_amount` is recorded on the payment and in `tip_total`; it is never part
  of `total` or of the balance.
- With nothing due (balance 0) a payment is refused (409 `nothing_due`), so a
  double tap on "pay" after the first settled the order charges nothing.
- Payments are taken while the order is `draft`, `kot` or `billed`; a paid or
  cancelled order answers 409 `order_closed`.
- When the balance reaches 0, the order becomes `paid`, its table is released,
  its coupon's use is counted, and the events are recorded.

Every function locks the order row first (`select_for_update`), so two cashiers
paying one order at once run one after the other: the second sees the first's
payment and the balance it left.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hub import pricing
from hub.errors import (
    BusinessRuleViolation,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PaymentCode,
    ValidationFailed,
)
from hub.events import record_event, service_transaction
from hub.models import AuditEntry, Check, Order, Outlet, Payment, PaymentMethod, Refund, Staff
from hub.roles import role_may
from hub.services.audit import audit_record
from hub.services.checks import check_payment_status, checks_locked
from hub.services.order_core import order_bump, order_closed_error, order_lock, order_streams
from hub.services.order_pricing import order_recalculate, payment_status_of
from hub.services.orders import PAYABLE_STATUSES, order_after_paid, order_mark_paid_if_settled
from hub.services.shifts import shift_attributed

MAX_AMOUNT = Decimal("9999999.99")


@dataclass(frozen=True)
class PaymentRequest:
    """One payment as the API takes it (`payment_method` is a code or an id)."""

    payment_method: str | int
    amount: Decimal
    tip_amount: Decimal = Decimal("0")
    transaction_id: str = ""
    check_id: int | None = None  # the check of a split bill it pays (CONTRACT 12)
    # False only for a delivery platform's prepayment (hub/services/platforms.py), whose
    # method `platform` is not offered at the till (CONTRACT 16)
    at_till: bool = True


@dataclass(frozen=True)
class PaymentOutcome:
    order: Order
    payments: list[Payment]
    change_due: Decimal

    @property
    def balance_due(self) -> Decimal:
        return self.order.balance_due


def _method(ref: str | int, *, at_till: bool = True) -> PaymentMethod:
    methods = PaymentMethod.objects.filter(is_active=True)
    if at_till:
        methods = methods.filter(offered_at_till=True)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and len(ref) < 10):
        method = methods.filter(pk=int(ref)).first()
    else:
        method = methods.filter(code=str(ref).strip().lower()).first()
    if method is None:
        raise ValidationFailed(
            "Unknown payment method.",
            fields={"payment_method": ["No active payment method with this code or id."]},
        )
    return method


def payment_refusal(*, order: Order, by: Staff) -> DomainError | None:
    """Why `by` may not take a payment on the order now, or None if they may: the rule
    payments_capture applies, and (with payment_due_refusal) the order representation's
    `pay` action. Roles with `payment.create`; draft, kot or billed (409 `order_closed`)."""
    if not role_may(by.role, "payment.create"):
        return Forbidden("Your role may not take payments.")
    if order.status not in PAYABLE_STATUSES:
        return order_closed_error(order)
    return None


def payment_due_refusal(*, balance: Decimal) -> Conflict | None:
    """With nothing due a payment is refused (409 `nothing_due`): a double tap on "pay"
    after the first settled the order charges nothing."""
    if balance <= 0:
        return Conflict("Nothing is due on this order.", code=PaymentCode.NOTHING_DUE)
    return None


def _check_amounts(request: PaymentRequest, field_prefix: str) -> None:
    problems: dict[str, list[str]] = {}
    if request.amount <= 0:
        problems[f"{field_prefix}amount"] = ["Must be greater than 0."]
    if request.amount != pricing.money(request.amount):
        problems[f"{field_prefix}amount"] = ["At most two decimals."]
    if request.tip_amount < 0:
        problems[f"{field_prefix}tip_amount"] = ["May not be negative."]
    if request.tip_amount != pricing.money(request.tip_amount):
        problems[f"{field_prefix}tip_amount"] = ["At most two decimals."]
    if request.amount > MAX_AMOUNT or request.tip_amount > MAX_AMOUNT:
        problems[f"{field_prefix}amount"] = ["Too large."]
    if problems:
        raise ValidationFailed(fields=problems)


def _check_of(request: PaymentRequest, checks: dict[int, Check], field_prefix: str) -> Check | None:
    """CONTRACT 12: on a split order every payment names its check; on one that is not
    split none does (400 on `check_id`)."""
    if not checks:
        if request.check_id is not None:
            raise ValidationFailed(
                fields={f"{field_prefix}check_id": ["This order's bill is not split."]}
            )
        return None
    if request.check_id is None:
        raise ValidationFailed(
            fields={f"{field_prefix}check_id": ["The bill is split: say which check this pays."]}
        )
    check = checks.get(request.check_id)
    if check is None:
        raise ValidationFailed(fields={f"{field_prefix}check_id": ["No such check on this order."]})
    return check


def _apply_one(
    *,
    order: Order,
    request: PaymentRequest,
    by: Staff,
    field_prefix: str,
    checks: dict[int, Check],
    shift_id: int | None = None,
) -> tuple[Payment, Decimal, dict]:
    """One payment row; returns it, its change and its `payment.received` data, which
    payments_capture records once the order's new version is known."""
    _check_amounts(request, field_prefix)
    method = _method(request.payment_method, at_till=request.at_till)
    check = _check_of(request, checks, field_prefix)
    balance = check.balance_due if check is not None else order.total - order.paid_total
    refusal = payment_due_refusal(balance=balance)
    if refusal is not None:
        raise refusal
    if request.amount > balance and not method.is_cash:
        # an unsplit order keeps the sentence clients have always seen
        on_check = f" on check {check.number}" if check is not None else ""
        raise BusinessRuleViolation(
            f"{method.name} payment of {request.amount} exceeds the balance due of "
            f"{balance}{on_check}.",
            code=PaymentCode.AMOUNT_EXCEEDS_BALANCE,
            balance_due=balance,
        )
    applied = min(request.amount, balance)
    change = request.amount - applied
    if check is not None:
        check.paid_total += applied
        check.payment_status = check_payment_status(check)
        check.save(update_fields=["paid_total", "payment_status"])
    payment = Payment.objects.create(
        order=order,
        split_check=check,
        method=method,
        amount=applied,
        tendered=request.amount,
        change_due=change,
        tip_amount=request.tip_amount,
        transaction_id=request.transaction_id[:120],
        shift_id=shift_id,
        created_by=by,
    )
    order_recalculate(order, save=False)  # paid_total, tip_total, payment_status from the rows
    data = {
        "order_id": order.pk,
        "payment_id": payment.pk,
        "amount": applied,
        "tip_amount": request.tip_amount,
        "change_due": change,
        "method": method.code,
        "payment_status": order.payment_status,
        "balance_due": order.total - order.paid_total,
        "table_id": order.table_id,
    }
    if check is not None:
        data |= {"check_id": check.pk, "check_balance_due": check.balance_due}
    return payment, change, data


@service_transaction
def payments_capture(
    *, order_id: int, outlet: Outlet, requests: list[PaymentRequest], by: Staff
) -> PaymentOutcome:
    """Apply one or more payments to an order, all or none.

    Locks the order row. Each request is checked against the balance left by the
    ones before it; any refusal rolls back every payment of the call (split
    payments are all or nothing). Records payment.received per payment, and
    order.status_changed (+ table.status_changed) when the order becomes paid.
    """
    if not requests:
        raise ValidationFailed(fields={"payments": ["At least one payment."]})
    order = order_lock(order_id=order_id, outlet=outlet)
    refusal = payment_refusal(order=order, by=by)
    if refusal is not None:
        raise refusal
    # CONTRACT 14: the shift open now (409 no_open_shift where the outlet requires one);
    # its row before the checks' (docs/architecture.md "Lock order": 2a, then 5)
    shift_id = shift_attributed(outlet=order.outlet, required=order.outlet.requires_open_shift)
    checks = checks_locked(order)
    payments, change_total, received = [], Decimal("0.00"), []
    for index, request in enumerate(requests):
        prefix = f"payments.{index}." if len(requests) > 1 else ""
        payment, change, data = _apply_one(
            order=order,
            request=request,
            by=by,
            field_prefix=prefix,
            checks=checks,
            shift_id=shift_id,
        )
        payments.append(payment)
        received.append(data)
        change_total += change
    from_status = order.status
    settled = order_mark_paid_if_settled(order=order)
    order_bump(order)  # one write: the payment status and the status it implies together
    for data in received:
        # `version`: the order's after this call, so a POS keeping orders from the
        # stream stays current (docs/screens.md "Screen state")
        record_event(
            outlet=order.outlet_id,
            streams=order_streams(order),
            type="payment.received",
            data={**data, "version": order.version},
        )
    if settled:
        order_after_paid(order=order, from_status=from_status)
    return PaymentOutcome(order=order, payments=payments, change_due=change_total)


@service_transaction
def payment_refund(
    *,
    order_id: int,
    outlet: Outlet,
    payment_id: int,
    amount: Decimal,
    reason: str,
    by: Staff,
    at_till: bool = True,
) -> Refund:
    """Refund up to what is left of one payment. Manager only (checked by the caller's
    permission `payment.refund`). Locks the order row, then the payment row.
    Records payment.refunded on the order's streams.

    `at_till` False: a delivery platform's prepayment refunded when its order is
    cancelled (hub/services/platforms.py); no money leaves the drawer, so an outlet's
    `requires_open_shift` does not refuse it (the open shift, if any, still records it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["A reason is required for a refund."]})
    order = order_lock(order_id=order_id, outlet=outlet)
    # CONTRACT 14: the shift open now, its row held before the payment's (lock order 2a)
    shift_id = shift_attributed(
        outlet=order.outlet, required=at_till and order.outlet.requires_open_shift
    )
    payment = Payment.objects.select_for_update().filter(pk=payment_id, order=order).first()
    if payment is None:
        raise NotFound("No such payment on this order.")
    if amount <= 0 or amount != pricing.money(amount):
        raise ValidationFailed(
            fields={"amount": ["Must be greater than 0, with at most two decimals."]}
        )
    refundable = payment.amount - payment.refunded_amount
    if amount > refundable:
        raise BusinessRuleViolation(
            f"At most {refundable} of this payment can still be refunded.",
            code=PaymentCode.AMOUNT_EXCEEDS_REFUNDABLE,
            refundable=refundable,
        )
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=reason[:300], created_by=by, shift_id=shift_id
    )
    audit_record(
        outlet=order.outlet_id,
        kind=AuditEntry.Kind.REFUND,
        by=by,
        order=order,
        shift=shift_id,
        reason=reason,
        amount=amount,
        before={"refunded_amount": payment.refunded_amount},
        after={"refunded_amount": payment.refunded_amount + amount, "payment_id": payment.pk},
    )
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount"])
    if payment.split_check_id:
        # CONTRACT 12: a refund reduces the paid total of the check the payment paid
        check = checks_locked(order)[payment.split_check_id]
        check.paid_total -= amount
        check.payment_status = check_payment_status(check)
        check.save(update_fields=["paid_total", "payment_status"])
    order.refunded_total += amount
    order.payment_status = payment_status_of(order)
    order_bump(order)
    record_event(
        outlet=order.outlet_id,
        streams=order_streams(order),
        type="payment.refunded",
        data={
            "order_id": order.pk,
            "payment_id": payment.pk,
            "refund_id": refund.pk,
            "amount": amount,
            "payment_status": order.payment_status,
            "table_id": order.table_id,
            "version": order.version,
        },
    )
    return refund
