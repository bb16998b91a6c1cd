"""Order lifecycle services: create, update, status, cancel, discount (CONTRACT 2, 3, 4,
4a; docs/api.md "Orders and money").

Every function here is keyword-only and runs in one transaction
(`service_transaction`) that locks the order row first through
hub.services.order_core (then tables, then KOTs, coupons, sequences; the event
rows last: docs/architecture.md "Lock order"). Every change raises
`Order.version` by one (`order_bump`), stores the pricing results
(hub.services.order_pricing) and records its events (`order.*` on the outlet's
orders stream and the table's; `table.status_changed` through
hub.services.tables; `kot.voided` through hub.services.kitchen) in the same
transaction. Lines are built and diffed in hub.services.order_lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hub.errors import (
    Conflict,
    DomainError,
    Forbidden,
    KitchenCode,
    OrderCode,
    TableCode,
    ValidationFailed,
)
from hub.events import service_transaction
from hub.models import (
    AuditEntry,
    Customer,
    DeliveryPlatform,
    Kot,
    Order,
    OrderItem,
    OrderType,
    Outlet,
    Staff,
    Table,
)
from hub.roles import role_may
from hub.selectors.floor import open_orders_on
from hub.services.approvals import approver_resolve
from hub.services.audit import audit_record
from hub.services.checks import check_paid_refusal, checks_drop_for_change
from hub.services.clock import outlet_today
from hub.services.coupons import coupon_check, coupon_usage_count, coupons_active  # noqa: F401
from hub.services.kitchen import kots_end_for_cancelled_order, void_ticket_create
from hub.services.numbering import sequence_next
from hub.services.order_core import (
    order_bump,
    order_check_version,
    order_closed_error,
    order_lock,
    order_record,
    order_require_open,
)
from hub.services.order_lines import (  # noqa: F401 - ItemInput is part of this module's API
    MAX_QUANTITY,
    SENT_ITEM_STATUSES,
    ItemInput,
    lines_apply,
    lines_build,
    menu_items_of,
)
from hub.services.order_pricing import (
    check_discount_allowed,
    check_discount_still_allowed,
    check_payments_fit,
    order_recalculate,
    payment_status_of,
    set_coupon,
    set_manual_discount,
    subtotal_of,
)
from hub.services.sales_summary import sales_summary_add
from hub.services.shifts import shift_attributed
from hub.services.tables import table_occupy, table_release

S = Order.Status
ITEM = OrderItem.Status
MAX_GUESTS = 99


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _customer(outlet: Outlet, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.objects.filter(outlet=outlet, pk=customer_id).first()
    if customer is None:
        raise ValidationFailed(fields={"customer_id": ["No such customer at this outlet."]})
    return customer


def _lock_free_table(*, outlet: Outlet, table_id: int, order: Order | None = None) -> Table:
    """The table, locked, if no other open order runs on it (409 `table_occupied` otherwise).

    Any status without an open order is accepted: `free` and `reserved` obviously,
    `occupied` because the host stand seats walk-ins before an order is typed, and
    `cleaning` because a party sat down while it was wiped (hub.services.tables
    agrees: a table with no order may be anything).
    """
    table = Table.objects.select_for_update().filter(outlet=outlet, pk=table_id).first()
    if table is None:
        raise ValidationFailed(fields={"table_id": ["No such table at this outlet."]})
    running = open_orders_on(table.pk)
    if order is not None:
        running = running.exclude(pk=order.pk)
    other = running.order_by("id").first()
    if other is not None:
        raise Conflict(
            f"Table {table.name} already has an open order ({other.number}).",
            code=TableCode.TABLE_OCCUPIED,
            order_id=other.pk,
        )
    return table


# --- create ---


@service_transaction
def order_create(
    *,
    outlet: Outlet,
    by: Staff,
    order_type_id: int,
    items: Sequence[ItemInput] = (),
    table_id: int | None = None,
    customer_id: int | None = None,
    notes: str = "",
    guests: int | None = None,
    discount_type: str | None = None,
    discount_value: Decimal | None = None,
    discount_reason: str = "",
    coupon_code: str | None = None,
    platform_id: int | None = None,
    platform_order_ref: str = "",
) -> Order:
    """Open an order (status `draft`) at the caller's outlet.

    Preconditions (else nothing is written): the order type exists; a type that
    requires a table gets a table of this outlet with no other open order (locked,
    then occupied: `table.status_changed`); a type that requires a customer gets
    one of this outlet; menu items are this outlet's and available; prices follow
    `_unit_price`; at most one discount (manual within the role's limit, or a valid
    coupon). Numbers come from the outlet's "order" sequence. Records
    `order.created`.
    """
    order_type = OrderType.objects.filter(pk=order_type_id).first()
    if order_type is None:
        raise ValidationFailed(fields={"order_type_id": ["No such order type."]})
    customer = _customer(outlet, customer_id)
    if order_type.requires_customer and customer is None:
        raise ValidationFailed(
            fields={"customer_id": [f"A {order_type.name} order needs a customer."]}
        )
    if guests is not None and not 1 <= guests <= MAX_GUESTS:
        raise ValidationFailed(fields={"guests": [f"Must be between 1 and {MAX_GUESTS}."]})
    if discount_type and coupon_code:
        raise ValidationFailed(
            fields={"coupon_code": ["Send a manual discount or a coupon, not both."]}
        )
    if bool(discount_type) != (discount_value is not None):
        raise ValidationFailed(
            fields={"discount_value": ["Send discount_type and discount_value together."]}
        )
    platform = None
    if platform_id is not None:
        platform = DeliveryPlatform.objects.filter(pk=platform_id, is_active=True).first()
        if platform is None:
            raise ValidationFailed(fields={"platform_id": ["No such delivery platform."]})

    table = None
    if order_type.requires_table:
        if table_id is None:
            raise ValidationFailed(
                fields={"table_id": [f"A {order_type.name} order needs a table."]}
            )
        table = _lock_free_table(outlet=outlet, table_id=table_id)
    elif table_id is not None:
        raise ValidationFailed(fields={"table_id": [f"A {order_type.name} order has no table."]})

    menu = menu_items_of(outlet, {line.menu_item_id for line in items if line.menu_item_id})
    order = Order(
        outlet=outlet,
        order_type=order_type,
        table=table,
        customer=customer,
        notes=notes,
        guests=guests,
        business_date=outlet_today(outlet),
        created_by=by,
        platform=platform,
        platform_order_ref=platform_order_ref,
        delivery_status=Order.DeliveryStatus.PENDING if order_type.code == "delivery" else "",
    )
    new_items = lines_build(order=order, lines=list(enumerate(items)), menu=menu, by=by)
    subtotal = subtotal_of(new_items)
    if coupon_code:
        set_coupon(order, code=coupon_code, subtotal=subtotal)
    elif discount_type:
        check_discount_allowed(
            outlet=outlet, by=by, kind=discount_type, value=discount_value, subtotal=subtotal
        )
        set_manual_discount(
            order, kind=discount_type, value=discount_value, reason=discount_reason, by=by
        )

    order.number = f"ORD-{outlet.code}-{sequence_next(outlet=outlet, key='order')}"
    order.save()
    OrderItem.objects.bulk_create(new_items)
    order_recalculate(order)
    if table is not None:
        table_occupy(table=table, order=order)
    order_record(order, "order.created")
    return order


# --- update ---


@service_transaction
def order_update(
    *,
    order_id: int,
    outlet: Outlet,
    by: Staff,
    expected_version: int | None = None,
    customer_id: int | None = UNSET,
    notes: str = UNSET,
    table_id: int | None = UNSET,
    guests: int | None = UNSET,
    items: Sequence[ItemInput] = UNSET,
    void_reason: str = "",
) -> Order:
    """PUT semantics of CONTRACT 4: fields left UNSET stay; `items` is the full new list.

    Lines: with `id` keep that line (new quantity/note); without `id` are added; left
    out are removed. A line a kitchen already has (status past `pending`) is never
    deleted: removing it turns it `void`; reducing it keeps the line with the lower
    quantity and adds a `void` line for the difference (same KOT); raising it adds a
    new pending line for the extra, which goes to the kitchen as an add-on. Its note
    and price can no longer change (409 `item_already_sent`). Each original KOT that
    loses items gets a void ticket (`kot.voided`). Items of a billed order are
    frozen (409 `order_billed`); closed orders answer 409 `order_closed`.
    A request that changes nothing changes nothing (no version, no event).
    A change of lines that would leave a manual discount above its giver's limit,
    or a coupon below its minimum, is refused (order_pricing.check_discount_still_allowed:
    422); one that would leave less to pay than was paid, 409 `payments_exceed_total`;
    one that leaves exactly nothing to pay settles the order (`paid`).
    Records `order.updated` on the orders stream and the old and new table streams.
    """
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    order_require_open(order)
    changed = False
    old_table_id = order.table_id

    if customer_id is not UNSET and customer_id != order.customer_id:
        customer = _customer(outlet, customer_id)
        if customer is None and order.order_type.requires_customer:
            raise ValidationFailed(
                fields={"customer_id": [f"A {order.order_type.name} order needs a customer."]}
            )
        order.customer = customer
        changed = True
    if notes is not UNSET and notes != order.notes:
        order.notes = notes
        changed = True
    if guests is not UNSET and guests != order.guests:
        if guests is not None and not 1 <= guests <= MAX_GUESTS:
            raise ValidationFailed(fields={"guests": [f"Must be between 1 and {MAX_GUESTS}."]})
        order.guests = guests
        changed = True

    new_table = None
    if table_id is not UNSET and table_id != order.table_id:
        if not order.order_type.requires_table:
            raise ValidationFailed(
                fields={"table_id": [f"A {order.order_type.name} order has no table."]}
            )
        if table_id is None:
            raise ValidationFailed(
                fields={"table_id": [f"A {order.order_type.name} order needs a table."]}
            )
        new_table = _lock_free_table(outlet=outlet, table_id=table_id, order=order)
        order.table = new_table
        changed = True

    voids: list[OrderItem] = []
    if items is not UNSET:
        refusal = order_items_refusal(order=order, by=by)
        if refusal is not None:
            raise refusal
        items_changed, voids = lines_apply(
            order=order, lines=items, by=by, reason=void_reason or "removed from the order"
        )
        changed = changed or items_changed

    if not changed:
        return order
    order_recalculate(order, save=False)
    split_removed = False
    if items is not UNSET:
        split_removed = checks_drop_for_change(order)
        check_discount_still_allowed(order, subtotal=order.subtotal)
        check_payments_fit(order)
    from_status = order.status
    settled = _settle_if_paid_off(order)
    order_bump(order)
    if new_table is not None:
        table_occupy(table=new_table, order=order)
        if old_table_id:
            table_release(table=Table.objects.get(pk=old_table_id), outlet=outlet, order=order)
    if voids:
        void_ticket_create(
            order=order,
            items=voids,
            kind=Kot.Kind.VOID,
            reason=void_reason or "removed from the order",
            by=by,
        )
        for void in voids:  # CONTRACT 15: a sent line taken back
            audit_record(
                outlet=order.outlet_id,
                kind=AuditEntry.Kind.VOID,
                by=by,
                order=order,
                kot=void.kot_id,
                reason=void.void_reason or void_reason,
                amount=void.unit_price * void.quantity,
                before={"name": void.name, "quantity": void.quantity, "item_id": void.pk},
            )
    order_record(
        order,
        "order.updated",
        old_table_id if old_table_id != order.table_id else None,
        **({"checks": []} if split_removed else {}),
    )
    if settled:
        _after_paid(order, from_status=from_status)
    return order


def order_items_refusal(*, order: Order, by: Staff) -> DomainError | None:
    """Why `by` may not change the order's lines now, or None if they may: the rule
    order_update applies to `items`, and the representation's `update_items` action.

    Roles with `order.update`; an open order (409 `order_closed` for paid and
    cancelled); not billed (409 `order_billed`: the bill froze them); no check of a
    split bill paid (409 `check_paid`, CONTRACT 12: the checks froze them)."""
    if not role_may(by.role, "order.update"):
        return Forbidden("Your role may not change orders.")
    if order.is_closed:
        return order_closed_error(order)
    if order.status == S.BILLED:
        return Conflict(
            f"Order {order.number} is billed: its items are frozen. Cancel it (manager) to change them.",
            code=OrderCode.ORDER_BILLED,
        )
    return check_paid_refusal(order)


# --- status ---

# The lifecycle of CONTRACT 4. `kot` is reached only by sending a KOT (POST
# /orders/{id}/kot); `paid` by the balance reaching 0; `cancelled` through the
# cancel rules (manager only from `billed`).
LIFECYCLE: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.KOT, S.CANCELLED),
    S.KOT: (S.BILLED, S.CANCELLED),
    S.BILLED: (S.PAID, S.CANCELLED),
    S.PAID: (),
    S.CANCELLED: (),
}
PAYABLE_STATUSES = (S.DRAFT, S.KOT, S.BILLED)


def allowed_statuses(order: Order, by: Staff) -> list[str]:
    """What `PUT /orders/{id}/status` would accept now from this caller (the order
    representation's `allowed_statuses`, and `allowed` of its 409)."""
    if not role_may(by.role, "order.set_status"):
        return []
    allowed = []
    for target in LIFECYCLE[order.status]:
        if target == S.KOT:
            continue  # only by sending a KOT
        if target == S.PAID and order.balance_due > 0:
            continue
        if target == S.CANCELLED and order.status == S.BILLED and not _may_cancel_billed(by):
            continue
        allowed.append(str(target))
    return allowed


def order_unsent_refusal(*, pending: bool) -> Conflict | None:
    """Billing needs every line sent (409 `items_not_sent`: the kitchen would never see
    it); with `allowed_statuses`, the representation's `bill` action."""
    if pending:
        return Conflict(
            "Some items were never sent to a kitchen; send them or remove them first.",
            code=KitchenCode.ITEMS_NOT_SENT,
        )
    return None


def _may_cancel_billed(by: Staff) -> bool:
    return role_may(by.role, "order.cancel_billed")


def _mark_paid(order: Order) -> None:
    """Set the order paid (not saved): status, stamp, and the payment status that goes
    with it, so the one save the caller makes never shows them disagreeing."""
    order.status = S.PAID
    order.paid_at = timezone.now()
    order.payment_status = payment_status_of(order)
    order.shift_id = shift_attributed(outlet=order.outlet)  # CONTRACT 14: its sales


def _settle_if_paid_off(order: Order) -> bool:
    """An open order whose payments now cover its total is paid (CONTRACT 4: `paid` is
    reached automatically when the balance reaches 0). Not saved; returns whether."""
    if order.status in PAYABLE_STATUSES and order.paid_total > 0 and order.balance_due <= 0:
        _mark_paid(order)
        return True
    return False


def _after_paid(order: Order, *, from_status: str) -> None:
    """What follows an order becoming paid, after its row was saved: the table released,
    the coupon's use counted, its sales added to the day's report rows (the last rows it
    locks before the events: docs/architecture.md "Lock order" 8a),
    `order.status_changed` recorded."""
    if order.table_id:
        table_release(table=order.table, outlet=order.outlet, order=order)
    coupon_usage_count(order=order)
    sales_summary_add(order=order)
    order_record(order, "order.status_changed", from_status=str(from_status))


@service_transaction
def order_set_status(
    *,
    order_id: int,
    outlet: Outlet,
    by: Staff,
    status: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Order:
    """Move the order along its lifecycle (`PUT /orders/{id}/status`).

    `billed` (from `kot`) freezes the items; with any line not yet sent it answers
    409 `items_not_sent` (the kitchen would never see it). If the balance is
    already 0 when billed (paid in advance, or a total of 0), the order goes
    straight on to `paid`. `paid` by hand only when `balance_due` is 0. `cancelled`
    needs a `reason` and follows `order_cancel`. The same status again changes
    nothing. Anything else: 409 `invalid_transition` with `allowed`. Records
    `order.status_changed` (once per step).
    """
    if status == S.CANCELLED:
        if not (reason or "").strip():
            raise ValidationFailed(fields={"reason": ["Say why the order is cancelled."]})
        return order_cancel(
            order_id=order_id,
            outlet=outlet,
            by=by,
            reason=reason,
            expected_version=expected_version,
        )
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    if status == order.status:
        return order
    allowed = allowed_statuses(order, by)
    if status not in allowed:
        message = f"Cannot move from {order.status} to {status}."
        if status == S.KOT and order.status == S.DRAFT:
            message = "An order reaches kot by sending its items: POST /orders/{id}/kot."
        elif status == S.PAID and order.status == S.BILLED:
            message = f"The balance due is {order.balance_due}; take the payment first."
        raise Conflict(message, code=OrderCode.INVALID_TRANSITION, allowed=allowed)
    from_status = order.status
    if status == S.BILLED:
        refusal = order_unsent_refusal(
            pending=OrderItem.objects.filter(order=order, status=ITEM.PENDING).exists()
        )
        if refusal is not None:
            raise refusal
        order_recalculate(order, save=False)
        order.status = S.BILLED
        order.billed_at = timezone.now()
        if order.balance_due > 0:
            order_bump(order)
            order_record(order, "order.status_changed", from_status=str(from_status))
            return order
        # nothing left to pay: billed and paid in one write, and both steps told
        order_record(order, "order.status_changed", from_status=str(from_status))
        _mark_paid(order)
        order_bump(order)
        _after_paid(order, from_status=S.BILLED)
        return order
    # status == PAID (allowed only with nothing left to pay)
    _mark_paid(order)
    order_bump(order)
    _after_paid(order, from_status=from_status)
    return order


def order_mark_paid_if_settled(*, order: Order) -> bool:
    """For the payment services: an open order whose balance reached 0 becomes `paid`.

    From `draft`, `kot` or `billed` alike (CONTRACT 4: `paid` is reached
    automatically when the balance reaches 0 after a payment; a counter that
    takes payment first still sends the paid order's items to the kitchen).
    Call inside the payment's transaction, with the order row locked and
    `order_recalculate` already run, BEFORE the order row is saved: it sets the
    status; the caller bumps (saves) and then calls `order_after_paid`.
    """
    return _settle_if_paid_off(order)


def order_after_paid(*, order: Order, from_status: str) -> None:
    """For the payment services, after the row of an order that just became paid was
    saved: release its table, count its coupon, record `order.status_changed`."""
    _after_paid(order, from_status=from_status)


# --- cancel ---


def order_cancel_refusal(
    *, order: Order, by: Staff, approver: Staff | None = None
) -> DomainError | None:
    """Why `by` may not cancel the order now, or None if they may: the rule order_cancel
    applies, and the representation's `cancel` action. Roles with `order.cancel`; an
    open order (409 `order_closed`); a billed one only with `order.cancel_billed`
    (managers; 403 `forbidden`), or approved by one in the same request (`approver`)."""
    if not role_may(by.role, "order.cancel"):
        return Forbidden("Your role may not cancel orders.")
    if order.is_closed:
        return order_closed_error(order)
    if order.status == S.BILLED and not _may_cancel_billed(approver or by):
        return Forbidden("Only a manager may cancel a billed order.")
    return None


@service_transaction
def order_cancel(
    *,
    order_id: int,
    outlet: Outlet,
    by: Staff,
    reason: str,
    expected_version: int | None = None,
    approval_token: str | None = None,
    refusal: Callable[[Order, Staff], DomainError | None] | None = None,
) -> Order:
    """Cancel with a reason: from `draft` or `kot`; from `billed` only a manager (403),
    or another role with a manager's approval in the same request (`approval_token`,
    hub/services/approvals.py: 403 `approval_invalid` for anything but a usable
    manager token of the outlet; the audit entry's `approved_by` names the manager).

    Every line becomes `void` (the totals drop to 0; a payment already taken shows
    as a negative balance_due, to refund). Lines a kitchen had get one
    cancellation ticket per kitchen (`kot.voided`, kind `cancellation`), and the
    order's tickets not yet served become `cancelled` (CONTRACT 5: they leave every
    screen; `kot.status_changed` on each kitchen's stream). The table
    is released to the outlet's `table_release_status`. Closed orders answer 409
    `order_closed`. Records `order.cancelled`.

    `refusal`: the rule to apply to the locked row instead of order_cancel_refusal, for
    a caller with its own (hub/services/platforms.py: a platform order paid on the
    platform may be cancelled once its prepayment is refunded, in the same transaction).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Say why the order is cancelled."]})
    approver = approver_resolve(outlet=outlet, token=approval_token)
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    refused = (
        refusal(order, by)
        if refusal is not None
        else order_cancel_refusal(order=order, by=by, approver=approver)
    )
    if refused is not None:
        raise refused
    sent = []
    items = list(OrderItem.objects.filter(order=order).exclude(status=ITEM.VOID).order_by("id"))
    for item in items:
        if item.status in SENT_ITEM_STATUSES:
            sent.append(item)
        item.status = ITEM.VOID
        item.voided_quantity = item.quantity
        item.void_reason = reason[:200]
    OrderItem.objects.bulk_update(items, ["status", "voided_quantity", "void_reason"])
    from_status = order.status
    order.status = S.CANCELLED
    order.cancel_reason = reason
    order.shift_id = shift_attributed(outlet=order.outlet)
    before_total = order.total
    order_recalculate(order, save=False)
    order_bump(order)
    audit_record(
        outlet=order.outlet_id,
        kind=AuditEntry.Kind.CANCEL,
        by=by,
        approved_by=approver,
        order=order,
        reason=reason,
        amount=before_total,
        before={"status": str(from_status), "total": before_total},
        after={"status": S.CANCELLED},
    )
    if sent:
        void_ticket_create(
            order=order, items=sent, kind=Kot.Kind.CANCELLATION, reason=reason, by=by
        )
    kots_end_for_cancelled_order(order=order)
    if order.table_id:
        table_release(table=order.table, outlet=outlet, order=order)
    if from_status == S.PAID:
        coupon_usage_count(order=order)  # it counted the paid order; no longer
    order_record(order, "order.cancelled", reason=reason, from_status=str(from_status))
    return order


# --- discount ---


@service_transaction
def order_apply_discount(
    *,
    order_id: int,
    outlet: Outlet,
    by: Staff,
    discount_type: str | None = None,
    discount_value: Decimal | None = None,
    reason: str = "",
    coupon_code: str | None = None,
    expected_version: int | None = None,
    approval_token: str | None = None,
) -> Order:
    """Set the order's one discount, replacing any earlier one (`POST /orders/{id}/discount`).

    Either a manual `discount_type` + `discount_value` (limits of
    `check_discount_allowed`; a value of 0 removes the discount) or a `coupon_code`
    (422 `coupon_invalid` with `reason` when it does not apply). Closed orders 409
    `order_closed`; a discount that leaves less to pay than was already paid, 409
    `payments_exceed_total`; one that leaves exactly nothing to pay settles the
    order (`paid`). Records `order.updated`.

    `approval_token`: a manager's token approving it (hub/services/approvals.py; 403
    `approval_invalid` otherwise): the limits are the manager's, the discount is
    recorded as theirs (`discount_by`, so later changes are measured against their
    limit too), and the audit entry's `approved_by` names them.
    """
    approver = approver_resolve(outlet=outlet, token=approval_token)
    authority = approver or by
    order = order_lock(order_id=order_id, outlet=outlet)
    order_check_version(order, expected_version)
    order_require_open(order)
    before = _discount_state(order)
    items = list(OrderItem.objects.filter(order=order))
    subtotal = subtotal_of(items)
    if coupon_code:
        set_coupon(order, code=coupon_code, subtotal=subtotal)
    else:
        if not discount_type or discount_value is None:
            raise ValidationFailed(
                fields={"discount_type": ["Send discount_type and discount_value, or coupon_code."]}
            )
        check_discount_allowed(
            outlet=outlet, by=authority, kind=discount_type, value=discount_value, subtotal=subtotal
        )
        set_manual_discount(
            order, kind=discount_type, value=discount_value, reason=reason, by=authority
        )
    split_removed = checks_drop_for_change(order)
    order_recalculate(order, save=False)
    check_payments_fit(order)
    from_status = order.status
    settled = _settle_if_paid_off(order)
    order_bump(order)
    audit_record(
        outlet=order.outlet_id,
        kind=AuditEntry.Kind.DISCOUNT,
        by=by,
        approved_by=approver,
        order=order,
        reason=reason or (f"coupon {coupon_code}" if coupon_code else ""),
        amount=order.discount_amount,
        before=before,
        after=_discount_state(order),
    )
    order_record(order, "order.updated", **({"checks": []} if split_removed else {}))
    if settled:
        _after_paid(order, from_status=from_status)
    return order


def _discount_state(order: Order) -> dict[str, Any]:
    return {
        "type": order.discount_type or None,
        "value": order.discount_value,
        "coupon": order.coupon.code if order.coupon_id else None,
        "amount": order.discount_amount,
    }
