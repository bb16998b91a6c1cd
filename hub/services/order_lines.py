"""An order's lines: building them from a request and diffing a full new list against
them (CONTRACT 2 "unit_price", CONTRACT 4 "PUT /orders/{id}" and voids; docs/api.md
"Orders and money").

The menu price is authoritative (`line_unit_price`); a line a kitchen already has
is never deleted but voided (`lines_apply`). Nothing here locks or saves the order:
the lifecycle services in hub/services/orders.py call these inside their
transaction, with the order row locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hub import pricing
from hub.errors import BusinessRuleViolation, Conflict, ValidationFailed
from hub.models import MenuItem, Order, OrderItem, Outlet, Staff
from hub.roles import role_may

ITEM = OrderItem.Status
SENT_ITEM_STATUSES = frozenset(
    {ITEM.SENT_TO_KITCHEN, ITEM.IN_KITCHEN, ITEM.FOOD_READY, ITEM.SERVED}
)
MAX_QUANTITY = 999


@dataclass(frozen=True)
class ItemInput:
    """One line as a request gives it. `id` only in updates (keeps that line)."""

    quantity: int
    menu_item_id: int | None = None
    price: Decimal | None = None
    note: str | None = None
    id: int | None = None


def may_override_price(staff: Staff) -> bool:
    return staff.can_override_price or role_may(staff.role, "price.override")


def menu_items_of(outlet: Outlet, ids: set[int]) -> dict[int, MenuItem]:
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


def line_unit_price(
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


def check_quantity(quantity: int, field: str) -> None:
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        raise ValidationFailed(
            fields={field: [f"Must be a whole number from 1 to {MAX_QUANTITY}."]}
        )


def lines_build(
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
        check_quantity(line.quantity, f"{field}.quantity")
        unit_price, overridden = line_unit_price(
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


def lines_apply(
    *, order: Order, lines: Sequence[ItemInput], by: Staff, reason: str
) -> tuple[bool, list[OrderItem]]:
    """Diff the full new list against the order's lines. Returns (changed, new void rows)."""
    existing = {item.pk: item for item in OrderItem.objects.filter(order=order).order_by("id")}
    menu_ids = {line.menu_item_id for line in lines if line.menu_item_id}
    menu_ids |= {existing[line.id].menu_item_id for line in lines if line.id in existing}
    menu = menu_items_of(order.outlet, menu_ids)

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
        check_quantity(line.quantity, f"{field}.quantity")
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
                item.unit_price, item.price_overridden = line_unit_price(
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

    created = lines_build(order=order, lines=to_create, menu=menu, by=by)
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
