"""hub/services/tables.py: the host stand's rules and the order services' helpers."""

import pytest

from hub.errors import Conflict, NotFound, ValidationFailed
from hub.models import Event, Order, Outlet, Table
from hub.services.orders import order_cancel
from hub.services.tables import table_release, table_set_status
from tests.given import order_given, pay_in_full, staff


def _events(table_id):
    return list(Event.objects.filter(stream=f"table.{table_id}").order_by("seq"))


@pytest.mark.embedded
def test_walk_in_seating_sets_occupied_with_guests_and_records_event(demo):
    table = table_set_status(table_id=3, outlet=demo, status="occupied", guests=3)
    assert (table.status, table.guests) == ("occupied", 3)
    assert table.status_changed_at is not None
    [event] = _events(3)
    assert event.type == "table.status_changed"
    assert event.data["status"] == "occupied" and event.data["from_status"] == "free"
    assert event.data["order_id"] is None and event.data["guests"] == 3
    floor = Event.objects.get(stream=f"floor.{demo.pk}", type="table.status_changed")
    assert floor.data == event.data


def test_open_order_keeps_table_occupied(demo):
    order = order_given(order_type_id=1, table_id=5, status="kot")
    assert Table.objects.get(pk=5).status == "occupied"
    recorded = _events(5)
    for status in ("free", "reserved", "cleaning"):
        with pytest.raises(Conflict) as info:
            table_set_status(table_id=5, outlet=demo, status=status)
        assert info.value.code == "table_occupied"
        assert info.value.extra["order_id"] == order.pk
    assert Table.objects.get(pk=5).status == "occupied"
    assert _events(5) == recorded


def test_closed_orders_do_not_hold_the_table(demo):
    order_given(order_type_id=1, table_id=6, status="paid")
    order_given(order_type_id=1, table_id=6, status="cancelled")
    Table.objects.filter(pk=6).update(status="occupied")  # the host stand seats a walk-in
    assert table_set_status(table_id=6, outlet=demo, status="free").status == "free"


def test_same_status_again_changes_nothing_and_records_nothing(demo):
    table_set_status(table_id=4, outlet=demo, status="reserved")
    table_set_status(table_id=4, outlet=demo, status="reserved")
    assert len(_events(4)) == 1


def test_leaving_occupied_forgets_the_party_size(demo):
    table_set_status(table_id=7, outlet=demo, status="occupied", guests=5)
    table = table_set_status(table_id=7, outlet=demo, status="cleaning")
    assert table.guests is None


def test_another_outlets_table_is_not_found(demo):
    with pytest.raises(NotFound):
        table_set_status(table_id=13, outlet=demo, status="reserved")  # table 13 is outlet 002's
    assert Table.objects.get(pk=13).status == "free"


@pytest.mark.parametrize("status,guests", [("dirty", None), ("occupied", 0), ("occupied", 100)])
def test_bad_status_or_guests_is_a_validation_error(demo, status, guests):
    with pytest.raises(ValidationFailed):
        table_set_status(table_id=1, outlet=demo, status=status, guests=guests)


def test_occupy_takes_a_reserved_table_and_names_the_order(demo):
    table_set_status(table_id=8, outlet=demo, status="reserved")
    order = order_given(order_type_id=1, table_id=8, guests=4)  # order_create calls table_occupy
    table = Table.objects.get(pk=8)
    assert (table.status, table.guests) == ("occupied", 4)
    last = [e for e in _events(8) if e.type == "table.status_changed"][-1]
    assert last.data["order_id"] == order.pk and last.data["from_status"] == "reserved"


def test_release_follows_the_outlet_setting_and_waits_for_other_orders(demo):
    first = order_given(order_type_id=1, table_id=9)
    second = order_given(order_type_id=1, table_id=10)
    # Two open orders on one table: the services refuse it (table_occupied), so this is
    # the one state built by hand, to show that a table with another open order (rows from
    # before the rule, an admin's edit) is never released under that order.
    Order.objects.filter(pk=second.pk).update(table_id=9)
    pay_in_full(first)  # the payment service closes the order and releases the table
    table = Table.objects.get(pk=9)
    assert table.status == "occupied"  # the second check still runs on it
    manager = staff("manager")
    order_cancel(order_id=second.pk, outlet=demo, by=manager, reason="walked out")
    table.refresh_from_db()
    assert table.status == "cleaning"  # the demo outlet's table_release_status
    assert _events(9)[-1].data["order_id"] == second.pk

    Outlet.objects.filter(pk=demo.pk).update(table_release_status="free")
    demo.refresh_from_db()
    table_set_status(table_id=9, outlet=demo, status="occupied")
    table_release(table=table, outlet=demo)
    assert table.status == "free"
