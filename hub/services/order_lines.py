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
from hub.errors import BusinessRuleViolation, Conflict, NotFound, OrderCode, ValidationFailed
from hub.models import AuditEntry, MenuItem, Order, OrderItem, Outlet, Staff
from hub.roles import role_may
from hub.services.audit import audit_record

ITEM = OrderItem.Status
# A held line is on a KOT its kitchen shows (greyed, CONTRACT 13): it is sent, and taking
# it back voids it like any other.
SENT_ITEM_STATUSES = frozenset(
    {ITEM.HELD, ITEM.SENT_TO_KITCHEN, ITEM.IN_KITCHEN, ITEM.FOOD_READY, ITEM.SERVED}
)
MAX_QUANTITY = 999
MIN_COURSE, MAX_COURSE = 1, 5


MAX_OPTION_QUANTITY = 9


@dataclass(frozen=True)
class ModifierInput:
    """One chosen option of a line (CONTRACT 11): `{"option_id", "quantity"}`."""

    option_id: int
    quantity: int = 1


@dataclass(frozen=True)
class ItemInput:
    """One line as a request gives it. `id` only in updates (keeps that line).

    `price` is the item's own price (the menu's, or an override); chosen options are
    priced on top. `modifiers` None means the request did not send the key: a new
    line then chooses nothing, a kept line keeps its options."""

    quantity: int
    menu_item_id: int | None = None
    price: Decimal | None = None
    note: str | None = None
    id: int | None = None
    modifiers: tuple[ModifierInput, ...] | None = None
    course: int | None = None  # None: 1 for a new line, unchanged for a kept one


def may_override_price(staff: Staff) -> bool:
    return staff.can_override_price or role_may(staff.role, "price.override")


def menu_items_of(outlet: Outlet, ids: set[int]) -> dict[int, MenuItem]:
    """The outlet's menu items by id, with their taxes and modifier groups (fixed queries)."""
    return {
        m.pk: m
        for m in MenuItem.objects.filter(outlet=outlet, pk__in=ids)
        .select_related("tax_category")
        .prefetch_related("tax_category__components", "modifier_groups__options")
    }


def modifiers_choose(
    *, menu_item: MenuItem, chosen: Sequence[ModifierInput], field: str
) -> list[dict]:
    """CONTRACT 11's rules for one line; returns the snapshot of what was chosen.

    In order: every option belongs to one of the item's groups (400 on
    `<field>.<j>.option_id`), is listed once, with a quantity 1-9 (400); every option
    is available (422 `item_unavailable`); every group's count (quantities included)
    is within its min and max (422 `modifier_rule` with `error.group`, on `<field>`).
    A line that sends nothing still has to meet its required groups. Nothing is
    written here: callers check every line before they save any.
    """
    groups, options = _options_check(menu_item=menu_item, chosen=chosen, field=field)
    for j, pick in enumerate(chosen):
        _, option = options[pick.option_id]
        if not option.is_available:
            raise BusinessRuleViolation(
                f"{option.name} ({menu_item.name}) is not available now.",
                code=OrderCode.ITEM_UNAVAILABLE,
                fields={f"{field}.{j}.option_id": ["Not available."]},
                option_id=option.pk,
            )
    counts = {group.pk: 0 for group in groups}
    for pick in chosen:
        counts[options[pick.option_id][0].pk] += pick.quantity
    for group in groups:
        if not group.min_choices <= counts[group.pk] <= group.max_choices:
            bounds = (
                f"exactly {group.min_choices}"
                if group.min_choices == group.max_choices
                else f"{group.min_choices} to {group.max_choices}"
            )
            raise BusinessRuleViolation(
                f"{menu_item.name}: choose {bounds} of {group.name} ({counts[group.pk]} chosen).",
                code=OrderCode.MODIFIER_RULE,
                fields={field: [f"{group.name}: choose {bounds}."]},
                group=group.pk,
            )
    return _snapshot(groups, options, chosen)


def _options_check(*, menu_item: MenuItem, chosen: Sequence[ModifierInput], field: str):
    """The 400s of CONTRACT 11: every option is one of the item's groups', listed once,
    with a quantity 1-9. Returns (groups, {option id: (group, option)})."""
    groups = list(menu_item.modifier_groups.all())
    options = {option.pk: (group, option) for group in groups for option in group.options.all()}
    seen: set[int] = set()
    for j, pick in enumerate(chosen):
        if pick.option_id not in options:
            raise ValidationFailed(
                fields={f"{field}.{j}.option_id": [f"Not an option of {menu_item.name}."]}
            )
        if pick.option_id in seen:
            raise ValidationFailed(fields={f"{field}.{j}.option_id": ["Listed twice."]})
        seen.add(pick.option_id)
        if (
            isinstance(pick.quantity, bool)
            or not isinstance(pick.quantity, int)
            or not 1 <= pick.quantity <= MAX_OPTION_QUANTITY
        ):
            raise ValidationFailed(
                fields={
                    f"{field}.{j}.quantity": [
                        f"Must be a whole number from 1 to {MAX_OPTION_QUANTITY}."
                    ]
                }
            )
    return groups, options


def _snapshot(groups, options, chosen: Sequence[ModifierInput]) -> list[dict]:
    """What was chosen, in menu order (group, then option), as a line keeps it."""
    order_of = {group.pk: rank for rank, group in enumerate(groups)}
    picks = sorted(
        chosen,
        key=lambda p: (
            order_of[options[p.option_id][0].pk],
            options[p.option_id][1].sort_order,
            p.option_id,
        ),
    )
    return [
        {
            "option_id": pick.option_id,
            "group_id": options[pick.option_id][0].pk,
            "name": options[pick.option_id][1].name,
            "price": str(options[pick.option_id][1].price),
            "quantity": pick.quantity,
        }
        for pick in picks
    ]


@dataclass(frozen=True)
class PriceQuote:
    """What a line of `menu_item` with these options would cost, as a line is priced."""

    menu_item: MenuItem
    modifiers: list[dict]
    unit_price: Decimal
    quantity: int
    line_total: Decimal


def line_price_quote(
    *, outlet: Outlet, menu_item_id: int, chosen: Sequence[ModifierInput], quantity: int = 1
) -> PriceQuote:
    """`POST /menu/items/{id}/price` (docs/api.md "Pricing a choice"): the unit price of
    the item with `chosen` options (hub/pricing.py, as `lines_build` prices a new line)
    while a chooser is still open. Reads only. Options are checked as a line's are for
    what makes them unpriceable (not the item's, twice, quantity: 400 on
    `modifiers.<j>...`); min/max and sold-out options are the line's to refuse when it
    is added, so a half-made choice still has its price. Another outlet's item: 404.
    An open-price item is quoted at its menu price (the till's price replaces it)."""
    menu_item = menu_items_of(outlet, {menu_item_id}).get(menu_item_id)
    if menu_item is None:
        raise NotFound("No such menu item.")
    check_quantity(quantity, "quantity")
    groups, options = _options_check(menu_item=menu_item, chosen=chosen, field="modifiers")
    snapshot = _snapshot(groups, options, chosen)
    unit_price = pricing.unit_price_with_options(menu_item.price, modifiers_price(snapshot))
    return PriceQuote(
        menu_item=menu_item,
        modifiers=snapshot,
        unit_price=unit_price,
        quantity=quantity,
        line_total=pricing.line_total(pricing.Line(unit_price=unit_price, quantity=quantity)),
    )


def modifiers_price(snapshot: Sequence[dict]) -> list[tuple[Decimal, int]]:
    """(price, quantity) of each chosen option of a line's snapshot."""
    return [(Decimal(str(m["price"])), int(m["quantity"])) for m in snapshot or ()]


def item_price(item: OrderItem) -> Decimal:
    """The item's own price on a line: its unit price without the options chosen."""
    return pricing.money(
        item.unit_price - sum((p * q for p, q in modifiers_price(item.modifiers)), pricing.ZERO)
    )


def _kept_price(item: OrderItem, menu: dict[int, MenuItem]) -> Decimal | None:
    """The price a re-ordered line keeps: its own when it was typed (an override, an
    open-price item), else None for the menu's price."""
    menu_item = menu.get(item.menu_item_id)
    if item.price_overridden or (menu_item is not None and menu_item.is_open_price):
        return item_price(item)
    return None


def _same_choice(snapshot: Sequence[dict], chosen: Sequence[ModifierInput]) -> bool:
    return sorted((int(m["option_id"]), int(m["quantity"])) for m in snapshot or ()) == sorted(
        (pick.option_id, pick.quantity) for pick in chosen
    )


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
        code=OrderCode.PRICE_MISMATCH,
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
    modifiers: list[dict],
    course: int = 1,
) -> OrderItem:
    return OrderItem(
        order=order,
        menu_item=menu_item,
        name=menu_item.name,
        quantity=quantity,
        unit_price=pricing.unit_price_with_options(unit_price, modifiers_price(modifiers)),
        price_overridden=overridden,
        tax_components=_tax_snapshot(menu_item),
        kitchen_id=menu_item.kitchen_id,
        note=note,
        modifiers=modifiers,
        course=course,
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


def audit_price_override(*, order: Order, by: Staff, menu_item: MenuItem, price: Decimal) -> None:
    """CONTRACT 15: a price other than the menu's, given by a role that may."""
    audit_record(
        outlet=order.outlet_id,
        kind=AuditEntry.Kind.PRICE_OVERRIDE,
        by=by,
        order=order,
        amount=price,
        before={"menu_item_id": menu_item.pk, "name": menu_item.name, "price": menu_item.price},
        after={"menu_item_id": menu_item.pk, "name": menu_item.name, "price": price},
    )


def check_course(course: int, field: str) -> None:
    if (
        isinstance(course, bool)
        or not isinstance(course, int)
        or not MIN_COURSE <= course <= MAX_COURSE
    ):
        raise ValidationFailed(
            fields={field: [f"Must be a whole number from {MIN_COURSE} to {MAX_COURSE}."]}
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
                code=OrderCode.ITEM_UNAVAILABLE,
                fields={f"{field}.menu_item_id": ["Not available."]},
                menu_item_id=menu_item.pk,
            )
        check_quantity(line.quantity, f"{field}.quantity")
        course = 1 if line.course is None else line.course
        check_course(course, f"{field}.course")
        unit_price, overridden = line_unit_price(
            menu_item=menu_item, sent=line.price, by=by, field=f"{field}.price"
        )
        if overridden:
            audit_price_override(order=order, by=by, menu_item=menu_item, price=unit_price)
        modifiers = modifiers_choose(
            menu_item=menu_item, chosen=line.modifiers or (), field=f"{field}.modifiers"
        )
        items.append(
            _new_item(
                order=order,
                menu_item=menu_item,
                quantity=line.quantity,
                unit_price=unit_price,
                overridden=overridden,
                note=line.note or "",
                modifiers=modifiers,
                course=course,
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
        course = item.course if line.course is None else line.course
        check_course(course, f"{field}.course")
        if item.status == ITEM.VOID:
            if line.quantity != item.quantity or note != item.note or course != item.course:
                raise Conflict(
                    f"Line {item.pk} ({item.name}) is void and cannot change.",
                    code=OrderCode.ITEM_VOID,
                )
            continue
        new_choice = line.modifiers is not None and not _same_choice(item.modifiers, line.modifiers)
        if item.status == ITEM.PENDING:
            price_changed = line.price is not None and line.price != item_price(item)
            if price_changed or new_choice:
                menu_item = menu.get(item.menu_item_id)
                if menu_item is None:  # the menu item moved away; the line keeps its price
                    raise ValidationFailed(
                        fields={f"{field}.price": ["This line's price cannot change."]}
                    )
                base, overridden = item_price(item), item.price_overridden
                if price_changed:
                    base, overridden = line_unit_price(
                        menu_item=menu_item, sent=line.price, by=by, field=f"{field}.price"
                    )
                    if overridden:
                        audit_price_override(order=order, by=by, menu_item=menu_item, price=base)
                if new_choice:
                    item.modifiers = modifiers_choose(
                        menu_item=menu_item, chosen=line.modifiers, field=f"{field}.modifiers"
                    )
                item.unit_price = pricing.unit_price_with_options(
                    base, modifiers_price(item.modifiers)
                )
                item.price_overridden = overridden
                changed = True
                to_save.append(item)
            if line.quantity != item.quantity or note != item.note or course != item.course:
                item.quantity, item.note, item.course = line.quantity, note, course
                changed = True
                to_save.append(item)
            continue
        # already in a kitchen
        if (
            note != item.note
            or course != item.course
            or (line.price is not None and line.price != item_price(item))
        ):
            raise Conflict(
                f"{item.name} is already in the kitchen; its note, course and price cannot "
                "change. "
                "Remove it and add a new line.",
                code=OrderCode.ITEM_ALREADY_SENT,
            )
        if new_choice:
            # CONTRACT 11: a sent line's options are frozen; choosing others voids the line
            # (the kitchen gets a void ticket) and orders it again with the new ones.
            item.status = ITEM.VOID
            item.voided_quantity = item.quantity
            item.void_reason = "options changed"
            to_save.append(item)
            voids.append(item)
            to_create.append(
                (
                    index,
                    ItemInput(
                        quantity=line.quantity,
                        menu_item_id=item.menu_item_id,
                        price=line.price if line.price is not None else _kept_price(item, menu),
                        note=note,
                        modifiers=line.modifiers,
                        course=course,
                    ),
                )
            )
            changed = True
            continue
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
        modifiers=item.modifiers,
        course=item.course,
        status=status,
        kot_id=item.kot_id,
        voided_quantity=quantity if status == ITEM.VOID else 0,
        void_reason=reason[:200],
    )
