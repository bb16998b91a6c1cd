"""One scenario per event type: drive the real service, check what it recorded (Zulip's test_events idea).

realtime/events.py is the typed registry; docs/realtime.md "Event types" shows a
payload of each. For every registry type with a scenario below, the scenario runs
the service that records it, and each recorded Event is checked: its data matches
the type's schema after the round trip through the database, and it was put on a
kind of stream the registry documents for that type.

Every registry type has a scenario (test_every_registry_type_has_a_scenario); a
type added to the registry without one fails, and so does a service that records a
type the scenarios do not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from hub.models import Event, Outlet, Printer, PrintJob, Staff
from realtime.events import REGISTRY, validate_event


def staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def dine_in(outlet: Outlet, *, table_id: int = 3, items=((15, 2),)):
    from hub.services.orders import ItemInput, order_create

    return order_create(
        outlet=outlet,
        by=staff("waiter"),
        order_type_id=1,
        table_id=table_id,
        items=[ItemInput(quantity=q, menu_item_id=m) for m, q in items],
    )


def takeaway(outlet: Outlet):
    from hub.services.orders import ItemInput, order_create

    return order_create(
        outlet=outlet,
        by=staff("cashier"),
        order_type_id=2,
        items=[ItemInput(quantity=1, menu_item_id=15)],
    )


def delivery_order(outlet: Outlet):
    from hub.services.orders import ItemInput, order_create

    return order_create(
        outlet=outlet,
        by=staff("cashier"),
        order_type_id=3,
        customer_id=10,
        items=[ItemInput(quantity=1, menu_item_id=15)],
    )


def sent(outlet: Outlet, **kwargs):
    from hub.services.kitchen import kot_send

    order = dine_in(outlet, **kwargs)
    return order, kot_send(order_id=order.pk, outlet=outlet, by=staff("waiter"))


def scenario_order_updated(outlet):
    from hub.services.orders import order_update

    order = dine_in(outlet)
    order_update(order_id=order.pk, outlet=outlet, by=staff("waiter"), notes="no onions")


def scenario_order_cancelled(outlet):
    from hub.services.orders import order_cancel

    order = dine_in(outlet)
    order_cancel(order_id=order.pk, outlet=outlet, by=staff("waiter"), reason="guest left")


def scenario_kot_status_changed(outlet):
    from hub.services.kitchen import kot_set_status

    _, kots = sent(outlet)
    kot_set_status(kot_id=kots[0].pk, outlet=outlet, status="in_kitchen", by=staff("chef"))


def scenario_kot_voided(outlet):
    from hub.services.orders import order_update

    order, _ = sent(outlet)
    order_update(
        order_id=order.pk, outlet=outlet, by=staff("waiter"), items=[], void_reason="changed mind"
    )


def scenario_kot_table_changed(outlet):
    from hub.services.table_moves import order_transfer_table

    order, _ = sent(outlet, table_id=3)
    order_transfer_table(order_id=order.pk, outlet=outlet, table_id=4, by=staff("waiter"))


def pay(outlet, method: str = "cash", amount: str = "5.00"):
    from hub.services.payments import PaymentRequest, payments_capture

    order = takeaway(outlet)
    return payments_capture(
        order_id=order.pk,
        outlet=outlet,
        by=staff("cashier"),
        requests=[PaymentRequest(method, Decimal(amount))],
    )


def scenario_payment_refunded(outlet):
    from hub.services.payments import payment_refund

    outcome = pay(outlet, "card")
    payment_refund(
        order_id=outcome.order.pk,
        outlet=outlet,
        payment_id=outcome.payments[0].pk,
        amount=Decimal("1.00"),
        reason="cold food",
        by=staff("manager"),
    )


def scenario_table_status_changed(outlet):
    from hub.services.tables import table_set_status

    table_set_status(table_id=5, outlet=outlet, status="reserved", by=staff("waiter"))


def scenario_delivery_assigned(outlet):
    from hub.services.delivery import delivery_assign

    order = delivery_order(outlet)
    delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    return order


def scenario_delivery_status_changed(outlet):
    from hub.services.delivery import delivery_set_status

    order = scenario_delivery_assigned(outlet)
    delivery_set_status(order_id=order.pk, outlet=outlet, status="picked_up", by=staff("driver"))


def scenario_print_job(outlet):
    Printer.objects.filter(pk=1).update(connection=Printer.Connection.AGENT)
    sent(outlet)  # the kitchen printer prints the KOT by itself


def scenario_print_job_status(outlet):
    from hub.services.printing import print_job_ack

    scenario_print_job(outlet)
    job = PrintJob.objects.filter(printer_id=1).latest("id")
    print_job_ack(printer_id=1, job_id=job.pk, status="printed", by=staff("cashier"))


def scenario_menu_item_availability(outlet):
    from hub.services.menu import menu_item_set_availability

    menu_item_set_availability(item_id=15, outlet=outlet, is_available=False, by=staff("chef"))


def scenario_menu_item_changed(outlet):
    from hub.services.menu import menu_item_update

    menu_item_update(item_id=15, outlet=outlet, by=staff("manager"), price="13.49", kitchen_id=2)


SCENARIOS: dict[str, Callable[[Outlet], object]] = {
    "order.created": dine_in,
    "order.updated": scenario_order_updated,
    "order.status_changed": sent,  # draft -> kot
    "order.cancelled": scenario_order_cancelled,
    "kot.created": sent,
    "kot.status_changed": scenario_kot_status_changed,
    "kot.voided": scenario_kot_voided,
    "kot.table_changed": scenario_kot_table_changed,
    "payment.received": pay,
    "payment.refunded": scenario_payment_refunded,
    "table.status_changed": scenario_table_status_changed,
    "delivery.assigned": scenario_delivery_assigned,
    "delivery.status_changed": scenario_delivery_status_changed,
    "print.job": scenario_print_job,
    "print.job_status": scenario_print_job_status,
    "menu.item_availability": scenario_menu_item_availability,
    "menu.item_changed": scenario_menu_item_changed,
}


def documented_stream_kinds(type_name: str) -> set[str]:
    return {kind.strip() for kind in REGISTRY[type_name].streams.split(",")}


@pytest.mark.parametrize("type_name", sorted(SCENARIOS))
def test_the_service_records_the_type_as_its_schema_says(demo, type_name):
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    SCENARIOS[type_name](demo)
    events = list(Event.objects.filter(id__gt=before, type=type_name))
    assert events, f"the scenario for {type_name} recorded no {type_name} event"
    for event in events:
        validate_event(type_name, event.data)  # after the round trip through the database
        assert event.stream.split(".")[0] in documented_stream_kinds(type_name), event.stream
        assert event.outlet_id == demo.pk
    seqs = [(e.stream, e.seq) for e in events]
    assert len(set(seqs)) == len(seqs)


def _service_sources() -> dict[str, str]:
    services = Path(__file__).resolve().parents[2] / "hub" / "services"
    return {path.name: path.read_text() for path in services.glob("*.py")}


def test_every_type_a_service_records_has_a_scenario():
    sources = _service_sources()
    recorded_without_scenario = {
        type_name: [name for name, text in sources.items() if f'"{type_name}"' in text]
        for type_name in REGISTRY
        if type_name not in SCENARIOS
    }
    recorded_without_scenario = {
        t: files for t, files in recorded_without_scenario.items() if files
    }
    assert recorded_without_scenario == {}, "add a scenario to SCENARIOS for these"


def test_every_registry_type_has_a_scenario():
    assert set(SCENARIOS) == set(REGISTRY)
