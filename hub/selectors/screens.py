"""What a screen needs to start, for the signed-in staff (docs/screens.md, docs/api.md "Screens").

One read for the sign-in page and every screen: the staff user, their outlet's
screen settings (the kitchen display's age thresholds), the kitchens they may
watch and their driver profile. Three queries, whatever the outlet's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.models import DeliveryDriver, Kitchen, Staff
from hub.roles import KITCHEN


@dataclass(frozen=True)
class ScreenContext:
    staff: Staff
    kitchens: list[Kitchen]
    driver_id: int | None


def screen_context(*, staff: Staff) -> ScreenContext:
    """A kitchen user watches only the kitchens they work; any other role may open any
    kitchen of the outlet (a manager checking the pass). `driver_id` is the staff's
    driver profile at their outlet, if any (its stream is /ws/v1/drivers/{id}/)."""
    kitchens = Kitchen.objects.filter(outlet_id=staff.outlet_id).order_by("id")
    if staff.role == KITCHEN:
        kitchens = kitchens.filter(cooks=staff)
    driver_id = (
        DeliveryDriver.objects.filter(staff=staff, outlet_id=staff.outlet_id)
        .values_list("pk", flat=True)
        .first()
    )
    return ScreenContext(staff=staff, kitchens=list(kitchens), driver_id=driver_id)
