"""Who may read which live stream: the one decision REST and WebSockets share.

docs/realtime.md ("Streams and who may read them"). The role-level rule is a
permission key per stream kind in hub/roles.py (`stream.kitchen`, ...); the
object-level rules are here:

- the object must exist in the caller's outlet, else NotFound (never reveal
  another outlet's kitchens, tables, drivers or printers);
- a kitchen user reads only the kitchens they work (Staff.kitchens);
- a driver reads only their own stream (DeliveryDriver.staff).

The checks run in this order: role may read this kind of stream (Forbidden),
the object exists in the outlet (NotFound), the object-level rule (Forbidden).
A role that may never read a kind of stream is refused before any lookup, so a
refusal for a role-level reason reveals nothing about which ids exist.
"""

from __future__ import annotations

from hub.errors import Forbidden, NotFound
from hub.events import (
    driver_stream,
    expo_stream,
    floor_stream,
    kitchen_stream,
    orders_stream,
    printer_stream,
    table_stream,
)
from hub.models import DeliveryDriver, Kitchen, Printer, Staff, Table
from hub.roles import DRIVER, KITCHEN, role_may

# kind -> (model of the object in the URL, stream name helper); None: outlet-wide stream
STREAM_KINDS: dict[str, tuple[type | None, object]] = {
    "kitchen": (Kitchen, kitchen_stream),
    "table": (Table, table_stream),
    "driver": (DeliveryDriver, driver_stream),
    "printer": (Printer, printer_stream),
    "floor": (None, floor_stream),
    "orders": (None, orders_stream),
    "expo": (None, expo_stream),
}


def stream_resolve(*, staff: Staff, kind: str, object_id: int | None = None) -> str:
    """The stream name `staff` may read for (kind, object_id), e.g. "kitchen.3".

    Raises Forbidden when the role may not read it, NotFound when the object does
    not exist or belongs to another outlet. Reads only; locks nothing.
    """
    if kind not in STREAM_KINDS:
        raise NotFound("No such stream.")
    if staff is None or staff.outlet_id is None:
        raise Forbidden("Sign in with a staff account of an outlet.")
    if not role_may(staff.role, f"stream.{kind}"):
        raise Forbidden(f"Your role may not read {kind} streams.")
    model, name = STREAM_KINDS[kind]
    if model is None:
        return name(staff.outlet_id)
    if (
        object_id is None
        or not model.objects.filter(pk=object_id, outlet_id=staff.outlet_id).exists()
    ):
        raise NotFound(f"No such {kind}.")
    if kind == "kitchen" and staff.role == KITCHEN:
        if not staff.kitchens.filter(pk=object_id).exists():
            raise Forbidden("You do not work this kitchen.")
    if kind == "driver" and staff.role == DRIVER:
        if not DeliveryDriver.objects.filter(pk=object_id, staff_id=staff.pk).exists():
            raise Forbidden("A driver reads only their own stream.")
    return name(object_id)
