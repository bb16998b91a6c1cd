"""Menu item availability: "86" an item when the kitchen runs out (docs/api.md "Reference data").

An unavailable item stays on the menu (screens grey it out) but new order lines
for it are refused with 422 `item_unavailable` (hub/services/orders.py); lines
already ordered are untouched.
"""

from __future__ import annotations

from django.db import transaction

from hub.errors import Forbidden, NotFound
from hub.models import MenuItem, Outlet, Staff
from hub.roles import KITCHEN
from hub.services.events import kitchen_stream, orders_stream, record_event


@transaction.atomic
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
    if by.role == KITCHEN and not by.kitchens.filter(pk=item.kitchen_id).exists():
        raise Forbidden("This item is cooked in a kitchen you do not work.")
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
