"""The typed registry of event types (CONTRACT section 6, docs/realtime.md "Event types").

Every event a service records is checked here against its schema: the keys its
`data` must carry and their JSON types. Recording an unknown type, or data that
does not match, is a programming error and fails the transaction loudly in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_JSON_TYPES = {
    "int": int,
    "str": str,
    "number": (int, float),
    "bool": bool,
    "list": list,
    "dict": dict,
}


@dataclass(frozen=True)
class EventType:
    name: str
    streams: str  # which kinds of stream carry it, for the docs
    required: dict[str, str] = field(default_factory=dict)  # key -> json type name
    nullable: frozenset[str] = frozenset()


ORDER_SUMMARY = {
    "order_id": "int",
    "order_number": "str",
    "status": "str",
    "payment_status": "str",
    "total": "number",
    "version": "int",
}

REGISTRY: dict[str, EventType] = {
    e.name: e
    for e in [
        EventType(
            "order.created",
            "orders, table",
            {**ORDER_SUMMARY, "table_id": "int"},
            frozenset({"table_id"}),
        ),
        EventType(
            "order.updated",
            "orders, table",
            {**ORDER_SUMMARY, "table_id": "int"},
            frozenset({"table_id"}),
        ),
        EventType(
            "order.status_changed",
            "orders, table",
            {**ORDER_SUMMARY, "table_id": "int", "from_status": "str"},
            frozenset({"table_id"}),
        ),
        EventType(
            "order.cancelled",
            "orders, table",
            {**ORDER_SUMMARY, "table_id": "int", "reason": "str"},
            frozenset({"table_id"}),
        ),
        # kot.created carries the whole ticket, so a kitchen screen draws the card from
        # the event alone (docs/api.md "Kitchen (KOT)"); items: [{order_item_id, name,
        # quantity, note}].
        EventType(
            "kot.created",
            "kitchen, table, orders",
            {
                "kot_id": "int",
                "kot_number": "str",
                "order_id": "int",
                "kitchen_id": "int",
                "kind": "str",
                "status": "str",
                "items": "list",
                "table_id": "int",
                "kitchen_name": "str",
                "order_number": "str",
                "order_type": "str",
                "order_version": "int",
                "table_name": "str",
                "waiter_name": "str",
                "sent_by_name": "str",
                "created_at": "str",
            },
            frozenset({"table_id", "table_name", "waiter_name", "sent_by_name"}),
        ),
        EventType(
            "kot.status_changed",
            "kitchen, table, orders",
            {
                "kot_id": "int",
                "kot_number": "str",
                "order_id": "int",
                "kitchen_id": "int",
                "status": "str",
                "from_status": "str",
                "table_id": "int",
                "kind": "str",
                "order_number": "str",
                "order_version": "int",
                "order_item_ids": "list",
            },
            frozenset({"table_id"}),
        ),
        EventType(
            "kot.voided",
            "kitchen, table, orders",
            {
                "kot_id": "int",
                "kot_number": "str",
                "order_id": "int",
                "kitchen_id": "int",
                "kind": "str",
                "voids_kot_id": "int",
                "items": "list",
                "table_id": "int",
            },
            frozenset({"table_id", "voids_kot_id"}),
        ),
        # An order's unfinished tickets now belong to another table (transfer) or
        # another order (merge): the kitchen screen relabels them (hub/services/table_moves.py).
        EventType(
            "kot.table_changed",
            "kitchen",
            {
                "kitchen_id": "int",
                "kot_ids": "list",
                "order_id": "int",
                "order_number": "str",
                "table_id": "int",
                "table_name": "str",
                "from_order_id": "int",
                "from_table_id": "int",
                "from_table_name": "str",
                "reason": "str",
            },
            frozenset({"table_id", "table_name", "from_table_id", "from_table_name"}),
        ),
        EventType(
            "payment.received",
            "orders, table",
            {
                "order_id": "int",
                "payment_id": "int",
                "amount": "number",
                "method": "str",
                "payment_status": "str",
                "balance_due": "number",
                "table_id": "int",
            },
            frozenset({"table_id"}),
        ),
        EventType(
            "payment.refunded",
            "orders, table",
            {
                "order_id": "int",
                "payment_id": "int",
                "amount": "number",
                "payment_status": "str",
                "table_id": "int",
            },
            frozenset({"table_id"}),
        ),
        EventType(
            "table.status_changed",
            "floor, table",
            {
                "table_id": "int",
                "name": "str",
                "status": "str",
                "from_status": "str",
                "order_id": "int",
            },
            frozenset({"order_id"}),
        ),
        EventType(
            "delivery.assigned",
            "driver, orders",
            {
                "order_id": "int",
                "order_number": "str",
                "driver_id": "int",
                "previous_driver_id": "int",
                "delivery_status": "str",
            },
            frozenset({"previous_driver_id", "driver_id"}),
        ),
        EventType(
            "delivery.status_changed",
            "driver, orders",
            {
                "order_id": "int",
                "order_number": "str",
                "driver_id": "int",
                "delivery_status": "str",
                "from_status": "str",
            },
            frozenset({"driver_id"}),
        ),
        EventType(
            "print.job",
            "printer",
            {"job_id": "int", "kind": "str", "reprint": "int", "payload_b64": "str"},
        ),
        EventType(
            "print.job_status", "orders", {"job_id": "int", "printer_id": "int", "status": "str"}
        ),
        EventType(
            "menu.item_availability",
            "orders, kitchen",
            {"menu_item_id": "int", "name": "str", "kitchen_id": "int", "is_available": "bool"},
        ),
        # A manager edited an item (the admin; hub/services/menu.py): the item as it now
        # is, and `changed`, the fields that changed. Tills and tablets redraw it.
        EventType(
            "menu.item_changed",
            "orders, kitchen",
            {
                "menu_item_id": "int",
                "name": "str",
                "price": "number",
                "category_id": "int",
                "kitchen_id": "int",
                "tax_category_id": "int",
                "is_open_price": "bool",
                "is_available": "bool",
                "changed": "list",
            },
            frozenset({"category_id", "tax_category_id"}),
        ),
    ]
}


class EventSchemaError(ValueError):
    pass


def validate_event(type_name: str, data: dict) -> None:
    event_type = REGISTRY.get(type_name)
    if event_type is None:
        raise EventSchemaError(f"unknown event type {type_name!r}")
    for key, json_type in event_type.required.items():
        if key not in data:
            raise EventSchemaError(f"{type_name}: missing {key!r}")
        value = data[key]
        if value is None:
            if key in event_type.nullable:
                continue
            raise EventSchemaError(f"{type_name}: {key!r} may not be null")
        expected = _JSON_TYPES[json_type]
        if isinstance(value, bool) and json_type != "bool":
            raise EventSchemaError(f"{type_name}: {key!r} must be {json_type}")
        if not isinstance(value, expected):
            raise EventSchemaError(
                f"{type_name}: {key!r} must be {json_type}, got {type(value).__name__}"
            )
