"""Events, the domain's record of every change a screen must hear about (docs/realtime.md,
docs/architecture.md "The write path").

- registry.py: the typed event types, one schema per type, checked on every record;
- outbox.py: `record_event` in the change's transaction, `service_transaction` /
  `events_deferred` (events written last), the publisher hook, pruning;
- streams.py: stream names (`kitchen.3`, `orders.1`, ...);
- replay.py: the outbox queries that replay and resume read.

No transport here: realtime/ registers the publisher at start-up and reads replay.py.
"""

from hub.events.outbox import (
    events_deferred,
    publisher_register,
    record_event,
    service_transaction,
)
from hub.events.registry import REGISTRY, EventSchemaError, validate_event
from hub.events.streams import (
    driver_stream,
    expo_stream,
    floor_stream,
    kitchen_stream,
    orders_stream,
    printer_stream,
    table_stream,
)

__all__ = [
    "REGISTRY",
    "EventSchemaError",
    "driver_stream",
    "events_deferred",
    "expo_stream",
    "floor_stream",
    "kitchen_stream",
    "orders_stream",
    "printer_stream",
    "publisher_register",
    "record_event",
    "service_transaction",
    "table_stream",
    "validate_event",
]
