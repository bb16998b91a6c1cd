"""Menu items: "86" an item when the kitchen runs out, and a manager's edits
(docs/api.md "Reference data", docs/admin.md "Menu items").

An unavailable item stays on the menu (screens grey it out) but new order lines
for it are refused with 422 `item_unavailable` (hub/services/orders.py); lines
already ordered are untouched.

Edits (name, price, category, kitchen, tax...) are made here too, whoever makes
them (the admin today), so the tills and waiter tablets hear of them live through
`menu.item_changed`. Orders keep the price and tax they were taken at: their lines
hold snapshots, so an edit changes only what is ordered next.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from hub.errors import Forbidden, NotFound, ValidationFailed
from hub.events import (
    kitchen_stream,
    orders_stream,
    record_event,
    service_transaction,
)
from hub.models import (
    Kitchen,
    MenuCategory,
    MenuItem,
    ModifierGroup,
    ModifierOption,
    Outlet,
    Staff,
    TaxCategory,
)
from hub.roles import KITCHEN


def _require_kitchen_of(by: Staff, item: MenuItem, refusal: str) -> None:
    """A kitchen user may mark sold out only what the kitchens they work cook (the rule of
    items and of their options alike); other roles may mark anything of their outlet."""
    if by.role == KITCHEN and not by.kitchens.filter(pk=item.kitchen_id).exists():
        raise Forbidden(refusal)


@service_transaction
def menu_item_set_availability(
    *, item_id: int, outlet: Outlet, is_available: bool, by: Staff
) -> MenuItem:
    """Mark a menu item available or not.

    Locks the item row. Another outlet's item is NotFound; a kitchen user may only
    change items of the kitchens they work (Forbidden). The same value again
    changes nothing and records nothing. Records `menu.item_availability` on the
    outlet's orders stream (tills, waiter tablets) and the item's kitchen stream.
    """
    item = MenuItem.objects.select_for_update().filter(pk=item_id, outlet=outlet).first()
    if item is None:
        raise NotFound("No such menu item.")
    _require_kitchen_of(by, item, "This item is cooked in a kitchen you do not work.")
    if item.is_available == is_available:
        return item
    item.is_available = is_available
    item.save(update_fields=["is_available"])
    record_event(
        outlet=outlet,
        streams=[orders_stream(outlet.pk), kitchen_stream(item.kitchen_id)],
        type="menu.item_availability",
        data={
            "menu_item_id": item.pk,
            "name": item.name,
            "kitchen_id": item.kitchen_id,
            "is_available": is_available,
        },
    )
    return item


@service_transaction
def modifier_option_set_availability(
    *, option_id: int, outlet: Outlet, is_available: bool, by: Staff
) -> ModifierOption:
    """Mark a modifier option available or not (CONTRACT 11: an option "86"ed, e.g. no
    more Full plates of biryani), as menu_item_set_availability does for an item.

    Locks the option row (menu rows carry no order lock: docs/architecture.md). Another
    outlet's option is NotFound; a kitchen user may only change options of items of the
    kitchens they work (Forbidden). The same value again changes nothing and records
    nothing. Records `menu.option_availability` on the outlet's orders stream and the
    item's kitchen stream. New lines choosing an unavailable option are refused with 422
    `item_unavailable` (hub/services/order_lines.py); lines already ordered keep it.
    """
    option = (
        ModifierOption.objects.select_for_update(of=("self",))
        .select_related("group__menu_item")
        .filter(pk=option_id, group__menu_item__outlet=outlet)
        .first()
    )
    if option is None:
        raise NotFound("No such modifier option.")
    item = option.group.menu_item
    _require_kitchen_of(by, item, "This option is of an item cooked in a kitchen you do not work.")
    if option.is_available == is_available:
        return option
    option.is_available = is_available
    option.save(update_fields=["is_available"])
    record_event(
        outlet=outlet,
        streams=[orders_stream(outlet.pk), kitchen_stream(item.kitchen_id)],
        type="menu.option_availability",
        data={
            "option_id": option.pk,
            "group_id": option.group_id,
            "menu_item_id": item.pk,
            "name": option.name,
            "kitchen_id": item.kitchen_id,
            "is_available": is_available,
        },
    )
    return option


class _Unchanged:
    """The value of an argument not given: keep what the item has (None means "none")."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()
MAX_PRICE = Decimal("9999999999.99")  # MoneyField: 12 digits, 2 of them decimals


# What menu_item_update may change, in the order `changed` lists them. Availability
# has its own service and event (menu_item_set_availability) that kitchens use too.
EDITABLE = (
    "name",
    "price",
    "category_id",
    "kitchen_id",
    "tax_category_id",
    "is_open_price",
    "sort_order",
)
# What `menu.item_changed` may list in `changed`: the item's fields, and
# "modifier_groups" when its groups or options were added, edited or removed (the
# modifier_* services below; an option's availability has its own event).
CHANGED = (*EDITABLE, "modifier_groups")
MAX_MODIFIER_CHOICES = 99


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed(fields={"name": ["Must be 1 to 120 characters."]})
    return name


def _clean_price(price: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(str(price))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"price": ["Must be a number."]}) from None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        raise ValidationFailed(fields={"price": ["Must be between 0 and 9999999999.99."]})
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _of_outlet(model, pk: int | None, outlet: Outlet, field: str, *, required: bool) -> int | None:
    """`pk` if that row belongs to `outlet`: an item never points at another outlet's rows."""
    if pk is None:
        if required:
            raise ValidationFailed(fields={field: ["This field is required."]})
        return None
    if not model.objects.filter(pk=pk, outlet=outlet).exists():
        raise ValidationFailed(fields={field: ["No such row at this outlet."]})
    return pk


def _item_changed_event(
    item: MenuItem, *, outlet: Outlet, changed: list[str], kitchens: set[int]
) -> None:
    record_event(
        outlet=outlet,
        streams=[orders_stream(outlet.pk), *(kitchen_stream(k) for k in sorted(kitchens))],
        type="menu.item_changed",
        data={
            "menu_item_id": item.pk,
            "name": item.name,
            "price": item.price,
            "category_id": item.category_id,
            "kitchen_id": item.kitchen_id,
            "tax_category_id": item.tax_category_id,
            "is_open_price": item.is_open_price,
            "is_available": item.is_available,
            "sort_order": item.sort_order,
            "changed": changed,
        },
    )


@service_transaction
def menu_item_create(
    *,
    outlet: Outlet,
    by: Staff,
    name: str,
    price: Decimal | int | str,
    kitchen_id: int,
    category_id: int | None = None,
    tax_category_id: int | None = None,
    is_open_price: bool = False,
    is_available: bool = True,
    sort_order: int = 0,
) -> MenuItem:
    """Add an item to `outlet`'s menu.

    Kitchen, category and tax must be the outlet's (ValidationFailed otherwise);
    price is 0 or more, rounded to two decimals. Records `menu.item_changed`
    (every field in `changed`) on the outlet's orders stream and the kitchen's
    stream, so the tablets show the new item without a reload.
    """
    item = MenuItem.objects.create(
        outlet=outlet,
        name=_clean_name(name),
        price=_clean_price(price),
        kitchen_id=_of_outlet(Kitchen, kitchen_id, outlet, "kitchen_id", required=True),
        category_id=_of_outlet(MenuCategory, category_id, outlet, "category_id", required=False),
        tax_category_id=_of_outlet(
            TaxCategory, tax_category_id, outlet, "tax_category_id", required=False
        ),
        is_open_price=bool(is_open_price),
        is_available=bool(is_available),
        sort_order=max(int(sort_order), 0),
    )
    _item_changed_event(item, outlet=outlet, changed=list(EDITABLE), kitchens={item.kitchen_id})
    return item


@service_transaction
def menu_item_update(
    *,
    item_id: int,
    outlet: Outlet,
    by: Staff,
    name: str | _Unchanged = UNCHANGED,
    price: Decimal | int | str | _Unchanged = UNCHANGED,
    category_id: int | None | _Unchanged = UNCHANGED,
    kitchen_id: int | _Unchanged = UNCHANGED,
    tax_category_id: int | None | _Unchanged = UNCHANGED,
    is_open_price: bool | _Unchanged = UNCHANGED,
    sort_order: int | _Unchanged = UNCHANGED,
) -> MenuItem:
    """Change an item of `outlet`'s menu: only the arguments given change.

    Locks the item row and compares with what it holds, so a value that is
    already there changes nothing and, when nothing changes, nothing is
    recorded. Another outlet's item is NotFound; kitchen, category and tax must
    be the outlet's (ValidationFailed). Records `menu.item_changed` with the
    item as it now is and `changed` (the fields that did) on the outlet's
    orders stream and the item's kitchen stream (both kitchens when it moves).
    Lines already ordered keep their price and tax.
    """
    item = MenuItem.objects.select_for_update().filter(pk=item_id, outlet=outlet).first()
    if item is None:
        raise NotFound("No such menu item.")
    wanted: dict[str, Any] = {}
    if name is not UNCHANGED:
        wanted["name"] = _clean_name(name)
    if price is not UNCHANGED:
        wanted["price"] = _clean_price(price)
    if category_id is not UNCHANGED:
        wanted["category_id"] = _of_outlet(
            MenuCategory, category_id, outlet, "category_id", required=False
        )
    if kitchen_id is not UNCHANGED:
        wanted["kitchen_id"] = _of_outlet(Kitchen, kitchen_id, outlet, "kitchen_id", required=True)
    if tax_category_id is not UNCHANGED:
        wanted["tax_category_id"] = _of_outlet(
            TaxCategory, tax_category_id, outlet, "tax_category_id", required=False
        )
    if is_open_price is not UNCHANGED:
        wanted["is_open_price"] = bool(is_open_price)
    if sort_order is not UNCHANGED:
        wanted["sort_order"] = max(int(sort_order), 0)
    changed = [f for f in EDITABLE if f in wanted and getattr(item, f) != wanted[f]]
    if not changed:
        return item
    kitchens = {item.kitchen_id}
    for field in changed:
        setattr(item, field, wanted[field])
    kitchens.add(item.kitchen_id)
    item.save(update_fields=changed)
    _item_changed_event(item, outlet=outlet, changed=changed, kitchens=kitchens)
    return item


# --- modifier groups and options (CONTRACT 11; docs/admin.md "Modifiers") -----------------
#
# Managers edit them in the admin (hub/admin/menu.py); each change goes through one of
# these, which lock the item row, check what the form may not (the outlet, the bounds)
# and record `menu.item_changed` with `changed: ["modifier_groups"]` on the item's
# streams, so the tablets reload their menu and their choosers. Lines already ordered
# keep the options they were taken with (snapshots: names and prices), so deleting a
# group or an option only changes what is ordered next.


def _item_locked(item_id: int, outlet: Outlet) -> MenuItem:
    item = MenuItem.objects.select_for_update().filter(pk=item_id, outlet=outlet).first()
    if item is None:
        raise NotFound("No such menu item.")
    return item


def _group_locked(group_id: int, outlet: Outlet) -> tuple[MenuItem, ModifierGroup]:
    item_id = (
        ModifierGroup.objects.filter(pk=group_id, menu_item__outlet=outlet)
        .values_list("menu_item_id", flat=True)
        .first()
    )
    if item_id is None:
        raise NotFound("No such modifier group.")
    item = _item_locked(item_id, outlet)  # the item first: the lock order's "menu items"
    return item, ModifierGroup.objects.select_for_update().get(pk=group_id)


def _groups_changed(item: MenuItem, outlet: Outlet) -> None:
    _item_changed_event(
        item, outlet=outlet, changed=["modifier_groups"], kitchens={item.kitchen_id}
    )


def _clean_label(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ValidationFailed(fields={field: ["Must be 1 to 60 characters."]})
    return name


def _clean_bounds(min_choices: int, max_choices: int) -> tuple[int, int]:
    for field, value in (("min_choices", min_choices), ("max_choices", max_choices)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationFailed(fields={field: ["Must be a whole number."]})
        if not 0 <= value <= MAX_MODIFIER_CHOICES:
            raise ValidationFailed(fields={field: [f"From 0 to {MAX_MODIFIER_CHOICES}."]})
    if max_choices < 1:
        raise ValidationFailed(fields={"max_choices": ["At least 1."]})
    if min_choices > max_choices:
        raise ValidationFailed(fields={"min_choices": ["Not more than the maximum."]})
    return min_choices, max_choices


@service_transaction
def modifier_group_save(
    *,
    outlet: Outlet,
    by: Staff,
    menu_item_id: int,
    name: str,
    min_choices: int,
    max_choices: int,
    sort_order: int = 0,
    group_id: int | None = None,
) -> ModifierGroup:
    """Add a modifier group to an item of `outlet` (no `group_id`) or change one.

    `min_choices` 0 is optional, 1 with `max_choices` 1 a required single choice; max is
    at least 1 and not below min (ValidationFailed). Another outlet's item or group is
    NotFound; a group never moves to another item. Locks the item row, then the
    group's. Records `menu.item_changed` (`changed: ["modifier_groups"]`) when
    something changed; an unchanged save records nothing.
    """
    wanted = {
        "name": _clean_label(name),
        "min_choices": _clean_bounds(min_choices, max_choices)[0],
        "max_choices": max_choices,
        "sort_order": max(int(sort_order or 0), 0),
    }
    if group_id is None:
        item = _item_locked(menu_item_id, outlet)
        group = ModifierGroup.objects.create(menu_item=item, **wanted)
        _groups_changed(item, outlet)
        return group
    item, group = _group_locked(group_id, outlet)
    if group.menu_item_id != menu_item_id:
        raise ValidationFailed(fields={"menu_item_id": ["A group stays with its item."]})
    changed = [f for f, v in wanted.items() if getattr(group, f) != v]
    if not changed:
        return group
    for field in changed:
        setattr(group, field, wanted[field])
    group.save(update_fields=changed)
    _groups_changed(item, outlet)
    return group


@service_transaction
def modifier_group_delete(*, outlet: Outlet, by: Staff, group_id: int) -> None:
    """Remove a group and its options from an item of `outlet` (NotFound otherwise).
    Lines already ordered keep their options. Records `menu.item_changed`."""
    item, group = _group_locked(group_id, outlet)
    group.delete()
    _groups_changed(item, outlet)


@service_transaction
def modifier_option_save(
    *,
    outlet: Outlet,
    by: Staff,
    group_id: int,
    name: str,
    price: Decimal | int | str,
    sort_order: int = 0,
    is_available: bool | None = None,
    option_id: int | None = None,
) -> ModifierOption:
    """Add an option to a group of `outlet` (no `option_id`) or change one: name, price
    (0 or more, two decimals), order. `is_available` None keeps it; a change of it goes
    through modifier_option_set_availability (`menu.option_availability`, the same as
    `PUT /menu/options/{id}/availability`). Another outlet's group or option is
    NotFound; an option never moves to another group. Locks the item, the group, the
    option. Records `menu.item_changed` (`changed: ["modifier_groups"]`) when a name,
    price or order changed.
    """
    item, group = _group_locked(group_id, outlet)
    wanted = {
        "name": _clean_label(name),
        "price": _clean_price(price),
        "sort_order": max(int(sort_order or 0), 0),
    }
    if option_id is None:
        option = ModifierOption.objects.create(
            group=group, is_available=True if is_available is None else bool(is_available), **wanted
        )
        _groups_changed(item, outlet)
        return option
    option = ModifierOption.objects.select_for_update().filter(pk=option_id, group=group).first()
    if option is None:
        raise NotFound("No such modifier option in this group.")
    changed = [f for f, v in wanted.items() if getattr(option, f) != v]
    if changed:
        for field in changed:
            setattr(option, field, wanted[field])
        option.save(update_fields=changed)
        _groups_changed(item, outlet)
    if is_available is not None and bool(is_available) != option.is_available:
        option = modifier_option_set_availability(
            option_id=option.pk, outlet=outlet, is_available=bool(is_available), by=by
        )
    return option


@service_transaction
def modifier_option_delete(*, outlet: Outlet, by: Staff, option_id: int) -> None:
    """Remove an option of `outlet` (NotFound otherwise); lines already ordered keep it.
    Records `menu.item_changed`."""
    group_id = (
        ModifierOption.objects.filter(pk=option_id, group__menu_item__outlet=outlet)
        .values_list("group_id", flat=True)
        .first()
    )
    if group_id is None:
        raise NotFound("No such modifier option.")
    item, _group = _group_locked(group_id, outlet)
    ModifierOption.objects.filter(pk=option_id).delete()
    _groups_changed(item, outlet)
