"""One scenario per event type: drive the real service, check what it recorded (Zulip's test_events idea).

hub/events/registry.py is the typed registry; docs/realtime.md "Event types" shows a
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

from hub.events.registry import REGISTRY, EventSchemaError, validate_event
from hub.events.streams import KINDS
from hub.models import (
    Event,
    Kot,
    KotLine,
    MenuItem,
    Order,
    OrderItem,
    Outlet,
    Printer,
    PrintJob,
    Staff,
)


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


def scenario_order_split(outlet):
    from hub.services.checks import order_split, order_unsplit

    order = dine_in(outlet)
    order_split(order_id=order.pk, outlet=outlet, by=staff("waiter"), equal=2)
    order_unsplit(order_id=order.pk, outlet=outlet, by=staff("waiter"))


def scenario_kot_status_changed(outlet):
    from hub.services.kitchen import kot_set_status

    _, kots = sent(outlet)
    kot_set_status(kot_id=kots[0].pk, outlet=outlet, status="in_kitchen", by=staff("chef"))


def scenario_kot_item_status_changed(outlet):
    from hub.services.kitchen import kot_item_set_status

    _, kots = sent(outlet, items=((15, 1), (12, 1)))
    for item in kots[0].order_items.order_by("id"):  # the last ready line makes it ready
        kot_item_set_status(
            kot_id=kots[0].pk, item_id=item.pk, outlet=outlet, status="food_ready", by=staff("chef")
        )


def scenario_kot_unseen(outlet):
    from datetime import timedelta

    from django.utils import timezone

    from hub.services.kitchen_ack import kots_unseen_handle

    _, kots = sent(outlet)
    kots_unseen_handle(now=timezone.now() + timedelta(seconds=outlet.kot_ack_seconds + 1))


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


def scenario_menu_option_availability(outlet):
    from hub.services.menu import modifier_option_set_availability

    modifier_option_set_availability(
        option_id=4, outlet=outlet, is_available=False, by=staff("chef")
    )


def scenario_menu_item_changed(outlet):
    from hub.services.menu import menu_item_update

    menu_item_update(item_id=15, outlet=outlet, by=staff("manager"), price="13.49", kitchen_id=2)


def scenario_shift_opened(outlet):
    from hub.services.shifts import shift_open

    shift_open(outlet=outlet, by=staff("cashier"), opening_float=Decimal("1500.00"))


def scenario_shift_closed(outlet):
    from hub.services.shifts import shift_close

    scenario_shift_opened(outlet)
    pay(outlet)
    shift_close(outlet=outlet, by=staff("manager"), counted_cash=Decimal("1505.50"))


def scenario_webhook_disabled(outlet):
    from datetime import timedelta

    from django.utils import timezone

    from hub.models import Event, WebhookSubscription
    from hub.services.webhooks import webhook_attempt_record

    sub = WebhookSubscription.objects.create(
        outlet=outlet, url="http://127.0.0.1:9/h", secret_sealed="", event_types=[]
    )
    dine_in(outlet)
    event = Event.objects.filter(outlet=outlet).latest("id")
    for at in (timezone.now() - timedelta(hours=25), timezone.now()):
        webhook_attempt_record(
            subscription_id=sub.pk, event=event, status_code=500, error="", delivered=False, now=at
        )


SCENARIOS: dict[str, Callable[[Outlet], object]] = {
    "order.created": dine_in,
    "order.updated": scenario_order_updated,
    "order.status_changed": sent,  # draft -> kot
    "order.cancelled": scenario_order_cancelled,
    "order.split": scenario_order_split,
    "kot.created": sent,
    "kot.status_changed": scenario_kot_status_changed,
    "kot.voided": scenario_kot_voided,
    "kot.table_changed": scenario_kot_table_changed,
    "kot.item_status_changed": scenario_kot_item_status_changed,
    "kot.unseen": scenario_kot_unseen,
    "payment.received": pay,
    "payment.refunded": scenario_payment_refunded,
    "table.status_changed": scenario_table_status_changed,
    "delivery.assigned": scenario_delivery_assigned,
    "delivery.status_changed": scenario_delivery_status_changed,
    "print.job": scenario_print_job,
    "print.job_status": scenario_print_job_status,
    "menu.item_availability": scenario_menu_item_availability,
    "menu.item_changed": scenario_menu_item_changed,
    "menu.option_availability": scenario_menu_option_availability,
    "shift.opened": scenario_shift_opened,
    "shift.closed": scenario_shift_closed,
    "webhook.disabled": scenario_webhook_disabled,
}


def documented_stream_kinds(type_name: str) -> set[str]:
    return set(REGISTRY[type_name].streams)


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


# --- strict schemas: what the registry refuses --------------------------------------------


def recorded(outlet: Outlet, type_name: str) -> dict:
    """The data of a real `type_name` event, recorded by its scenario's service."""
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    SCENARIOS[type_name](outlet)
    return Event.objects.filter(id__gt=before, type=type_name).order_by("id").first().data


def without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def first_item(data: dict, key: str = "items", **change) -> list[dict]:
    return [{**data[key][0], **change}, *data[key][1:]]


REFUSED = [
    # (type, how the recorded data is spoiled, what the error names)
    ("kot.created", lambda d: {**d, "colour": "red"}, "colour: Extra inputs"),
    ("kot.created", lambda d: {**d, "items": first_item(d, price=1.0)}, "items.0.price: Extra"),
    (
        "kot.created",
        lambda d: {**d, "items": [without(d["items"][0], "quantity")]},
        "items.0.quantity",
    ),
    ("kot.created", lambda d: {**d, "items": first_item(d, quantity="2")}, "items.0.quantity"),
    ("kot.created", lambda d: {**d, "status": "cooking"}, "status: Input should be"),
    ("kot.created", lambda d: {**d, "kind": "extra"}, "kind: Input should be"),
    (
        "kot.created",
        lambda d: {**d, "allowed_statuses": ["in_kitchen", "eaten"]},
        "allowed_statuses.1",
    ),
    ("kot.created", lambda d: {**d, "kitchen_id": True}, "kitchen_id"),
    ("kot.created", lambda d: {**d, "kitchen_name": None}, "kitchen_name"),
    ("kot.created", lambda d: {**d, "created_at": "yesterday"}, "created_at"),
    ("kot.created", lambda d: without(d, "order_version"), "order_version: Field required"),
    (
        "kot.voided",
        lambda d: {**d, "voids_kot_items": first_item(d, "voids_kot_items", voided="yes")},
        "voids_kot_items.0.voided",
    ),
    ("kot.status_changed", lambda d: {**d, "order_item_ids": ["6"]}, "order_item_ids.0"),
    ("order.created", lambda d: {**d, "total": "27.28"}, "total"),
    ("order.created", lambda d: {**d, "payment_status": "owing"}, "payment_status"),
    ("order.updated", lambda d: {**d, "merged_order_id": None}, "merged_order_id"),
    ("payment.received", lambda d: {**d, "amount": True}, "amount"),
    ("table.status_changed", lambda d: {**d, "status": "dirty"}, "status"),
    (
        "delivery.assigned",
        lambda d: {**d, "allowed_delivery_statuses": ["lost"]},
        "allowed_delivery_statuses.0",
    ),
    ("print.job", lambda d: {**d, "payload_b64": "AAAA"}, "payload_b64: Extra"),
    ("print.job", lambda d: {**d, "kind": "poster"}, "kind"),
    ("menu.item_changed", lambda d: {**d, "changed": ["colour"]}, "changed.0"),
]


@pytest.mark.parametrize(("type_name", "spoil", "complaint"), REFUSED)
def test_the_registry_refuses_unknown_keys_wrong_types_and_values_at_any_depth(
    demo, type_name, spoil, complaint
):
    data = recorded(demo, type_name)
    validate_event(type_name, data)  # as recorded it passes
    with pytest.raises(EventSchemaError) as error:
        validate_event(type_name, spoil(data))
    assert complaint in str(error.value)


def test_an_unknown_type_and_a_stream_of_another_kind_are_refused(demo):
    data = recorded(demo, "menu.item_availability")
    with pytest.raises(EventSchemaError, match="unknown event type"):
        validate_event("menu.item_deleted", data)
    validate_event("menu.item_availability", data, streams=["orders.1", "kitchen.2"])
    with pytest.raises(EventSchemaError, match="not carried on 'printer.1'"):
        validate_event("menu.item_availability", data, streams=["orders.1", "printer.1"])


def test_a_refused_event_fails_the_service_and_leaves_nothing_of_the_change(demo, monkeypatch):
    from hub.services import kitchen

    order = dine_in(demo)
    real_card = kitchen.kot_card_data
    monkeypatch.setattr(kitchen, "kot_card_data", lambda **kw: {**real_card(**kw), "colour": 1})
    before = Event.objects.count()
    with pytest.raises(EventSchemaError, match="colour"):
        kitchen.kot_send(order_id=order.pk, outlet=demo, by=staff("waiter"))
    # no ticket, no line sent, no version raised, no event, no print job
    assert not Kot.objects.filter(order=order).exists()
    assert not KotLine.objects.filter(order_item__order=order).exists()
    assert set(OrderItem.objects.filter(order=order).values_list("status", flat=True)) == {
        "pending"
    }
    assert Order.objects.get(pk=order.pk).version == order.version
    assert Event.objects.count() == before
    assert not PrintJob.objects.filter(order=order).exists()


def test_an_event_refused_after_others_were_recorded_drops_them_all(demo):
    from hub.events import record_event, service_transaction

    good = {"menu_item_id": 15, "name": "Paneer Tikka", "kitchen_id": 1, "is_available": False}

    @service_transaction
    def change():
        MenuItem.objects.filter(pk=15).update(is_available=False)
        record_event(outlet=demo, streams=["orders.1"], type="menu.item_availability", data=good)
        record_event(
            outlet=demo,
            streams=["orders.1"],
            type="menu.item_availability",
            data={**good, "is_available": "no"},
        )

    before = Event.objects.count()
    with pytest.raises(EventSchemaError, match="is_available"):
        change()
    assert Event.objects.count() == before
    assert MenuItem.objects.get(pk=15).is_available


def _objects(schema: dict):
    """Every object schema in a JSON Schema: the top and each nested definition."""
    yield schema
    yield from schema.get("$defs", {}).values()


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_each_type_describes_its_streams_and_a_closed_json_schema(type_name):
    event_type = REGISTRY[type_name]
    assert isinstance(event_type.streams, tuple) and event_type.streams
    assert set(event_type.streams) <= set(KINDS)
    assert event_type.description
    schema = event_type.json_schema()
    assert schema["type"] == "object" and schema["required"]
    for part in _objects(schema):
        if part.get("type") == "object":
            assert part["additionalProperties"] is False, part.get("title")


def test_enums_are_the_models_choices():
    from hub.services.menu import CHANGED

    props = {name: REGISTRY[name].json_schema()["properties"] for name in REGISTRY}
    assert props["kot.created"]["status"]["enum"] == Kot.Status.values
    assert props["kot.created"]["kind"]["enum"] == Kot.Kind.values
    assert props["order.created"]["status"]["enum"] == Order.Status.values
    assert props["print.job"]["kind"]["enum"] == PrintJob.Kind.values
    assert props["menu.item_changed"]["changed"]["items"]["enum"] == list(CHANGED)
