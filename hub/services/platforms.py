"""Delivery platform orders in (CONTRACT 16; docs/integrations.md "Platform intake").

`platform_order_intake` turns one signed platform order into a delivery order of the
outlet, all or nothing: the (platform, ref) claim row first, so a redelivery (also a
concurrent one) finds the first order and creates nothing; then the codes mapped to
menu items and options (422 `unmapped_item` listing every unknown code); the customer
found by phone or created; the order through `order_create` (the same line rules as the
till: availability, modifiers of CONTRACT 11, prices); and, with the outlet's
`auto_accept_platform_orders`, the KOTs sent and the prepayment taken at once.
Otherwise `platform_order_accept` does both later. `platform_order_reject` (staff) and
`platform_order_cancel` (the platform) cancel, also once paid on the platform: the
prepayment is refunded by method `platform` in the same transaction (_cancel).

The hub acts as the outlet's "Delivery platforms" staff member (role cashier, no
password: nobody signs in as it), created on the first intake, so every row an intake
writes says who wrote it and the till's role rules hold unchanged.

Lock order (docs/architecture.md): the claim row (a unique-index insert, before any
order row), then what order_create, kot_send and payments_capture lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from hub.errors import (
    BusinessRuleViolation,
    Conflict,
    DomainError,
    Forbidden,
    IntegrationCode,
    NotFound,
    OrderCode,
    PaymentCode,
    ValidationFailed,
)
from hub.events import service_transaction
from hub.models import (
    Customer,
    Order,
    OrderType,
    Outlet,
    Payment,
    PaymentMethod,
    PlatformAccount,
    PlatformCode,
    PlatformOrder,
    Staff,
)
from hub.phones import phone_normalize
from hub.roles import role_may
from hub.services.customers import customer_create
from hub.services.kitchen import kot_send
from hub.services.order_core import order_closed_error, order_lock
from hub.services.order_lines import ItemInput, ModifierInput
from hub.services.orders import order_cancel, order_cancel_refusal, order_create
from hub.services.payments import PaymentRequest, payment_refund, payments_capture
from hub.services.sales_summary import sales_summary_remove, sales_summary_share

PLATFORM_METHOD = "platform"
MAX_LINES = 100


@dataclass(frozen=True)
class IntakeLine:
    platform_item_code: str
    quantity: int
    price: Decimal | None = None
    note: str = ""
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntakeOrder:
    platform_order_ref: str
    customer_name: str
    customer_phone: str
    items: Sequence[IntakeLine]
    customer_address: str = ""
    prepaid: bool = False
    amount: Decimal | None = None
    instructions: str = ""


@dataclass(frozen=True)
class IntakeOutcome:
    order: Order
    created: bool


def platform_account_for(*, platform_code: str, outlet_code: str) -> PlatformAccount | None:
    """The active account of that outlet on that platform, or None."""
    return (
        PlatformAccount.objects.select_related("platform", "outlet")
        .filter(
            platform__code=platform_code,
            platform__is_active=True,
            outlet__code=outlet_code,
            is_active=True,
        )
        .first()
    )


def intake_staff(outlet: Outlet) -> Staff:
    """The outlet's "Delivery platforms" actor (created once; cannot sign in)."""
    staff, _ = Staff.objects.get_or_create(
        username=f"platforms-{outlet.code}",
        defaults={
            "outlet": outlet,
            "role": Staff.Role.CASHIER,
            "display_name": "Delivery platforms",
            "password": make_password(None),  # unusable: no login, no token
        },
    )
    return staff


def _platform_method() -> PaymentMethod:
    method, _ = PaymentMethod.objects.get_or_create(
        code=PLATFORM_METHOD,
        defaults={"name": "Paid on the platform", "offered_at_till": False},
    )
    return method


def _claim(account: PlatformAccount, ref: str) -> PlatformOrder | None:
    """Insert the (platform, ref) row, or None if it exists: then the existing one is
    returned by the caller. A concurrent intake of the same ref waits here on the unique
    index until the first commits (then fails the insert) or rolls back (then goes on)."""
    try:
        with transaction.atomic():
            return PlatformOrder.objects.create(
                platform=account.platform, ref=ref, outlet=account.outlet
            )
    except IntegrityError:
        return None


def _mapped(account: PlatformAccount, lines: Sequence[IntakeLine]) -> tuple[dict, dict]:
    codes = {line.platform_item_code for line in lines} | {
        code for line in lines for code in line.modifiers
    }
    rows = PlatformCode.objects.filter(
        platform=account.platform, outlet=account.outlet, code__in=codes
    )
    items = {r.code: r.menu_item_id for r in rows if r.menu_item_id}
    options = {r.code: r.modifier_option_id for r in rows if r.modifier_option_id}
    unmapped = sorted(
        {line.platform_item_code for line in lines if line.platform_item_code not in items}
        | {code for line in lines for code in line.modifiers if code not in options}
    )
    if unmapped:
        raise BusinessRuleViolation(
            f"These codes are not mapped to the menu of outlet {account.outlet.code}: "
            + ", ".join(unmapped)
            + ". Map them in the admin (Platform codes).",
            code=IntegrationCode.UNMAPPED_ITEM,
            codes=unmapped,
        )
    return items, options


def _customer(outlet: Outlet, intake: IntakeOrder, by: Staff) -> Customer:
    try:
        digits = phone_normalize(intake.customer_phone, region=outlet.country)
    except ValueError:
        raise ValidationFailed(
            fields={"customer.phone": ["Not a phone number (with its country code)."]}
        ) from None
    existing = Customer.objects.filter(outlet=outlet, phone_digits=digits).first()
    if existing is not None:
        return existing
    try:
        return customer_create(
            outlet=outlet,
            name=intake.customer_name.strip() or "Platform guest",
            phone=intake.customer_phone,
            address=intake.customer_address,
            by=by,
        )
    except Conflict as exc:  # created meanwhile by a concurrent intake or the till
        if exc.code != "customer_exists":
            raise
        return Customer.objects.get(outlet=outlet, phone_digits=digits)


def _notes(intake: IntakeOrder, platform_name: str) -> str:
    parts = [f"{platform_name} order {intake.platform_order_ref}"]
    if intake.customer_address.strip():
        parts.append(f"Deliver to: {intake.customer_address.strip()}")
    if intake.instructions.strip():
        parts.append(intake.instructions.strip())
    return "\n".join(parts)


def _accept(*, order: Order, claim: PlatformOrder, by: Staff) -> Order:
    kot_send(order_id=order.pk, outlet=order.outlet, by=by)
    if claim.prepaid_amount is not None and claim.prepaid_amount > 0:
        _platform_method()
        payments_capture(
            order_id=order.pk,
            outlet=order.outlet,
            requests=[
                PaymentRequest(
                    payment_method=PLATFORM_METHOD,
                    amount=claim.prepaid_amount,
                    transaction_id=claim.ref,
                    at_till=False,
                )
            ],
            by=by,
        )
    return Order.objects.get(pk=order.pk)


@service_transaction
def platform_order_intake(*, account: PlatformAccount, intake: IntakeOrder) -> IntakeOutcome:
    """Create the delivery order of one platform order; a known ref answers its order.

    Preconditions (else nothing is written): a ref of 1-80 characters; 1 to MAX_LINES
    lines, every item and option code mapped for this outlet (422 `unmapped_item`
    with `codes`); the lines pass the till's rules (400 `validation_error`, 422
    `item_unavailable`, `modifier_rule`); a possible phone number; when prepaid, an
    amount not above the order's total (422 `amount_exceeds_balance`, checked when the
    payment is taken). Records what order_create, kot_send and payments_capture record.
    """
    outlet = account.outlet
    ref = intake.platform_order_ref.strip()
    if not 1 <= len(ref) <= 80:
        raise ValidationFailed(fields={"platform_order_ref": ["1 to 80 characters."]})
    if not 1 <= len(intake.items) <= MAX_LINES:
        raise ValidationFailed(fields={"items": [f"1 to {MAX_LINES} lines."]})
    if intake.prepaid and (intake.amount is None or intake.amount <= 0):
        raise ValidationFailed(fields={"amount": ["A prepaid order needs its amount."]})
    claim = _claim(account, ref)
    if claim is None:
        known = PlatformOrder.objects.select_related("order").get(
            platform=account.platform, ref=ref
        )
        if known.outlet_id != outlet.pk or known.order is None:
            raise Conflict(
                "This platform order ref was already taken in at another outlet.",
                code=IntegrationCode.PLATFORM_REF_TAKEN,
            )
        return IntakeOutcome(order=known.order, created=False)

    items, options = _mapped(account, intake.items)
    by = intake_staff(outlet)
    customer = _customer(outlet, intake, by)
    lines = []
    for line in intake.items:
        counts = Counter(line.modifiers)
        lines.append(
            ItemInput(
                quantity=line.quantity,
                menu_item_id=items[line.platform_item_code],
                price=line.price,
                note=(line.note or "")[:300],
                modifiers=tuple(
                    ModifierInput(option_id=options[code], quantity=count)
                    for code, count in counts.items()
                ),
            )
        )
    delivery = OrderType.objects.get(code="delivery")
    order = order_create(
        outlet=outlet,
        by=by,
        order_type_id=delivery.pk,
        items=_menu_prices(lines),
        customer_id=customer.pk,
        notes=_notes(intake, account.platform.name),
        platform_id=account.platform_id,
        platform_order_ref=ref,
    )
    claim.order = order
    claim.prepaid_amount = intake.amount if intake.prepaid else None
    claim.save(update_fields=["order", "prepaid_amount"])
    if outlet.auto_accept_platform_orders:
        order = _accept(order=order, claim=claim, by=by)
    elif claim.prepaid_amount is not None and claim.prepaid_amount > order.total:
        raise BusinessRuleViolation(
            f"The prepaid amount {claim.prepaid_amount} exceeds the order's total {order.total}.",
            code=PaymentCode.AMOUNT_EXCEEDS_BALANCE,
            balance_due=order.total,
        )
    return IntakeOutcome(order=order, created=True)


def _menu_prices(lines: list[ItemInput]) -> list[ItemInput]:
    """The menu's price is the hub's (CONTRACT 2): a platform's own price (its markup) is
    kept only for open-price items, which need one; order_create decides which is which,
    so the sent price goes only where the item is open-price."""
    from hub.models import MenuItem

    open_price = set(
        MenuItem.objects.filter(
            pk__in={line.menu_item_id for line in lines}, is_open_price=True
        ).values_list("pk", flat=True)
    )
    return [
        line
        if line.menu_item_id in open_price
        else ItemInput(
            quantity=line.quantity,
            menu_item_id=line.menu_item_id,
            note=line.note,
            modifiers=line.modifiers,
        )
        for line in lines
    ]


def _platform_claim(order_id: int, outlet: Outlet) -> PlatformOrder:
    claim = (
        PlatformOrder.objects.filter(order_id=order_id, outlet=outlet)
        .select_related("order")
        .first()
    )
    if claim is None:
        if not Order.objects.filter(pk=order_id, outlet=outlet).exists():
            raise NotFound("No such order.")
        raise BusinessRuleViolation(
            "This order did not come from a delivery platform.",
            code=IntegrationCode.NOT_A_PLATFORM_ORDER,
        )
    return claim


def platform_accept_refusal(*, order: Order) -> DomainError | None:
    if order.status != Order.Status.DRAFT:
        return Conflict(
            f"Order {order.number} was already accepted or closed ({order.status}).",
            code=OrderCode.INVALID_TRANSITION,
            allowed=[],
        )
    return None


@service_transaction
def platform_order_accept(*, order_id: int, outlet: Outlet, by: Staff) -> Order:
    """Send the KOTs of a platform order not yet accepted, and take its prepayment.

    The order row is locked by kot_send (the claim row is only read: it never changes
    after intake). A second accept answers 409 `invalid_transition`; another outlet's
    order 404; an order typed at the till 422 `not_a_platform_order`.
    """
    claim = _platform_claim(order_id, outlet)
    refusal = platform_accept_refusal(order=claim.order)
    if refusal is not None:
        raise refusal
    return _accept(order=claim.order, claim=claim, by=by)


def _is_platform_order(order: Order) -> bool:
    """Taken in by platform_order_intake (a till order may name a platform but has no
    claim row). The representation select_related()s `platform_intake`: no query."""
    try:
        return order.platform_intake is not None
    except PlatformOrder.DoesNotExist:
        return False


def _till_money(order: Order) -> bool:
    """Some payment not by the platform is still held (cash or card taken at the till)."""
    return any(
        p.method.code != PLATFORM_METHOD and p.amount > p.refunded_amount
        for p in order.payments.all()
    )


def platform_cancel_refusal(*, order: Order, by: Staff | None) -> DomainError | None:
    """Why a platform order may not be cancelled now (docs/api.md "Delivery platforms":
    "Cancelling a platform order"), or None. `by` None: the platform itself cancelling,
    which is a fact the hub records, not a request of a role.

    - cancelled: 409 `order_closed` (the platform's own repeat is answered earlier);
    - `paid`: the order may still be cancelled while its only money is the platform's
      prepayment (refunded by method `platform` in the same transaction) and it is not
      yet delivered; with money taken at the till or once delivered, 409 `order_closed`
      (refund at the till first: POST /orders/{id}/refund). A staff reject of a paid one
      is a manager's (`order.cancel_billed`, like a billed order: it reverses a payment);
    - otherwise the platform always may, staff by order_cancel's rules.
    """
    if order.status == Order.Status.CANCELLED:
        return order_closed_error(order)
    if order.status == Order.Status.PAID:
        if order.delivery_status == Order.DeliveryStatus.DELIVERED or _till_money(order):
            return order_closed_error(order)
        if by is not None and not role_may(by.role, "order.cancel_billed"):
            return Forbidden(
                "Only a manager may reject a paid platform order (its prepayment is refunded)."
            )
        return None
    if by is None:
        return None
    return order_cancel_refusal(order=order, by=by)


def platform_reject_refusal(*, order: Order, by: Staff) -> DomainError | str | None:
    """The `reject` action (POST /orders/{id}/reject) of the order representation."""
    if not role_may(by.role, "platform_order.accept"):
        return "role"
    if not _is_platform_order(order):
        return "not a platform order"
    return platform_cancel_refusal(order=order, by=by)


def platform_accept_action_refusal(*, order: Order, by: Staff) -> DomainError | str | None:
    """The `accept` action (POST /orders/{id}/accept) of the order representation."""
    if not role_may(by.role, "platform_order.accept"):
        return "role"
    if not _is_platform_order(order):
        return "not a platform order"
    return platform_accept_refusal(order=order)


def _cancel(*, order_id: int, outlet: Outlet, by: Staff, reason: str, platform: bool) -> Order:
    """Cancel a platform order: lock it, apply platform_cancel_refusal to the locked row,
    refund what is left of every `platform` payment (payment.refunded each, the
    platform returns the money to the guest), then order_cancel (every line void, the
    cancellation tickets to the kitchens that had lines, order.cancelled). One
    transaction (the caller's): a refusal leaves nothing written.

    Lock order (docs/architecture.md): the order row, the shift row, the payment rows
    (payment_refund), the order row again (order_cancel; already held)."""

    def refusal(locked: Order, _by: Staff) -> DomainError | None:
        return platform_cancel_refusal(order=locked, by=None if platform else _by)

    order = order_lock(order_id=order_id, outlet=outlet)
    refused = refusal(order, by)
    if refused is not None:
        raise refused
    # A paid order is in the day's sales summary: read its share while it is still paid,
    # take it back once it is cancelled (last: the summary rows are lock step 8a).
    share = sales_summary_share(order=order) if order.status == Order.Status.PAID else []
    for payment in Payment.objects.filter(order=order, method__code=PLATFORM_METHOD).order_by("id"):
        left = payment.amount - payment.refunded_amount
        if left > 0:
            payment_refund(
                order_id=order.pk,
                outlet=outlet,
                payment_id=payment.pk,
                amount=left,
                reason=f"Order cancelled: {reason}",
                by=by,
                at_till=False,
            )
    cancelled = order_cancel(
        order_id=order_id, outlet=outlet, by=by, reason=reason, refusal=refusal
    )
    if share:
        sales_summary_remove(share=share)
    return cancelled


@service_transaction
def platform_order_cancel(*, account: PlatformAccount, ref: str, reason: str) -> Order:
    """The platform cancelled one of its orders: cancel it as the outlet's platform actor
    (_cancel: its prepayment refunded by method `platform`, cancellation tickets to the
    kitchens that had lines). Unknown ref at this outlet: 404. Already cancelled:
    answered as it is (a platform may send its cancellation twice). Delivered, or paid
    with money taken at the till: 409 `order_closed` (platform_cancel_refusal)."""
    claim = (
        PlatformOrder.objects.filter(platform=account.platform, ref=ref, outlet=account.outlet)
        .select_related("order")
        .first()
    )
    if claim is None or claim.order is None:
        raise NotFound("No order with this ref from this platform at this outlet.")
    if claim.order.status == Order.Status.CANCELLED:
        return claim.order
    return _cancel(
        order_id=claim.order_id,
        outlet=account.outlet,
        by=intake_staff(account.outlet),
        reason=f"{account.platform.name}: {reason.strip() or 'cancelled on the platform'}",
        platform=True,
    )


@service_transaction
def platform_order_reject(*, order_id: int, outlet: Outlet, by: Staff, reason: str) -> Order:
    """Staff reject a platform order, waiting or accepted (_cancel with
    platform_cancel_refusal for `by`: a paid one by a manager, its prepayment refunded;
    tickets already in a kitchen get their cancellation ticket)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Say why the order is rejected."]})
    _platform_claim(order_id, outlet)
    return _cancel(order_id=order_id, outlet=outlet, by=by, reason=reason, platform=False)
