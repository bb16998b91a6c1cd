"""hub/services/table_moves.py: transfer to another table, merge two orders, kitchen notices."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from hub.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from hub.models import Event, Kot, Order, OrderItem, Staff, Table
from hub.services import table_moves as svc
from hub.services.kitchen import kot_set_status
from hub.services.orders import ItemInput, order_cancel, order_create, order_set_status
from hub.services.payments import PaymentRequest, payments_capture
from tests.given import kots_sent

PANEER = ItemInput(menu_item_id=15, quantity=2)  # kitchen 1
CHAI = ItemInput(menu_item_id=16, quantity=1)  # kitchen 2 (Bar)


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def dine_in(table_id: int, items=(PANEER,), guests=None) -> Order:
    waiter = staff("waiter")
    return order_create(
        outlet=waiter.outlet,
        by=waiter,
        order_type_id=1,
        table_id=table_id,
        items=list(items),
        guests=guests,
    )


def transfer(order: Order, table_id: int, by: str = "waiter", **kwargs) -> Order:
    person = staff(by)
    return svc.order_transfer_table(
        order_id=order.pk, outlet=person.outlet, table_id=table_id, by=person, **kwargs
    )


def merge(target: Order, source: Order, by: str = "waiter", **kwargs) -> Order:
    person = staff(by)
    return svc.order_merge(
        order_id=target.pk, outlet=person.outlet, source_order_id=source.pk, by=person, **kwargs
    )


def new_events(after: int, type_: str) -> list[Event]:
    return list(Event.objects.filter(pk__gt=after, type=type_).order_by("id"))


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.embedded
def test_transfer_moves_the_order_and_tells_tables_and_kitchens(demo):
    order = dine_in(3, items=[PANEER, CHAI])
    kots = kots_sent(order)
    mark = last_event_id()
    moved = transfer(order, 7)
    assert moved.table_id == 7 and moved.version == order.version + 2  # the send + transfer
    assert Table.objects.get(pk=3).status == demo.table_release_status
    assert Table.objects.get(pk=7).status == "occupied"
    updated = new_events(mark, "order.updated")
    assert sorted(e.stream for e in updated) == ["orders.1", "table.3", "table.7"]
    assert updated[0].data["table_id"] == 7 and updated[0].data["from_table_id"] == 3
    tables = {
        (e.stream, e.data["table_id"], e.data["status"])
        for e in new_events(mark, "table.status_changed")
    }
    assert ("table.7", 7, "occupied") in tables and (
        "floor.1",
        3,
        demo.table_release_status,
    ) in tables
    notices = new_events(mark, "kot.table_changed")
    # each kitchen's notice goes to its kitchen, to the pass (CONTRACT 13) and to the
    # orders stream (the waiter tablet's "ready at the pass")
    assert sorted((e.stream, tuple(e.data["kot_ids"])) for e in notices) == sorted(
        [(f"kitchen.{k.kitchen_id}", (k.pk,)) for k in kots]
        + [("expo.1", (k.pk,)) for k in kots]
        + [("orders.1", (k.pk,)) for k in kots]
    )
    # a transfer keeps the tickets on their order: both readiness flags are that order's
    assert {(e.data["order_ready"], e.data["from_order_ready"]) for e in notices} == {
        (False, False)
    }
    assert {
        (e.data["from_table_name"], e.data["table_name"], e.data["reason"]) for e in notices
    } == {("T3", "T7", "transfer")}


def test_transfer_without_kots_tells_no_kitchen_and_served_tickets_are_left_alone(demo):
    order = dine_in(4)
    mark = last_event_id()
    order = transfer(order, 8)
    assert new_events(mark, "kot.table_changed") == []
    kot = kots_sent(order)[0]
    for status, by in (("in_kitchen", "chef"), ("food_ready", "chef"), ("served", "waiter")):
        person = staff(by)
        kot_set_status(kot_id=kot.pk, outlet=person.outlet, status=status, by=person)
    mark = last_event_id()
    transfer(order, 9)
    assert new_events(mark, "kot.table_changed") == []


def test_transfer_onto_a_table_with_an_open_order_is_refused(demo):
    order, other = dine_in(5), dine_in(6)
    mark = last_event_id()
    with pytest.raises(Conflict) as caught:
        transfer(order, 6)
    assert caught.value.code == "table_occupied" and caught.value.extra["order_id"] == other.pk
    assert Order.objects.get(pk=order.pk).table_id == 5 and last_event_id() == mark


@pytest.mark.parametrize("status", ["reserved", "cleaning"])
def test_transfer_onto_a_reserved_or_cleaning_table(demo, status):
    Table.objects.filter(pk=10).update(status=status)
    order = transfer(dine_in(11), 10)
    assert order.table_id == 10 and Table.objects.get(pk=10).status == "occupied"


def test_transfer_refusals(demo):
    order = dine_in(1)
    with pytest.raises(ValidationFailed):
        transfer(order, 13)  # outlet 002's T1
    with pytest.raises(ValidationFailed):
        transfer(order, 99999)
    with pytest.raises(Conflict) as caught:
        transfer(order, 2, expected_version=order.version + 5)
    assert caught.value.code == "version_conflict"
    waiter = staff("waiter")
    takeaway = order_create(outlet=waiter.outlet, by=waiter, order_type_id=2, items=[PANEER])
    with pytest.raises(BusinessRuleViolation) as caught:
        transfer(takeaway, 2)
    assert caught.value.code == "not_a_dine_in_order"
    manager = staff("manager")
    order_cancel(order_id=order.pk, outlet=manager.outlet, by=manager, reason="walked out")
    with pytest.raises(Conflict) as caught:
        transfer(order, 2)
    assert caught.value.code == "order_closed"
    with pytest.raises(NotFound):
        transfer(order, 2, by="waiter2")


def test_transfer_to_the_same_table_changes_nothing(demo):
    order = dine_in(12)
    assert transfer(order, 12).version == order.version


@pytest.mark.embedded
def test_merge_moves_items_and_tickets_and_cancels_the_source(demo):
    target = dine_in(1, items=[PANEER], guests=2)
    source = dine_in(2, items=[PANEER, CHAI], guests=3)
    kots = kots_sent(source)
    source.refresh_from_db()
    source_items = set(OrderItem.objects.filter(order=source).values_list("id", "kot_id", "status"))
    mark = last_event_id()
    merged = merge(target, source)
    assert merged.pk == target.pk and merged.guests == 5
    assert (
        set(
            OrderItem.objects.filter(order=target)
            .exclude(kot=None)
            .values_list("id", "kot_id", "status")
        )
        == source_items
    )
    assert OrderItem.objects.filter(order=target).count() == 3
    assert set(Kot.objects.filter(order=target).values_list("id", flat=True)) == {
        k.pk for k in kots
    }
    # totals: 2 x 12.99 + 2 x 12.99 + 4.50, GST 5% per tax
    assert merged.subtotal == Decimal("56.46") and merged.total == Decimal("59.28")
    assert merged.status == "kot"  # it now holds food a kitchen has
    source.refresh_from_db()
    assert source.status == "cancelled" and source.cancel_reason == f"merged into {target.number}"
    assert source.total == Decimal("0") and not source.items.exists()
    assert Table.objects.get(pk=2).status == demo.table_release_status
    assert Table.objects.get(pk=1).status == "occupied"
    assert not Kot.objects.filter(
        kind__in=["void", "cancellation"], order__in=[source, target]
    ).exists()
    cancelled = new_events(mark, "order.cancelled")
    assert sorted(e.stream for e in cancelled) == ["orders.1", "table.2"]
    assert cancelled[0].data["merged_into_order_id"] == target.pk
    updated = new_events(mark, "order.updated")
    assert sorted(e.stream for e in updated) == ["orders.1", "table.1"]
    assert updated[0].data["total"] == 59.28
    assert [e.data["from_status"] for e in new_events(mark, "order.status_changed")] == [
        "draft"
    ] * 2
    notices = new_events(mark, "kot.table_changed")
    assert sorted(e.stream for e in notices) == [
        "expo.1",
        "expo.1",
        "kitchen.1",
        "kitchen.2",
        "orders.1",
        "orders.1",
    ]
    # the source is emptied by the merge: it is no longer ready at the pass
    assert {e.data["from_order_ready"] for e in notices} == {False}
    assert {
        (
            e.data["order_id"],
            e.data["from_order_id"],
            e.data["table_name"],
            e.data["from_table_name"],
            e.data["reason"],
        )
        for e in notices
    } == {(target.pk, source.pk, "T1", "T2", "merge")}


def test_merge_refusals(demo):
    target, source = dine_in(3), dine_in(4)
    with pytest.raises(ValidationFailed):
        merge(target, target)
    waiter2 = staff("waiter2")
    other = order_create(outlet=waiter2.outlet, by=waiter2, order_type_id=1, table_id=13)
    with pytest.raises(ValidationFailed):
        merge(target, other)  # another outlet's order, named by id
    cashier = staff("cashier")
    payments_capture(
        order_id=source.pk,
        outlet=cashier.outlet,
        by=cashier,
        requests=[PaymentRequest(payment_method="cash", amount=Decimal("1.00"))],
    )
    with pytest.raises(Conflict) as caught:
        merge(target, source)
    assert caught.value.code == "order_has_payments"
    billed = dine_in(6)
    kots_sent(billed)
    order_set_status(order_id=billed.pk, outlet=cashier.outlet, by=cashier, status="billed")
    with pytest.raises(Conflict) as caught:
        merge(target, billed)
    assert caught.value.code == "order_billed"
    with pytest.raises(Conflict) as caught:
        merge(billed, dine_in(7))
    assert caught.value.code == "order_billed"
    with pytest.raises(NotFound):
        merge(target, dine_in(8), by="manager2")
    assert Order.objects.get(pk=target.pk).version == target.version


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_opposite_transfers_and_merges_do_not_deadlock(transactional_demo):
    a, b = dine_in(1), dine_in(2)
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def run(fn) -> None:
        barrier.wait()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda: merge(a, b),)),
        threading.Thread(target=run, args=(lambda: merge(b, a),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # one merge wins; the other finds its source or target closed, never a deadlock
    assert len(errors) == 1 and getattr(errors[0], "code", None) == "order_closed", errors
    statuses = sorted(Order.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True))
    assert statuses == ["cancelled", "draft"]
