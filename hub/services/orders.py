"""Order services: create, update, status, cancel, discount (CONTRACT 2, 4, 4a; docs/api.md
"Orders and money").

Every function here is keyword-only and runs in one transaction that locks the
order row first (then tables, then coupons), so two terminals changing one order
are serialised and the lock order never deadlocks. Every change raises
`Order.version` by one, stores the pricing results (`order_recalculate`) and
records its events (`order.*` on the outlet's orders stream and the table's
stream; `table.status_changed` through hub.services.tables; `kot.voided` through
hub.services.kitchen) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from hub import pricing
from hub.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from hub.models import (
    Customer,
    DeliveryPlatform,
    Kot,
    MenuItem,
    Order,
    OrderItem,
    OrderType,
    Outlet,
    Payment,
    Staff,
    Table,
)
from hub.roles import MANAGER, role_may
from hub.services.clock import outlet_today
from hub.services.coupons import coupon_discount, coupon_evaluate, coupon_usage_count
from hub.services.events import orders_stream, record_event, table_stream
from hub.services.kitchen import void_ticket_create
from hub.services.numbering import sequence_next
from hub.services.tables import open_orders_on, table_occupy, table_release

S = Order.Status
ITEM = OrderItem.Status
SENT_ITEM_STATUSES = frozenset(
    {ITEM.SENT_TO_KITCHEN, ITEM.IN_KITCHEN, ITEM.FOOD_READY, ITEM.SERVED}
)
MAX_QUANTITY = 999
MAX_GUESTS = 99


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class ItemInput:
    """One line as a request gives it. `id` only in updates (keeps that line)."""

    quantity: int
    menu_item_id: int | None = None
    price: Decimal | None = None
    note: str | None = None
    id: int | None = None


# --- reading and locking --------------------------------------------------------------


def order_lock(*, order_id: int, outlet: Outlet) -> Order:
    """The order row, locked for this transaction; another outlet's order is NotFound."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("outlet", "order_type")
        .filter(pk=order_id, outlet=outlet)
        .first()
    )
    if order is None:
        raise NotFound("No such order.")
    return order


def check_version(order: Order, expected: int | None) -> None:
    """CONTRACT 3: a stale `version` / If-Match answers 409 with the current one."""
    if expected is not None and expected != order.version:
        raise Conflict(
            f"The order changed since you read it (you sent version {expected}, it is now "
            f"{order.version}). Reload it and try again.",
            code="version_conflict",
            current_version=order.version,
        )


def _require_open(order: Order) -> None:
    if order.is_closed:
        raise Conflict(
            f"Order {order.number} is {order.status}; it cannot change.", code="order_closed"
        )


# --- pricing ------------------------------------------------------------------------


def _tax_rates(item: OrderItem) -> tuple[pricing.TaxRate, ...]:
    return tuple(
        pricing.TaxRate(name=str(t["name"]), rate=Decimal(str(t["rate"])))
        for t in (item.tax_components or [])
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
            lines=tuple(
                pricing.Line(
                    unit_price=item.unit_price,
                    quantity=item.quantity,
                    taxes=_tax_rates(item),
                    void=item.status == ITEM.VOID,
                )
                for item in items
            ),
            discount=order_discount(order),
            service_charge_percent=order.order_type.service_charge_percent,
            prices_include_tax=order.outlet.prices_include_tax,
            round_off=order.outlet.round_off,
            payments=tuple(pricing.PaymentAmount(amount=a, tip=t) for a, t in payments),
        )
    )


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


def payment_status_of(order: Order) -> str:
    """unpaid | partial | paid | refunded, by the same rule as hub.services.payments."""
    P = Order.PaymentStatus
    if order.paid_total <= 0:
        return P.UNPAID
    if order.refunded_total > 0:
        return P.REFUNDED if order.refunded_total >= order.paid_total else P.PARTIAL
    return P.PAID if order.paid_total >= order.total else P.PARTIAL


def order_recalculate(order: Order, *, save: bool = True) -> pricing.PricingResult:
    """Store hub.pricing's results on the order row (and derive payment_status).

    Call inside the transaction that changed the order's items, discount or
    payments, with the order row locked. Does not raise `version`: the caller's
    change does.
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


# --- events -----------------------------------------------------------------------------


def order_event_data(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "total": order.total,
        "balance_due": order.balance_due,
        "version": order.version,
        "table_id": order.table_id,
        **extra,
    }


def order_streams(order: Order, *extra_tables: int | None) -> list[str]:
    streams = [orders_stream(order.outlet_id)]
    for table_id in (order.table_id, *extra_tables):
        if table_id:
            streams.append(table_stream(table_id))
    return streams


def _record(order: Order, type: str, *extra_tables: int | None, **extra: Any) -> None:
    record_event(
        outlet=order.outlet_id,
        streams=order_streams(order, *extra_tables),
        type=type,
        data=order_event_data(order, **extra),
    )


def _bump(order: Order) -> None:
    order.version += 1
    order.save()


# --- inputs against the outlet's data ------------------------------------------------


def may_override_price(staff: Staff) -> bool:
    return staff.can_override_price or role_may(staff.role, "price.override")


def _menu_items(outlet: Outlet, ids: set[int]) -> dict[int, MenuItem]:
    return {
        m.pk: m
        for m in MenuItem.objects.filter(outlet=outlet, pk__in=ids)
        .select_related("tax_category")
        .prefetch_related("tax_category__components")
    }


def _tax_snapshot(menu_item: MenuItem) -> list[dict[str, str]]:
    if menu_item.tax_category is None:
        return []
    return [
        {"name": c.name, "rate": str(pricing.plain_rate(c.rate))}
        for c in sorted(menu_item.tax_category.components.all(), key=lambda c: c.pk)
    ]


def _unit_price(
    *, menu_item: MenuItem, sent: Decimal | None, by: Staff, field: str
) -> tuple[Decimal, bool]:
    """CONTRACT 2: the menu price is authoritative; a different `price` is an override.

    Returns (unit_price, overridden). Open-price items take the sent price (and
    need one); other items accept it only from a role that may override prices.
    """
    if menu_item.is_open_price:
        if sent is None:
            raise ValidationFailed(
                fields={field: [f"{menu_item.name} is open-price: send its price."]}
            )
        return sent, False
    if sent is None or sent == menu_item.price:
        return menu_item.price, False
    if may_override_price(by):
        return sent, True
    raise BusinessRuleViolation(
        f"{menu_item.name} costs {menu_item.price}, not {sent}; only a manager may change a price.",
        code="price_mismatch",
        fields={field: [f"The menu price is {menu_item.price}."]},
        menu_price=menu_item.price,
    )


def _new_item(
    *,
    order: Order,
    menu_item: MenuItem,
    quantity: int,
    unit_price: Decimal,
    overridden: bool,
    note: str,
) -> OrderItem:
    return OrderItem(
        order=order,
        menu_item=menu_item,
        name=menu_item.name,
        quantity=quantity,
        unit_price=unit_price,
        price_overridden=overridden,
        tax_components=_tax_snapshot(menu_item),
        kitchen_id=menu_item.kitchen_id,
        note=note,
        status=ITEM.PENDING,
    )


def _check_quantity(quantity: int, field: str) -> None:
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        raise ValidationFailed(
            fields={field: [f"Must be a whole number from 1 to {MAX_QUANTITY}."]}
        )


def _build_new_items(
    *, order: Order, lines: Sequence[tuple[int, ItemInput]], menu: dict[int, MenuItem], by: Staff
) -> list[OrderItem]:
    items = []
    for index, line in lines:
        field = f"items.{index}"
        menu_item = menu.get(line.menu_item_id) if line.menu_item_id else None
        if menu_item is None:
            raise ValidationFailed(
                fields={f"{field}.menu_item_id": ["No such menu item at this outlet."]}
            )
        if not menu_item.is_available:
            raise BusinessRuleViolation(
                f"{menu_item.name} is not available now.",
                code="item_unavailable",
                fields={f"{field}.menu_item_id": ["Not available."]},
                menu_item_id=menu_item.pk,
            )
        _check_quantity(line.quantity, f"{field}.quantity")
        unit_price, overridden = _unit_price(
            menu_item=menu_item, sent=line.price, by=by, field=f"{field}.price"
        )
        items.append(
            _new_item(
                order=order,
                menu_item=menu_item,
                quantity=line.quantity,
                unit_price=unit_price,
                overridden=overridden,
                note=line.note or "",
            )
        )
    return items


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
            code="table_occupied",
            order_id=other.pk,
        )
    return table


# --- discounts -----------------------------------------------------------------------


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
    if value == 0 or by.role == MANAGER:
        return
    limits = {
        "cashier": outlet.cashier_max_discount_percent,
        "waiter": outlet.waiter_max_discount_percent,
    }
    limit = limits.get(by.role)
    if not limit:
        raise Forbidden("Your role may not give discounts at this outlet.")
    percent = value if kind == pricing.PERCENT else pricing.percent_of(value, subtotal)
    if percent > limit:
        raise BusinessRuleViolation(
            f"Your role may give at most {pricing.plain_rate(limit)}% off; ask a manager.",
            code="discount_limit_exceeded",
            limit_percent=pricing.plain_rate(limit),
        )


def _set_manual_discount(
    order: Order, *, kind: str | None, value: Decimal | None, reason: str
) -> None:
    if not kind or not value:
        order.discount_type, order.discount_value, order.discount_reason = "", None, ""
    else:
        order.discount_type, order.discount_value, order.discount_reason = kind, value, reason
    order.coupon = None


def _set_coupon(order: Order, *, code: str, subtotal: Decimal) -> None:
    evaluation = coupon_evaluate(
        outlet=order.outlet, code=code, subtotal=subtotal, order_type=order.order_type
    )
    if not evaluation.valid:
        raise BusinessRuleViolation(
            f"Coupon {code!r} cannot be used: {evaluation.reason.replace('_', ' ')}.",
            code="coupon_invalid",
            reason=evaluation.reason,
        )
    order.coupon = evaluation.coupon
    order.discount_type, order.discount_value, order.discount_reason = "", None, ""


def _subtotal_of(items: Sequence[OrderItem]) -> Decimal:
    return sum(
        (
            pricing.line_total(pricing.Line(i.unit_price, i.quantity, void=i.status == ITEM.VOID))
            for i in items
        ),
        pricing.ZERO,
    )


# --- create ----------------------------------------------------------------------------


@transaction.atomic
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

    menu = _menu_items(outlet, {line.menu_item_id for line in items if line.menu_item_id})
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
    new_items = _build_new_items(order=order, lines=list(enumerate(items)), menu=menu, by=by)
    subtotal = _subtotal_of(new_items)
    if coupon_code:
        _set_coupon(order, code=coupon_code, subtotal=subtotal)
    elif discount_type:
        check_discount_allowed(
            outlet=outlet, by=by, kind=discount_type, value=discount_value, subtotal=subtotal
        )
        _set_manual_discount(
            order, kind=discount_type, value=discount_value, reason=discount_reason
        )

    order.number = f"ORD-{outlet.code}-{sequence_next(outlet=outlet, key='order')}"
    order.save()
    OrderItem.objects.bulk_create(new_items)
    order_recalculate(order)
    if table is not None:
        table_occupy(table=table, order=order)
    _record(order, "order.created")
    return order


# --- update ----------------------------------------------------------------------------


@transaction.atomic
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
    Records `order.updated` on the orders stream and the old and new table streams.
    """
    order = order_lock(order_id=order_id, outlet=outlet)
    check_version(order, expected_version)
    _require_open(order)
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
        if order.status == S.BILLED:
            raise Conflict(
                f"Order {order.number} is billed: its items are frozen. Cancel it (manager) to change them.",
                code="order_billed",
            )
        items_changed, voids = _apply_items(
            order=order, lines=items, by=by, reason=void_reason or "removed from the order"
        )
        changed = changed or items_changed

    if not changed:
        return order
    order_recalculate(order, save=False)
    _bump(order)
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
    _record(order, "order.updated", old_table_id if old_table_id != order.table_id else None)
    return order


def _apply_items(
    *, order: Order, lines: Sequence[ItemInput], by: Staff, reason: str
) -> tuple[bool, list[OrderItem]]:
    """Diff the full new list against the order's lines. Returns (changed, new void rows)."""
    existing = {item.pk: item for item in OrderItem.objects.filter(order=order).order_by("id")}
    menu_ids = {line.menu_item_id for line in lines if line.menu_item_id}
    menu_ids |= {existing[line.id].menu_item_id for line in lines if line.id in existing}
    menu = _menu_items(order.outlet, menu_ids)

    seen: set[int] = set()
    to_save: list[OrderItem] = []
    to_create: list[tuple[int, ItemInput]] = []
    extra_items: list[OrderItem] = []
    voids: list[OrderItem] = []
    changed = False

    for index, line in enumerate(lines):
        field = f"items.{index}"
        if line.id is None:
            to_create.append((index, line))
            continue
        item = existing.get(line.id)
        if item is None:
            raise ValidationFailed(fields={f"{field}.id": ["No such line on this order."]})
        if line.id in seen:
            raise ValidationFailed(fields={f"{field}.id": ["This line is listed twice."]})
        seen.add(line.id)
        _check_quantity(line.quantity, f"{field}.quantity")
        if line.menu_item_id is not None and line.menu_item_id != item.menu_item_id:
            raise ValidationFailed(
                fields={
                    f"{field}.menu_item_id": ["A line keeps its menu item; add a new line instead."]
                }
            )
        note = item.note if line.note is None else line.note
        if item.status == ITEM.VOID:
            if line.quantity != item.quantity or note != item.note:
                raise Conflict(
                    f"Line {item.pk} ({item.name}) is void and cannot change.", code="item_void"
                )
            continue
        if item.status == ITEM.PENDING:
            if line.price is not None and line.price != item.unit_price:
                menu_item = menu.get(item.menu_item_id)
                if menu_item is None:  # the menu item moved away; the line keeps its price
                    raise ValidationFailed(
                        fields={f"{field}.price": ["This line's price cannot change."]}
                    )
                item.unit_price, item.price_overridden = _unit_price(
                    menu_item=menu_item, sent=line.price, by=by, field=f"{field}.price"
                )
                changed = True
                to_save.append(item)
            if line.quantity != item.quantity or note != item.note:
                item.quantity, item.note = line.quantity, note
                changed = True
                to_save.append(item)
            continue
        # already in a kitchen
        if note != item.note or (line.price is not None and line.price != item.unit_price):
            raise Conflict(
                f"{item.name} is already in the kitchen; its note and price cannot change. "
                "Remove it and add a new line.",
                code="item_already_sent",
            )
        if line.quantity > item.quantity:
            extra = _copy_item(item, quantity=line.quantity - item.quantity, status=ITEM.PENDING)
            extra.kot = None
            extra_items.append(extra)
            changed = True
        elif line.quantity < item.quantity:
            difference = item.quantity - line.quantity
            item.quantity = line.quantity
            to_save.append(item)
            voids.append(_copy_item(item, quantity=difference, status=ITEM.VOID, reason=reason))
            changed = True

    for item in existing.values():
        if item.pk in seen or item.status == ITEM.VOID:
            continue
        changed = True
        if item.status == ITEM.PENDING:
            item.delete()
        else:
            item.status = ITEM.VOID
            item.voided_quantity = item.quantity
            item.void_reason = reason[:200]
            to_save.append(item)
            voids.append(item)

    created = _build_new_items(order=order, lines=to_create, menu=menu, by=by)
    changed = changed or bool(created)
    for item in {id(i): i for i in to_save}.values():
        item.save()
    OrderItem.objects.bulk_create(created + extra_items + [v for v in voids if v.pk is None])
    return changed, voids


def _copy_item(item: OrderItem, *, quantity: int, status: str, reason: str = "") -> OrderItem:
    return OrderItem(
        order_id=item.order_id,
        menu_item_id=item.menu_item_id,
        name=item.name,
        quantity=quantity,
        unit_price=item.unit_price,
        price_overridden=item.price_overridden,
        tax_components=item.tax_components,
        kitchen_id=item.kitchen_id,
        note=item.note,
        status=status,
        kot_id=item.kot_id,
        voided_quantity=quantity if status == ITEM.VOID else 0,
        void_reason=reason[:200],
    )


# --- status ----------------------------------------------------------------------------

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


def allowed_statuses(order: Order, by: Staff) -> list[str]:
    """What `PUT /orders/{id}/status` would accept now from this caller."""
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


def _may_cancel_billed(by: Staff) -> bool:
    return role_may(by.role, "order.cancel_billed")


def _mark_paid(order: Order, *, by: Staff | None) -> None:
    """billed -> paid: stamp, release the table, count the coupon. Row already locked."""
    from_status = order.status
    order.status = S.PAID
    order.paid_at = timezone.now()
    _bump(order)
    if order.table_id:
        table_release(table=order.table, outlet=order.outlet, order=order)
    coupon_usage_count(order=order)
    _record(order, "order.status_changed", from_status=str(from_status))


@transaction.atomic
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
    already 0 when billed, the order goes straight on to `paid`. `paid` by hand
    only when `balance_due` is 0. `cancelled` needs a `reason` and follows
    `order_cancel`. The same status again changes nothing. Anything else: 409
    `invalid_transition` with `allowed`. Records `order.status_changed`.
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
    check_version(order, expected_version)
    if status == order.status:
        return order
    allowed = allowed_statuses(order, by)
    if status not in allowed:
        message = f"Cannot move from {order.status} to {status}."
        if status == S.KOT and order.status == S.DRAFT:
            message = "An order reaches kot by sending its items: POST /orders/{id}/kot."
        elif status == S.PAID and order.status == S.BILLED:
            message = f"The balance due is {order.balance_due}; take the payment first."
        raise Conflict(message, code="invalid_transition", allowed=allowed)
    from_status = order.status
    if status == S.BILLED:
        if OrderItem.objects.filter(order=order, status=ITEM.PENDING).exists():
            raise Conflict(
                "Some items were never sent to a kitchen; send them or remove them first.",
                code="items_not_sent",
            )
        order_recalculate(order, save=False)
        order.status = S.BILLED
        order.billed_at = timezone.now()
        _bump(order)
        _record(order, "order.status_changed", from_status=str(from_status))
        if order.balance_due <= 0:
            _mark_paid(order, by=by)
        return order
    if status == S.PAID:
        _mark_paid(order, by=by)
        return order
    raise Conflict(
        f"Cannot move from {order.status} to {status}.", code="invalid_transition", allowed=allowed
    )  # pragma: no cover - LIFECYCLE covers every other target


def order_mark_paid_if_settled(*, order: Order, by: Staff | None) -> bool:
    """For the payment services: an open order whose balance reached 0 becomes `paid`.

    From `draft`, `kot` or `billed` alike (CONTRACT 4: `paid` is reached
    automatically when the balance reaches 0 after a payment; a counter that
    takes payment first still sends the paid order's items to the kitchen).
    Call inside the payment's transaction, with the order row locked and
    `order_recalculate` already run. Releases the table, counts the coupon and
    records `order.status_changed`. Returns whether it moved.
    """
    payable = (S.DRAFT, S.KOT, S.BILLED)
    if order.status in payable and order.total > 0 and order.balance_due <= 0:
        _mark_paid(order, by=by)
        return True
    return False


# --- cancel ----------------------------------------------------------------------------


@transaction.atomic
def order_cancel(
    *, order_id: int, outlet: Outlet, by: Staff, reason: str, expected_version: int | None = None
) -> Order:
    """Cancel with a reason: from `draft` or `kot`; from `billed` only a manager (403).

    Every line becomes `void` (the totals drop to 0; a payment already taken shows
    as a negative balance_due, to refund). Lines a kitchen had get one
    cancellation ticket per kitchen (`kot.voided`, kind `cancellation`). The table
    is released to the outlet's `table_release_status`. Closed orders answer 409
    `order_closed`. Records `order.cancelled`.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Say why the order is cancelled."]})
    order = order_lock(order_id=order_id, outlet=outlet)
    check_version(order, expected_version)
    _require_open(order)
    if order.status == S.BILLED and not _may_cancel_billed(by):
        raise Forbidden("Only a manager may cancel a billed order.")
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
    order_recalculate(order, save=False)
    _bump(order)
    if sent:
        void_ticket_create(
            order=order, items=sent, kind=Kot.Kind.CANCELLATION, reason=reason, by=by
        )
    if order.table_id:
        table_release(table=order.table, outlet=outlet, order=order)
    _record(order, "order.cancelled", reason=reason, from_status=str(from_status))
    return order


# --- discount --------------------------------------------------------------------------


@transaction.atomic
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
) -> Order:
    """Set the order's one discount, replacing any earlier one (`POST /orders/{id}/discount`).

    Either a manual `discount_type` + `discount_value` (limits of
    `check_discount_allowed`; a value of 0 removes the discount) or a `coupon_code`
    (422 `coupon_invalid` with `reason` when it does not apply). Closed orders 409
    `order_closed`. Records `order.updated`.
    """
    order = order_lock(order_id=order_id, outlet=outlet)
    check_version(order, expected_version)
    _require_open(order)
    items = list(OrderItem.objects.filter(order=order))
    subtotal = _subtotal_of(items)
    if coupon_code:
        _set_coupon(order, code=coupon_code, subtotal=subtotal)
    else:
        if not discount_type or discount_value is None:
            raise ValidationFailed(
                fields={"discount_type": ["Send discount_type and discount_value, or coupon_code."]}
            )
        check_discount_allowed(
            outlet=outlet, by=by, kind=discount_type, value=discount_value, subtotal=subtotal
        )
        _set_manual_discount(order, kind=discount_type, value=discount_value, reason=reason)
    order_recalculate(order, save=False)
    _bump(order)
    _record(order, "order.updated")
    return order
