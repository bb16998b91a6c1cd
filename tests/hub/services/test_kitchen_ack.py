"""The KOT acknowledgement timer (CONTRACT 13; hub/services/kitchen_ack.py): a ticket no
screen of its kitchen drew within kot_ack_seconds prints (once) and raises kot.unseen on
the expo and orders streams, once per KOT, whoever and however many call it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.models import Event, Kot, Outlet, PrintJob, Staff
from hub.services.kitchen import kot_mark_seen, order_fire
from hub.services.kitchen_ack import kots_unseen_handle
from hub.services.orders import ItemInput
from tests.concurrency import run_concurrently
from tests.given import kots_sent, order_given, staff

pytestmark = pytest.mark.embedded


def unseen_events(mark: int) -> list[Event]:
    return list(Event.objects.filter(id__gt=mark, type="kot.unseen").order_by("id"))


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def later(seconds: int) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=seconds)


def test_an_unseen_ticket_is_raised_once_on_expo_and_orders_and_not_printed_twice(demo):
    (kot,) = kots_sent(order_given())
    assert PrintJob.objects.filter(kot=kot).count() == 1  # auto-printed when sent
    mark = last_event_id()
    assert kots_unseen_handle(now=later(29)) == []  # within kot_ack_seconds (30)
    assert kots_unseen_handle(now=later(31)) == [kot.pk]
    events = unseen_events(mark)
    assert sorted(e.stream for e in events) == ["expo.1", "orders.1"]
    assert events[0].data["kot_id"] == kot.pk and events[0].data["printed"] is True
    assert PrintJob.objects.filter(kot=kot).count() == 1  # it was printed already
    assert Kot.objects.get(pk=kot.pk).unseen_at is not None
    assert kots_unseen_handle(now=later(120)) == []  # once per KOT
    assert len(unseen_events(mark)) == 2


def test_a_ticket_not_printed_yet_is_printed_by_the_timer(demo):
    Outlet.objects.filter(pk=1).update(auto_print_kot=False)
    (kot,) = kots_sent(order_given())
    assert not PrintJob.objects.filter(kot=kot).exists()
    kots_unseen_handle(now=later(31))
    assert PrintJob.objects.filter(kot=kot, reprint=0).count() == 1


def test_a_seen_ticket_a_started_one_and_a_held_one_are_left_alone(demo):
    (seen,) = kots_sent(order_given())
    assert kot_mark_seen(kot_id=seen.pk, kitchen_id=seen.kitchen_id, outlet_id=1)
    assert not kot_mark_seen(kot_id=seen.pk, kitchen_id=seen.kitchen_id, outlet_id=1)  # once
    assert not kot_mark_seen(kot_id=seen.pk, kitchen_id=2, outlet_id=1)  # not the bar's
    order = order_given(items=[ItemInput(menu_item_id=15, quantity=1, course=2)])
    (held,) = kots_sent(order)
    assert held.status == "held"
    assert not kot_mark_seen(kot_id=held.pk, kitchen_id=held.kitchen_id, outlet_id=1)
    assert kots_unseen_handle(now=later(3600)) == []
    # fired: it goes live now, and the timer counts from then
    order_fire(order_id=order.pk, outlet=demo, course=2, by=staff("waiter"))
    assert kots_unseen_handle(now=later(10)) == []
    assert kots_unseen_handle(now=later(31)) == [held.pk]


def test_zero_seconds_turns_the_timer_off(demo):
    Outlet.objects.filter(pk=1).update(kot_ack_seconds=0)
    kots_sent(order_given())
    assert kots_unseen_handle(now=later(3600)) == []


def test_the_command_runs_one_round(demo, capsys):
    (kot,) = kots_sent(order_given())
    Kot.objects.filter(pk=kot.pk).update(sent_at=timezone.now() - timedelta(seconds=60))
    call_command("kot_ack_check")
    assert f"unseen KOTs handled: 1 [{kot.pk}]" in capsys.readouterr().out


@pytest.mark.postgres
def test_several_timers_at_once_handle_each_ticket_once(transactional_demo):
    Outlet.objects.filter(pk=1).update(auto_print_kot=False)
    kots = [kots_sent(order_given())[0] for _ in range(3)]
    mark = last_event_id()
    results = run_concurrently(lambda i: kots_unseen_handle(now=later(31)), 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    handled = sorted(k for r in results for k in r)
    assert handled == sorted(k.pk for k in kots)  # each by exactly one caller
    assert len(unseen_events(mark)) == 2 * len(kots)
    for kot in kots:
        assert PrintJob.objects.filter(kot=kot).count() == 1
    assert Staff.objects.exists()
