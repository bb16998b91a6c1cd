"""Stream names: one function per kind of stream (docs/realtime.md "Streams and who may read them").

A stream is `<kind>.<id>`: the id of the kitchen, table, driver or printer, or of the
outlet for the outlet-wide floor and orders streams. Who may read which stream is
hub/services/streams.py's; the event types a kind of stream carries are
hub/events/registry.py's.
"""

from __future__ import annotations

KINDS = ("kitchen", "table", "driver", "floor", "orders", "printer", "expo")


def kitchen_stream(kitchen_id: int) -> str:
    return f"kitchen.{kitchen_id}"


def table_stream(table_id: int) -> str:
    return f"table.{table_id}"


def driver_stream(driver_id: int) -> str:
    return f"driver.{driver_id}"


def floor_stream(outlet_id: int) -> str:
    return f"floor.{outlet_id}"


def orders_stream(outlet_id: int) -> str:
    return f"orders.{outlet_id}"


def printer_stream(printer_id: int) -> str:
    return f"printer.{printer_id}"


def expo_stream(outlet_id: int) -> str:
    """The pass (CONTRACT 13): every kot.* event of every kitchen of the outlet."""
    return f"expo.{outlet_id}"


def stream_kind(stream: str) -> str:
    """The kind of a stream name: "kitchen" for "kitchen.3"."""
    return stream.partition(".")[0]
