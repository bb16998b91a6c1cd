"""KOT sending, routing, numbering, the status walk and voids (CONTRACT 5; docs/api.md
"Kitchen (KOT)")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from hub.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hub.models import Event, Kot, KotLine, Order, OrderItem, Outlet, PrintJob, Staff
from hub.services.kitchen import kot_send, kot_set_status
from hub.services.orders import ItemInput, order_cancel, order_create, order_update
from hub.services.payments import PaymentRequest, payments_capture
from tests.concurrency import run_concurrently

D = Decimal
PANEER, BAR_ITEM = 15, 16  # demo: item 15 -> kitchen 1 "Main Kitchen", item 16 -> kitchen 2 "Bar"


@pytest.fixture
def staff(demo):
    return {s.username: s for s in Staff.objects.filter(outlet=demo)}


def dine_in(outlet: Outlet, by: Staff, *, table_id: int = 5, items=((PANEER, 2), (BAR_ITEM, 1))):
    return order_create(
        outlet=outlet,
        by=by,
        order_type_id=1,
        table_id=table_id,
        items=[
            ItemInput(menu_item_id=m, quantity=q, note="no onions" if m == PANEER else None)
            for m, q in items
        ],
    )


def events(stream: str, type_: str) -> list[dict]:
    return list(
        Event.objects.filter(stream=stream, type=type_)
        .order_by("seq")
        .values_list("data", flat=True)
    )


def walk(kot: Kot, outlet: Outlet, by: Staff, *statuses: str) -> Kot:
    for status in statuses:
        kot = kot_set_status(kot_id=kot.pk, outlet=outlet, status=status, by=by)
    return kot


# --- sending ---------------------------------------------------------------------------


@pytest.mark.embedded
def test_items_of_two_kitchens_give_one_kot_per_kitchen_with_only_its_items(demo, staff):
    order = dine_in(demo, staff["waiter"])

    kots = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])

    assert [(k.kitchen_id, k.kind, k.status) for k in kots] == [
        (1, "new", "sent_to_kitchen"),
        (2, "new", "sent_to_kitchen"),
    ]
    main, bar = kots
    assert [
        (ln.order_item.menu_item_id, ln.name, ln.quantity, ln.note) for ln in main.lines.all()
    ] == [(PANEER, "Paneer Tikka", 2, "no onions")]
    assert [ln.order_item.menu_item_id for ln in bar.lines.all()] == [BAR_ITEM]
    numbers = [int(k.number.removeprefix("KOT-")) for k in kots]
    assert all(k.number.startswith("KOT-") and len(k.number) >= 7 for k in kots)
    assert numbers[1] == numbers[0] + 1
    items = {i.menu_item_id: i for i in OrderItem.objects.filter(order=order)}
    assert items[PANEER].status == "sent_to_kitchen" and items[PANEER].kot_id == main.pk
    assert items[BAR_ITEM].status == "sent_to_kitchen" and items[BAR_ITEM].kot_id == bar.pk
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == "kot"
    assert fresh.version == order.version + 1


def test_adding_an_item_and_sending_again_gives_one_addon_kot_with_only_the_new_item(demo, staff):
    order = dine_in(demo, staff["waiter"])
    first = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    sent = list(OrderItem.objects.filter(order=order).order_by("id"))
    order_update(
        order_id=order.pk,
        outlet=demo,
        by=staff["waiter"],
        items=[
            *(ItemInput(id=i.pk, quantity=i.quantity) for i in sent),
            ItemInput(menu_item_id=PANEER, quantity=1, note="extra spicy"),
        ],
    )

    kots = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])

    assert len(kots) == 1
    (addon,) = kots
    assert (addon.kitchen_id, addon.kind) == (1, "addon")
    assert [(ln.quantity, ln.note) for ln in addon.lines.all()] == [(1, "extra spicy")]
    assert addon.number not in {k.number for k in first}
    # the first KOTs keep only what they carried
    assert KotLine.objects.filter(kot=first[0]).count() == 1
    assert Order.objects.get(pk=order.pk).status == "kot"
    # an order.updated (not status_changed) tells POS clients the version moved
    assert (
        events("orders.1", "order.updated")[-1]["version"] == Order.objects.get(pk=order.pk).version
    )


def test_nothing_left_to_send_is_409_and_changes_nothing(demo, staff):
    order = dine_in(demo, staff["waiter"])
    kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    version = Order.objects.get(pk=order.pk).version

    with pytest.raises(Conflict) as refused:
        kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])

    assert refused.value.code == "nothing_to_send"
    assert Order.objects.get(pk=order.pk).version == version
    assert Kot.objects.filter(order=order).count() == 2


def test_an_empty_draft_has_nothing_to_send(demo, staff):
    order = order_create(outlet=demo, by=staff["waiter"], order_type_id=2)
    with pytest.raises(Conflict) as refused:
        kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    assert refused.value.code == "nothing_to_send"
    assert Order.objects.get(pk=order.pk).status == "draft"


def test_a_cancelled_order_sends_nothing(demo, staff):
    order = dine_in(demo, staff["waiter"])
    order_cancel(order_id=order.pk, outlet=demo, by=staff["waiter"], reason="guest left")
    with pytest.raises(Conflict) as refused:
        kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    assert refused.value.code == "order_closed"
    assert not Kot.objects.filter(order=order).exists()


def test_another_outlets_order_is_not_found(demo, staff):
    order = dine_in(demo, staff["waiter"])
    other = Outlet.objects.get(pk=2)
    with pytest.raises(NotFound):
        kot_send(order_id=order.pk, outlet=other, by=Staff.objects.get(username="waiter2"))


def test_a_prepaid_takeaway_is_sent_after_payment_and_stays_paid(demo, staff):
    order = order_create(
        outlet=demo,
        by=staff["cashier"],
        order_type_id=2,
        items=[ItemInput(menu_item_id=PANEER, quantity=1)],
    )
    payments_capture(
        order_id=order.pk,
        outlet=demo,
        by=staff["cashier"],
        requests=[PaymentRequest("cash", order.total)],
    )
    assert Order.objects.get(pk=order.pk).status == "paid"

    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=staff["cashier"])

    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.payment_status) == ("paid", "paid")
    assert kot.kind == "new" and kot.lines.count() == 1
    assert events("orders.1", "order.updated")[-1]["status"] == "paid"


def test_kot_numbers_restart_each_business_day(demo, staff):
    with mock.patch("hub.services.kitchen.outlet_today", return_value=date(2031, 3, 1)):
        day_one = kot_send(
            order_id=dine_in(demo, staff["waiter"]).pk, outlet=demo, by=staff["waiter"]
        )
        more = kot_send(
            order_id=dine_in(demo, staff["waiter"], table_id=6).pk, outlet=demo, by=staff["waiter"]
        )
    with mock.patch("hub.services.kitchen.outlet_today", return_value=date(2031, 3, 2)):
        day_two = kot_send(
            order_id=dine_in(demo, staff["waiter"], table_id=7).pk, outlet=demo, by=staff["waiter"]
        )

    assert [k.number for k in day_one + more] == ["KOT-001", "KOT-002", "KOT-003", "KOT-004"]
    assert [k.number for k in day_two] == ["KOT-001", "KOT-002"]
    assert {k.business_date for k in day_two} == {date(2031, 3, 2)}


def test_kot_created_is_recorded_on_kitchen_table_and_orders_streams_with_the_whole_card(
    demo, staff
):
    order = dine_in(demo, staff["waiter"], table_id=5)
    main, bar = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])

    (on_kitchen,) = events("kitchen.1", "kot.created")
    assert [e["kot_id"] for e in events("kitchen.2", "kot.created")] == [bar.pk]
    assert [e["kot_id"] for e in events("table.5", "kot.created")] == [main.pk, bar.pk]
    assert [e["kot_id"] for e in events("orders.1", "kot.created")] == [main.pk, bar.pk]
    assert on_kitchen == {
        "kot_id": main.pk,
        "kot_number": main.number,
        "kind": "new",
        "status": "sent_to_kitchen",
        "course": 1,
        "kitchen_id": 1,
        "kitchen_name": "Main Kitchen",
        "order_id": order.pk,
        "order_number": order.number,
        "order_type": "dine_in",
        "order_version": Order.objects.get(pk=order.pk).version,
        "table_id": 5,
        "table_name": on_kitchen["table_name"],
        "platform_name": None,  # a till order: no delivery platform
        "platform_order_ref": None,
        "guests": None,
        "waiter_name": staff["waiter"].name,
        "sent_by_name": staff["waiter"].name,
        "created_at": on_kitchen["created_at"],
        "items": [
            {
                "order_item_id": main.lines.get().order_item_id,
                "name": "Paneer Tikka",
                "quantity": 2,
                "note": "no onions",
                "status": "sent_to_kitchen",
                "modifiers": [],
            }
        ],
        # where the ticket may go next, whoever asks (docs/screens.md "Screen state")
        "allowed_statuses": ["in_kitchen"],
        "allowed_item_statuses": ["in_kitchen", "food_ready"],
        "order_ready": False,
    }
    assert on_kitchen["table_name"] and on_kitchen["created_at"].startswith(
        str(main.created_at.year)
    )
    (changed,) = events("table.5", "order.status_changed")
    assert (changed["from_status"], changed["status"]) == ("draft", "kot")


def test_each_new_kot_is_queued_on_its_kitchens_printer_when_the_outlet_auto_prints(demo, staff):
    assert demo.auto_print_kot  # the demo outlet prints KOTs as they are sent
    kots = kot_send(order_id=dine_in(demo, staff["waiter"]).pk, outlet=demo, by=staff["waiter"])
    jobs = PrintJob.objects.filter(kot__in=kots)
    assert sorted(j.kot_id for j in jobs) == sorted(k.pk for k in kots)
    assert {j.reprint for j in jobs} == {0}


def test_no_print_job_when_the_outlet_does_not_auto_print(demo, staff):
    Outlet.objects.filter(pk=demo.pk).update(auto_print_kot=False)
    demo.refresh_from_db()
    kots = kot_send(order_id=dine_in(demo, staff["waiter"]).pk, outlet=demo, by=staff["waiter"])
    assert not PrintJob.objects.filter(kot__in=kots).exists()


# --- status ------------------------------------------------------------------------------


@pytest.mark.embedded
def test_the_full_walk_with_a_recall_moves_the_items_along(demo, staff):
    order = dine_in(demo, staff["waiter"])
    main, _bar = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    item = OrderItem.objects.get(kot=main)
    seen = []
    for status in ("in_kitchen", "food_ready", "in_kitchen", "food_ready", "served"):
        main = kot_set_status(kot_id=main.pk, outlet=demo, status=status, by=staff["chef"])
        item.refresh_from_db()
        seen.append((main.status, item.status))
    assert seen == [
        ("in_kitchen", "in_kitchen"),
        ("food_ready", "food_ready"),
        ("in_kitchen", "in_kitchen"),
        ("food_ready", "food_ready"),
        ("served", "served"),
    ]
    # the bar's item did not move
    assert OrderItem.objects.get(order=order, menu_item_id=BAR_ITEM).status == "sent_to_kitchen"


ALLOWED = {
    "sent_to_kitchen": ["in_kitchen"],
    "in_kitchen": ["food_ready"],
    "food_ready": ["served", "in_kitchen"],
    "served": [],
}
PATH_TO = {
    "sent_to_kitchen": (),
    "in_kitchen": ("in_kitchen",),
    "food_ready": ("in_kitchen", "food_ready"),
    "served": ("in_kitchen", "food_ready", "served"),
}
REFUSED = [
    (current, wanted)
    for current in ALLOWED
    for wanted in ALLOWED
    if wanted != current and wanted not in ALLOWED[current]
]


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_every_other_move_is_refused_with_the_allowed_ones(demo, staff, current, wanted):
    order = dine_in(demo, staff["waiter"], items=((PANEER, 1),))
    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    kot = walk(kot, demo, staff["chef"], *PATH_TO[current])
    before = Event.objects.count()

    with pytest.raises(Conflict) as refused:
        kot_set_status(kot_id=kot.pk, outlet=demo, status=wanted, by=staff["chef"])

    assert refused.value.code == "invalid_transition"
    assert refused.value.extra["allowed"] == ALLOWED[current]
    assert Kot.objects.get(pk=kot.pk).status == current
    assert OrderItem.objects.get(kot=kot).status == current
    assert Event.objects.count() == before


def test_the_same_status_again_is_a_harmless_double_tap(demo, staff):
    (kot,) = kot_send(
        order_id=dine_in(demo, staff["waiter"], items=((PANEER, 1),)).pk,
        outlet=demo,
        by=staff["waiter"],
    )
    walk(kot, demo, staff["chef"], "in_kitchen")
    before = (Event.objects.count(), Order.objects.get(pk=kot.order_id).version)
    kot = kot_set_status(kot_id=kot.pk, outlet=demo, status="in_kitchen", by=staff["chef"])
    assert kot.status == "in_kitchen"
    assert (Event.objects.count(), Order.objects.get(pk=kot.order_id).version) == before


def test_an_unknown_status_is_a_validation_error(demo, staff):
    (kot,) = kot_send(
        order_id=dine_in(demo, staff["waiter"], items=((PANEER, 1),)).pk,
        outlet=demo,
        by=staff["waiter"],
    )
    with pytest.raises(ValidationFailed):
        kot_set_status(kot_id=kot.pk, outlet=demo, status="burnt", by=staff["chef"])


def test_kot_status_changed_is_recorded_on_kitchen_table_and_orders_streams(demo, staff):
    order = dine_in(demo, staff["waiter"], table_id=8, items=((BAR_ITEM, 2),))
    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    version = Order.objects.get(pk=order.pk).version
    kot_set_status(kot_id=kot.pk, outlet=demo, status="in_kitchen", by=staff["bartender"])

    for stream in ("kitchen.2", "table.8", "orders.1"):
        (event,) = events(stream, "kot.status_changed")
        assert event["kot_id"] == kot.pk
        assert (event["from_status"], event["status"]) == ("sent_to_kitchen", "in_kitchen")
        assert event["order_item_ids"] == [OrderItem.objects.get(order=order).pk]
        assert event["order_version"] == version + 1
    assert not events("kitchen.1", "kot.status_changed")
    assert Order.objects.get(pk=order.pk).version == version + 1


def test_a_kitchen_user_moves_only_kots_of_their_kitchens(demo, staff):
    main, bar = kot_send(
        order_id=dine_in(demo, staff["waiter"]).pk, outlet=demo, by=staff["waiter"]
    )
    with pytest.raises(Forbidden):
        kot_set_status(kot_id=bar.pk, outlet=demo, status="in_kitchen", by=staff["chef"])
    with pytest.raises(Forbidden):
        kot_set_status(kot_id=main.pk, outlet=demo, status="in_kitchen", by=staff["bartender"])
    assert (
        Kot.objects.get(pk=main.pk).status == Kot.objects.get(pk=bar.pk).status == "sent_to_kitchen"
    )
    assert (
        kot_set_status(
            kot_id=bar.pk, outlet=demo, status="in_kitchen", by=staff["bartender"]
        ).status
        == "in_kitchen"
    )
    assert (
        kot_set_status(kot_id=main.pk, outlet=demo, status="in_kitchen", by=staff["manager"]).status
        == "in_kitchen"
    )


def test_a_waiter_marks_ready_food_served_but_does_not_cook(demo, staff):
    (kot,) = kot_send(
        order_id=dine_in(demo, staff["waiter"], items=((PANEER, 1),)).pk,
        outlet=demo,
        by=staff["waiter"],
    )
    with pytest.raises(Forbidden):
        kot_set_status(kot_id=kot.pk, outlet=demo, status="in_kitchen", by=staff["waiter"])
    walk(kot, demo, staff["chef"], "in_kitchen", "food_ready")
    kot = kot_set_status(kot_id=kot.pk, outlet=demo, status="served", by=staff["waiter"])
    assert kot.status == "served"


def test_another_outlets_kot_is_not_found(demo, staff):
    (kot,) = kot_send(
        order_id=dine_in(demo, staff["waiter"], items=((PANEER, 1),)).pk,
        outlet=demo,
        by=staff["waiter"],
    )
    with pytest.raises(NotFound):
        kot_set_status(
            kot_id=kot.pk,
            outlet=Outlet.objects.get(pk=2),
            status="in_kitchen",
            by=Staff.objects.get(username="manager2"),
        )


# --- voids and cancellations --------------------------------------------------------------


@pytest.mark.embedded
def test_reducing_a_sent_item_voids_the_difference_with_a_ticket_linked_to_the_kot(demo, staff):
    order = dine_in(demo, staff["waiter"], table_id=9, items=((PANEER, 3),))
    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    item = OrderItem.objects.get(order=order)
    total_before = Order.objects.get(pk=order.pk).total

    order_update(
        order_id=order.pk,
        outlet=demo,
        by=staff["waiter"],
        items=[ItemInput(id=item.pk, quantity=1)],
        void_reason="guest changed mind",
    )

    fresh = Order.objects.get(pk=order.pk)
    void = OrderItem.objects.get(order=order, status="void")
    assert void.quantity == 2 and void.kot_id == kot.pk
    assert OrderItem.objects.get(pk=item.pk).quantity == 1
    assert fresh.subtotal == D("12.99") and fresh.total < total_before
    ticket = Kot.objects.get(order=order, kind="void")
    assert ticket.voids_id == kot.pk and ticket.kitchen_id == 1
    assert [(ln.order_item_id, ln.quantity) for ln in ticket.lines.all()] == [(void.pk, 2)]
    (voided,) = events("kitchen.1", "kot.voided")
    assert voided["voids_kot_id"] == kot.pk and voided["kot_id"] == ticket.pk
    assert events("table.9", "kot.voided")


def test_removing_a_sent_item_leaves_it_void_and_the_kitchen_is_told(demo, staff):
    order = dine_in(demo, staff["waiter"])
    main, bar = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    keep = OrderItem.objects.get(order=order, menu_item_id=PANEER)

    order_update(
        order_id=order.pk,
        outlet=demo,
        by=staff["waiter"],
        items=[ItemInput(id=keep.pk, quantity=keep.quantity)],
    )

    removed = OrderItem.objects.get(order=order, menu_item_id=BAR_ITEM)
    assert removed.status == "void"
    assert Order.objects.get(pk=order.pk).subtotal == D("25.98")
    ticket = Kot.objects.get(order=order, kind="void")
    assert (ticket.kitchen_id, ticket.voids_id) == (2, bar.pk)
    assert [e["kot_id"] for e in events("kitchen.2", "kot.voided")] == [ticket.pk]
    assert not events("kitchen.1", "kot.voided")


def test_a_void_ticket_is_acknowledged_not_cooked_and_leaves_items_void(demo, staff):
    order = dine_in(demo, staff["waiter"], items=((PANEER, 2),))
    kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    item = OrderItem.objects.get(order=order)
    order_update(order_id=order.pk, outlet=demo, by=staff["waiter"], items=[])
    ticket = Kot.objects.get(order=order, kind="void")

    with pytest.raises(Conflict) as refused:
        kot_set_status(kot_id=ticket.pk, outlet=demo, status="in_kitchen", by=staff["chef"])
    assert refused.value.extra["allowed"] == ["served"]
    with pytest.raises(Forbidden):  # taking food back is the kitchen's to acknowledge
        kot_set_status(kot_id=ticket.pk, outlet=demo, status="served", by=staff["waiter"])

    ticket = kot_set_status(kot_id=ticket.pk, outlet=demo, status="served", by=staff["chef"])
    assert ticket.status == "served"
    item.refresh_from_db()
    assert item.status == "void"


def test_a_voided_item_does_not_move_with_its_kot(demo, staff):
    order = dine_in(demo, staff["waiter"], items=((PANEER, 1), (PANEER, 1)))
    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    first, second = OrderItem.objects.filter(order=order).order_by("id")
    order_update(
        order_id=order.pk,
        outlet=demo,
        by=staff["waiter"],
        items=[ItemInput(id=first.pk, quantity=1)],
    )

    kot_set_status(kot_id=kot.pk, outlet=demo, status="in_kitchen", by=staff["chef"])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("in_kitchen", "void")


def test_cancelling_an_order_with_sent_items_gives_each_kitchen_a_cancellation_ticket(demo, staff):
    order = dine_in(demo, staff["waiter"])
    main, bar = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    order_cancel(order_id=order.pk, outlet=demo, by=staff["manager"], reason="kitchen fire")

    tickets = list(Kot.objects.filter(order=order, kind="cancellation").order_by("kitchen_id"))
    assert [(t.kitchen_id, t.voids_id) for t in tickets] == [(1, main.pk), (2, bar.pk)]
    assert [e["kind"] for e in events("kitchen.1", "kot.voided")] == ["cancellation"]
    # numbered from the same daily sequence as the KOTs they take back
    numbers = sorted(int(k.number.removeprefix("KOT-")) for k in Kot.objects.filter(order=order))
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_void_and_cancellation_tickets_print_on_the_kitchen_printer_with_the_whole_card(
    demo, staff
):
    from hub.models import PrintJob

    order = dine_in(demo, staff["waiter"], table_id=10, items=((PANEER, 2), (BAR_ITEM, 1)))
    main, bar = kot_send(order_id=order.pk, outlet=demo, by=staff["waiter"])
    paneer = OrderItem.objects.get(order=order, menu_item_id=PANEER)
    drink = OrderItem.objects.get(order=order, menu_item_id=BAR_ITEM)
    order_update(
        order_id=order.pk,
        outlet=demo,
        by=staff["waiter"],
        items=[ItemInput(id=paneer.pk, quantity=1), ItemInput(id=drink.pk, quantity=1)],
    )
    void = Kot.objects.get(order=order, kind="void")
    order_cancel(order_id=order.pk, outlet=demo, by=staff["manager"], reason="guest left")
    cancellations = list(Kot.objects.filter(order=order, kind="cancellation"))

    printed = PrintJob.objects.filter(kot__order=order)
    assert sorted(printed.values_list("kind", flat=True)) == [
        "cancellation",
        "cancellation",
        "kot",
        "kot",
        "void",
    ]
    assert printed.get(kot=void).printer_id == 1  # the kitchen's printer
    assert {j.kot_id for j in printed.filter(kind="cancellation")} == {k.pk for k in cancellations}
    card = events("kitchen.1", "kot.voided")[0]
    assert (
        card["table_name"] == "T10"
        and card["waiter_name"]
        and card["voids_kot_number"] == main.number
    )


# --- double taps -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_concurrent_sends_send_each_item_once(transactional_demo):
    waiter = Staff.objects.get(username="waiter")
    order = dine_in(transactional_demo, waiter, table_id=11)

    results = run_concurrently(
        lambda i: kot_send(order_id=order.pk, outlet=transactional_demo, by=waiter), 2
    )

    won = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if not isinstance(r, list)]
    assert len(won) == 1 and len(won[0]) == 2
    assert len(lost) == 1 and isinstance(lost[0], Conflict) and lost[0].code == "nothing_to_send"
    for item in OrderItem.objects.filter(order=order):
        assert KotLine.objects.filter(order_item=item).count() == 1
    assert Kot.objects.filter(order=order).count() == 2
    assert (
        len(Event.objects.filter(stream="orders.1", type="kot.created", data__order_id=order.pk))
        == 2
    )
