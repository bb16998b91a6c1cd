"""The typed registry of event types (CONTRACT section 6, docs/realtime.md "Event types").

One schema class per event type: a TypedDict of the JSON `data` the event carries, every
key named (unknown keys are refused), nested shapes (a KOT's `items[]`, the
`allowed_statuses` lists) and enums (statuses, kinds, from the models' choices) checked,
money a JSON number. Pydantic validates in strict mode, so a string is never taken for a
number nor a bool for an int. `NotRequired` marks the keys only some changes carry (a
transfer's `from_table_id`); `X | None` the keys that may be null.

Every event a service records is checked here before it reaches the outbox
(hub/events/outbox.py record_event): an unknown type or data that does not match raises
EventSchemaError inside the change's transaction, which then rolls back whole.
`validate_event(..., streams=)` also checks the streams' kinds (the schema test does,
for every type). `REGISTRY` also describes each type for the
docs: the stream kinds that carry it (a tuple) and the JSON Schema of its data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired

from django.db import models
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from hub.events.streams import KINDS, stream_kind
from hub.models import Kot, Order, OrderItem, PrintJob, Table

STRICT = ConfigDict(extra="forbid", strict=True)


def one_of(choices: type[models.TextChoices]) -> Any:
    """A Literal of a model's choice values: the registry never lists statuses of its own."""
    return Literal[tuple(choices.values)]


Money = float  # a JSON number (strict: ints pass, bools and strings do not)
Timestamp = Annotated[
    str, Field(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
]
OrderStatus = one_of(Order.Status)
PaymentStatus = one_of(Order.PaymentStatus)
DeliveryStatus = one_of(Order.DeliveryStatus)
KotStatus = one_of(Kot.Status)
KotKind = one_of(Kot.Kind)
TableStatus = one_of(Table.Status)
PrintJobKind = one_of(PrintJob.Kind)
PrintJobStatus = one_of(PrintJob.Status)
ItemStatus = one_of(OrderItem.Status)


# --- orders ---------------------------------------------------------------------------


@with_config(STRICT)
class OrderSummary(TypedDict):
    """What every `order.*` event carries (hub/services/order_core.py order_event_data)."""

    order_id: int
    order_number: str
    status: OrderStatus
    payment_status: PaymentStatus
    total: Money
    balance_due: Money
    version: int
    table_id: int | None
    closed: bool  # paid or cancelled: the order no longer runs on its table


@with_config(STRICT)
class OrderCreated(OrderSummary):
    """An order was opened (order_create)."""


@with_config(STRICT)
class CheckTax(TypedDict):
    name: str
    rate: float
    amount: Money


@with_config(STRICT)
class CheckLine(TypedDict):
    item_id: int
    quantity: int


@with_config(STRICT)
class CheckData(TypedDict):
    """One check of a split bill (hub/services/checks.py check_data)."""

    id: int
    number: int
    items: list[CheckLine]  # [] for a check of an equal split
    subtotal: Money
    discount_amount: Money
    taxes: list[CheckTax]
    tax_total: Money
    service_charge: Money
    round_off: Money
    total: Money
    paid_total: Money
    balance_due: Money
    payment_status: PaymentStatus


@with_config(STRICT)
class OrderUpdated(OrderSummary):
    """Lines, notes, guests, a discount or the table changed; a KOT was sent (the order's
    status stayed); another order was merged into this one."""

    from_table_id: NotRequired[int | None]  # a table transfer: the table it left
    fired_course: NotRequired[int]  # a course was fired (CONTRACT 13): the order's now
    merged_order_id: NotRequired[int]  # a merge: the order merged into this one
    checks: NotRequired[list[CheckData]]  # [] when the change removed the order's split


@with_config(STRICT)
class OrderSplit(OrderSummary):
    """The bill was split into checks, split again, or put back to one bill (`checks`
    []) (hub/services/checks.py)."""

    checks: list[CheckData]


@with_config(STRICT)
class OrderStatusChanged(OrderSummary):
    """The order moved along its lifecycle (draft -> kot on a send, billed, paid)."""

    from_status: OrderStatus


@with_config(STRICT)
class OrderCancelled(OrderSummary):
    """The order was cancelled (order_cancel), or merged into another one."""

    from_status: OrderStatus
    reason: str
    merged_into_order_id: NotRequired[int]


# --- kitchen tickets --------------------------------------------------------------------


@with_config(STRICT)
class KotModifier(TypedDict):
    option_id: int
    name: str
    quantity: int


@with_config(STRICT)
class KotItem(TypedDict):
    """A line of a ticket, frozen as sent."""

    order_item_id: int
    name: str
    quantity: int
    note: str
    status: ItemStatus  # the line's own status (item-level bump, CONTRACT 13)
    # the options chosen, as sent (names and quantities); a line of a ticket sent before
    # lines had options carries none
    modifiers: NotRequired[list[KotModifier]]


@with_config(STRICT)
class KotCard(TypedDict):
    """The whole ticket, so a kitchen screen draws the card from the event alone
    (hub/services/kitchen.py kot_card_data)."""

    kot_id: int
    kot_number: str
    kind: KotKind
    status: KotStatus
    course: int  # 1-5; a `held` KOT waits for its course to be fired
    kitchen_id: int
    kitchen_name: str
    order_id: int
    order_number: str
    order_type: str  # the order type's code: dine_in, takeaway, delivery
    order_version: int
    table_id: int | None
    table_name: str | None
    platform_name: str | None  # a delivery platform's order (CONTRACT 16): "Swiggy"
    platform_order_ref: str | None  # and its ref there, so the bag is matched
    guests: int | None
    waiter_name: str | None  # the order's waiter
    sent_by_name: str | None  # who sent this ticket
    created_at: Timestamp
    items: list[KotItem]
    allowed_statuses: list[KotStatus]  # the ticket's half of a move (GET /me has the caller's)
    allowed_item_statuses: list[ItemStatus]  # what its lines may be bumped to (ticket's half)


@with_config(STRICT)
class KotCreated(KotCard):
    """A KOT (new or add-on) went to its kitchen (kot_send), live or `held` for a later
    course."""

    order_ready: bool  # the order is ready at the pass (every fired KOT food_ready)


@with_config(STRICT)
class KotVoidedLine(TypedDict):
    """A line of the ticket taken from, with what is voided of it now."""

    order_item_id: int
    voided_quantity: int
    voided: bool


@with_config(STRICT)
class KotVoided(KotCard):
    """A void or cancellation ticket took items back from a kitchen."""

    voids_kot_id: int | None
    voids_kot_number: str | None
    reason: str
    voids_kot_items: list[KotVoidedLine]  # what the taken-from ticket shows now


@with_config(STRICT)
class KotStatusChanged(TypedDict):
    """A ticket moved (kot_set_status; its lines followed), followed its lines (an
    item-level bump), was fired (held -> sent_to_kitchen), was served from the pass, or
    ended with its cancelled order."""

    kot_id: int
    kot_number: str
    kind: KotKind
    course: int
    order_id: int
    order_number: str
    order_version: int
    kitchen_id: int
    status: KotStatus
    from_status: KotStatus
    table_id: int | None
    order_item_ids: list[int]  # the lines that followed the ticket into `status`
    allowed_statuses: list[KotStatus]
    allowed_item_statuses: list[ItemStatus]
    order_ready: bool  # the order is ready at the pass (every fired KOT food_ready)


@with_config(STRICT)
class KotItemStatusChanged(TypedDict):
    """One line of a ticket moved (item-level bump, PUT /kot/{id}/items/{item_id}/status).
    When the ticket follows its lines, a kot.status_changed comes with it."""

    kot_id: int
    kot_number: str
    kitchen_id: int
    order_id: int
    order_number: str
    order_version: int
    table_id: int | None
    order_item_id: int
    status: ItemStatus
    from_status: ItemStatus
    kot_status: KotStatus  # the ticket's status after the change
    order_ready: bool


@with_config(STRICT)
class KotUnseen(TypedDict):
    """No screen of its kitchen drew the ticket within the outlet's kot_ack_seconds: it was
    printed if it was not already (hub/services/kitchen_ack.py). Raised once per KOT."""

    kot_id: int
    kot_number: str
    kitchen_id: int
    kitchen_name: str
    order_id: int
    order_number: str
    table_id: int | None
    table_name: str | None
    sent_at: Timestamp
    ack_seconds: int
    printed: bool  # a print job of it exists (queued now or earlier)


@with_config(STRICT)
class KotTableChanged(TypedDict):
    """An order's unfinished tickets now belong to another table (transfer) or another
    order (merge): the kitchen screen relabels them (hub/services/table_moves.py)."""

    kitchen_id: int
    kot_ids: list[int]
    order_id: int
    order_number: str
    table_id: int | None
    table_name: str | None
    from_order_id: int
    from_order_number: str
    from_table_id: int | None
    from_table_name: str | None
    reason: Literal["transfer", "merge"]
    order_ready: bool  # the (receiving) order is ready at the pass
    from_order_ready: bool  # the order they came from (the same one on a transfer)


# --- payments, tables, delivery ---------------------------------------------------------


@with_config(STRICT)
class PaymentReceived(TypedDict):
    """One payment taken (payments_capture: one event per payment of the call)."""

    order_id: int
    payment_id: int
    amount: Money
    tip_amount: Money
    change_due: Money
    method: str  # the payment method's code: cash, card, upi ...
    payment_status: PaymentStatus
    balance_due: Money
    table_id: int | None
    version: int  # the order's, after the whole call
    check_id: NotRequired[int]  # a split bill: the check it paid (CONTRACT 12)
    check_balance_due: NotRequired[Money]


@with_config(STRICT)
class PaymentRefunded(TypedDict):
    """Part or all of a payment given back (payment_refund)."""

    order_id: int
    payment_id: int
    refund_id: int
    amount: Money
    payment_status: PaymentStatus
    table_id: int | None
    version: int


@with_config(STRICT)
class TableStatusChanged(TypedDict):
    """A table's status or seated guests changed (tables, and orders taking or leaving it)."""

    table_id: int
    name: str
    status: TableStatus
    from_status: TableStatus
    order_id: int | None
    guests: int | None
    status_changed_at: Timestamp | None


@with_config(STRICT)
class DeliveryData(TypedDict):
    """What both delivery events carry (hub/services/delivery.py _event_data)."""

    order_id: int
    order_number: str
    driver_id: int | None
    delivery_status: DeliveryStatus
    status: OrderStatus
    version: int
    active: bool  # still on a driver's phone
    allowed_delivery_statuses: list[DeliveryStatus]
    from_status: DeliveryStatus


@with_config(STRICT)
class DeliveryAssigned(DeliveryData):
    """A driver was given the delivery (delivery_assign; also on the previous driver's
    stream after a reassignment)."""

    previous_driver_id: int | None
    driver_name: str


@with_config(STRICT)
class DeliveryStatusChanged(DeliveryData):
    """The delivery moved (delivery_set_status); `reason` says why one failed."""

    reason: str


# --- printing and the menu ----------------------------------------------------------------


@with_config(STRICT)
class PrintJobQueued(TypedDict):
    """A job for an agent printer, as the outbox keeps it. The printer stream's consumer
    adds `payload_b64` (the ESC/POS bytes, rendered by printers/ from the job's ticket)
    on the way out, so agents receive {job_id, kind, reprint, payload_b64}
    (docs/printing.md "The print agent")."""

    job_id: int
    kind: PrintJobKind
    reprint: int


@with_config(STRICT)
class PrintJobStatusChanged(TypedDict):
    """A job was printed or given up on."""

    job_id: int
    printer_id: int
    status: PrintJobStatus


@with_config(STRICT)
class WebhookDisabled(TypedDict):
    """A webhook subscription was disabled after 24 h of failed deliveries
    (hub/services/webhooks.py); a manager resumes it in the admin."""

    webhook_id: int
    url: str
    failing_since: str
    last_error: str


@with_config(STRICT)
class MenuItemAvailability(TypedDict):
    """An item sold out or back (menu_item_set_availability)."""

    menu_item_id: int
    name: str
    kitchen_id: int
    is_available: bool


@with_config(STRICT)
class MenuOptionAvailability(TypedDict):
    """A modifier option sold out or back (modifier_option_set_availability): which option
    of which group of which item, so a screen greys it in the chooser it already has."""

    option_id: int
    group_id: int
    menu_item_id: int
    name: str
    kitchen_id: int
    is_available: bool


@with_config(STRICT)
class MenuItemChanged(TypedDict):
    """A manager edited or added an item (the admin; hub/services/menu.py): the item as it
    now is, and `changed`, the fields that changed."""

    menu_item_id: int
    name: str
    price: Money
    category_id: int | None
    kitchen_id: int
    tax_category_id: int | None
    is_open_price: bool
    is_available: bool
    sort_order: int
    changed: list[
        Literal[
            "name",
            "price",
            "category_id",
            "kitchen_id",
            "tax_category_id",
            "is_open_price",
            "sort_order",
            "modifier_groups",  # its groups or options were added, edited or removed
        ]
    ]


# --- shifts ---------------------------------------------------------------------------------


@with_config(STRICT)
class StaffRef(TypedDict):
    id: int
    name: str


@with_config(STRICT)
class ShiftOpened(TypedDict):
    """The outlet's shift was opened with a float in the drawer (hub/services/shifts.py)."""

    shift_id: int
    opened_at: Timestamp
    opened_by: StaffRef
    opening_float: Money


@with_config(STRICT)
class ShiftClosed(TypedDict):
    """The shift was closed into its Z report (`z_number`); the figures are the report's."""

    shift_id: int
    z_number: int
    opened_at: Timestamp
    closed_at: Timestamp
    closed_by: StaffRef
    total: Money  # the shift's sales
    expected: Money  # cash that should be in the drawer
    counted: Money
    difference: Money  # counted - expected


# --- the registry -------------------------------------------------------------------------


class EventSchemaError(ValueError):
    """An event that its type's schema refuses: a programming error, raised in the change's
    transaction so the change rolls back with it."""


@dataclass(frozen=True)
class EventType:
    name: str
    streams: tuple[str, ...]  # the kinds of stream that carry it (hub/events/streams.py)
    schema: type  # the TypedDict of its data

    def __post_init__(self) -> None:
        unknown = set(self.streams) - set(KINDS)
        if unknown:
            raise ValueError(f"{self.name}: no such stream kind {sorted(unknown)}")
        object.__setattr__(self, "_adapter", TypeAdapter(self.schema))

    @property
    def description(self) -> str:
        return " ".join((self.schema.__doc__ or "").split())

    def validate(self, data: Any) -> None:
        self._adapter.validate_python(data)

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the type's data (for docs and clients)."""
        return self._adapter.json_schema()


ORDER_STREAMS = ("orders", "table")
KOT_STREAMS = ("kitchen", "table", "orders", "expo")

REGISTRY: dict[str, EventType] = {
    e.name: e
    for e in [
        EventType("order.created", ORDER_STREAMS, OrderCreated),
        EventType("order.updated", ORDER_STREAMS, OrderUpdated),
        EventType("order.status_changed", ORDER_STREAMS, OrderStatusChanged),
        EventType("order.cancelled", ORDER_STREAMS, OrderCancelled),
        EventType("order.split", ORDER_STREAMS, OrderSplit),
        EventType("kot.created", KOT_STREAMS, KotCreated),
        EventType("kot.status_changed", KOT_STREAMS, KotStatusChanged),
        EventType("kot.voided", KOT_STREAMS, KotVoided),
        EventType("kot.item_status_changed", KOT_STREAMS, KotItemStatusChanged),
        EventType("kot.table_changed", ("kitchen", "expo", "orders"), KotTableChanged),
        EventType("kot.unseen", ("expo", "orders"), KotUnseen),
        EventType("payment.received", ORDER_STREAMS, PaymentReceived),
        EventType("payment.refunded", ORDER_STREAMS, PaymentRefunded),
        EventType("table.status_changed", ("floor", "table"), TableStatusChanged),
        EventType("delivery.assigned", ("driver", "orders"), DeliveryAssigned),
        EventType("delivery.status_changed", ("driver", "orders"), DeliveryStatusChanged),
        EventType("print.job", ("printer",), PrintJobQueued),
        EventType("print.job_status", ("orders",), PrintJobStatusChanged),
        EventType("menu.item_availability", ("orders", "kitchen"), MenuItemAvailability),
        EventType("menu.item_changed", ("orders", "kitchen"), MenuItemChanged),
        EventType("menu.option_availability", ("orders", "kitchen"), MenuOptionAvailability),
        EventType("shift.opened", ("orders",), ShiftOpened),
        EventType("shift.closed", ("orders",), ShiftClosed),
        EventType("webhook.disabled", ("orders",), WebhookDisabled),
    ]
}


def validate_event(type_name: str, data: Any, *, streams: list[str] | None = None) -> None:
    """Raise EventSchemaError unless `data` (JSON values) is a valid `type_name` event,
    and each of `streams` (when given) of a kind the type is carried on."""
    event_type = REGISTRY.get(type_name)
    if event_type is None:
        raise EventSchemaError(f"unknown event type {type_name!r}")
    try:
        event_type.validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(data)'}: {e['msg']}"
            for e in error.errors()
        )
        raise EventSchemaError(f"{type_name}: {problems}") from error
    for stream in streams or ():
        if stream_kind(stream) not in event_type.streams:
            raise EventSchemaError(
                f"{type_name} is not carried on {stream!r} (only {', '.join(event_type.streams)})"
            )
