"""Applying the events equals fetching afresh, for every screen and every event type
(Zulip's verify_action; docs/screens.md "How the tests work").

For each event type of the registry there is a scenario below that drives the real
services. Each screen (the kitchen display as a cook and as a waiter, the bar's display,
the waiter tablet's floor, a driver's phone, a POS terminal's orders) first loads its state
over REST as it does on the page; the scenario runs; then the screen's own state functions
(displays/static/displays/js/state.js, run under node by tests/screens/run_reducers.js)
apply every event the services recorded on the screen's streams, and the view of that
state (what the screen draws) must equal the view of a fresh REST load. A screen on two
streams must get there whichever stream's events come first. And the scenario must
matter: leaving out the events of its type must change what some screen that draws that
type shows. Types no screen draws are declared, with the reason, in state.js (`undrawn`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from hub.events.registry import REGISTRY
from hub.models import Event, Order, Outlet, Printer, PrintJob, Staff
from tests.conftest import _client_for

RUNNER = Path(__file__).with_name("run_reducers.js")
NODE = shutil.which("node") or "/usr/bin/node"
BASE = "/api/v1/pos"


def node(payload: dict) -> dict:
    done = subprocess.run(
        [NODE, str(RUNNER)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


# --- the screens -------------------------------------------------------------------------


def _all(client, path: str) -> list[dict]:
    """Every page of a list, as the screens' Hub.apiAll reads it."""
    rows, page = [], 1
    sep = "&" if "?" in path else "?"
    while True:
        body = client.get(f"{BASE}/{path}{sep}per_page=100&page={page}").json()
        assert body["success"], body
        rows += body["data"]
        if len(rows) >= body["meta"]["total"] or not body["data"]:
            return rows
        page += 1


def _get(client, path: str):
    body = client.get(f"{BASE}/{path}").json()
    assert body["success"], body
    return body["data"]


def _floor(client, me: dict) -> dict:
    # what waiter.js loads: the tables, each kitchen's ready tickets, the menu, the pass
    ready = []
    for kitchen in me["kitchens"]:
        ready += _all(client, f"kitchens/{kitchen['id']}/kots?status=food_ready")
    return {
        "tables": _all(client, "tables"),
        "ready": ready,
        "menu": _get(client, "menu"),
        "expo": _all(client, "expo"),
    }


@dataclass
class Screen:
    reducer: str
    username: str
    streams: list[str]
    load: Callable[[object, dict], dict]
    ctx: dict = field(default_factory=dict)
    # parts a reducer may reload when an event does not carry enough to draw it
    may_reload: tuple[str, ...] = ()


SCREENS = {
    "kitchen 1 (chef)": Screen(
        "kitchen",
        "chef",
        ["kitchen.1"],
        lambda c, me: {"kots": _all(c, "kitchens/1/kots")},
        {"kitchenId": 1},
    ),
    "kitchen 1 (waiter)": Screen(
        "kitchen",
        "waiter",
        ["kitchen.1"],
        lambda c, me: {"kots": _all(c, "kitchens/1/kots")},
        {"kitchenId": 1},
    ),
    "bar (bartender)": Screen(
        "kitchen",
        "bartender",
        ["kitchen.2"],
        lambda c, me: {"kots": _all(c, "kitchens/2/kots")},
        {"kitchenId": 2},
    ),
    "floor (waiter)": Screen(
        "floor", "waiter", ["floor.1", "orders.1"], _floor, may_reload=("menu",)
    ),
    "driver 1": Screen(
        "driver",
        "driver",
        ["driver.1"],
        lambda c, me: {"deliveries": _all(c, "delivery-drivers/me/orders?scope=today")},
        may_reload=("deliveries",),
    ),
    "orders (cashier)": Screen(
        "orders", "cashier", ["orders.1"], lambda c, me: {"orders": _all(c, "orders")}
    ),
    "expo (waiter)": Screen(
        "expo", "waiter", ["expo.1"], lambda c, me: {"orders": _all(c, "expo")}
    ),
    "expo (chef)": Screen("expo", "chef", ["expo.1"], lambda c, me: {"orders": _all(c, "expo")}),
}


# --- scenarios ---------------------------------------------------------------------------


def _items(*lines):
    from hub.services.orders import ItemInput

    return [ItemInput(menu_item_id=m, quantity=q) for m, q in lines]


def dine_in(outlet: Outlet, table_id: int, *lines, by: str = "waiter"):
    from hub.services.orders import order_create

    return order_create(
        outlet=outlet,
        by=staff(by),
        order_type_id=1,
        table_id=table_id,
        items=_items(*(lines or ((15, 2),))),
    )


def send(outlet, order):
    from hub.services.kitchen import kot_send

    return kot_send(order_id=order.pk, outlet=outlet, by=staff("waiter"))


def move(outlet, kot, *statuses, by: str = "chef"):
    from hub.services.kitchen import kot_set_status

    for status in statuses:
        kot_set_status(kot_id=kot.pk, outlet=outlet, status=status, by=staff(by))


def pay(outlet, order, amount: str, method: str = "cash"):
    from hub.services.payments import PaymentRequest, payments_capture

    return payments_capture(
        order_id=order.pk,
        outlet=outlet,
        by=staff("cashier"),
        requests=[PaymentRequest(method, Decimal(amount))],
    )


def two_courses(outlet, table_id: int):
    """A starter now and a main and a chai held for course 2, sent."""
    from hub.services.orders import ItemInput, order_create

    order = order_create(
        outlet=outlet,
        by=staff("waiter"),
        order_type_id=1,
        table_id=table_id,
        items=[
            ItemInput(menu_item_id=15, quantity=1),
            ItemInput(menu_item_id=6, quantity=1, course=2),
            ItemInput(menu_item_id=16, quantity=1, course=2),
        ],
    )
    return order, send(outlet, order)


def delivery_order(outlet):
    from hub.services.orders import order_create

    return order_create(
        outlet=outlet, by=staff("cashier"), order_type_id=3, customer_id=10, items=_items((15, 1))
    )


def background(outlet):
    """What is already going on before each scenario: tickets cooking and ready, a table
    occupied, a delivery on the road. The screens load this first, and every event of the
    scenario is applied on top of it."""
    from hub.services.delivery import delivery_assign, delivery_set_status

    cooking = dine_in(outlet, 2, (15, 1), (16, 1))
    main, _bar = send(outlet, cooking)
    move(outlet, main, "in_kitchen")
    ready = dine_in(outlet, 9, (12, 2))
    (ready_kot,) = send(outlet, ready)
    move(outlet, ready_kot, "in_kitchen", "food_ready")
    two_courses(outlet, 10)  # a course held in two kitchens
    on_road = delivery_order(outlet)
    send(outlet, on_road)
    delivery_assign(order_id=on_road.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    delivery_set_status(order_id=on_road.pk, outlet=outlet, status="picked_up", by=staff("driver"))


def scenario_order_created(outlet):
    dine_in(outlet, 3, (15, 2), (16, 1))


def scenario_order_updated(outlet):
    from hub.services.orders import order_apply_discount, order_update

    order = dine_in(outlet, 3, (15, 2))
    send(outlet, order)
    order_update(order_id=order.pk, outlet=outlet, by=staff("waiter"), notes="no onions")
    order_apply_discount(
        order_id=order.pk,
        outlet=outlet,
        by=staff("manager"),
        discount_type="percent",
        discount_value=Decimal("10"),
    )


def scenario_order_status_changed(outlet):
    from hub.services.orders import order_set_status

    order = dine_in(outlet, 3, (15, 1))
    (kot,) = send(outlet, order)  # draft -> kot
    move(outlet, kot, "in_kitchen", "food_ready")
    move(outlet, kot, "served", by="waiter")
    order_set_status(order_id=order.pk, outlet=outlet, by=staff("cashier"), status="billed")
    pay(outlet, order, "100.00")  # billed -> paid, the table released


def scenario_order_cancelled(outlet):
    from hub.services.orders import order_cancel

    order = dine_in(outlet, 3, (15, 2), (16, 1))
    main, _bar = send(outlet, order)
    move(outlet, main, "in_kitchen", "food_ready")  # a ready plate: an alert on the floor
    order_cancel(order_id=order.pk, outlet=outlet, by=staff("waiter"), reason="guest left")


def scenario_order_split(outlet):
    from hub.services.checks import CheckPart, order_split, order_unsplit
    from hub.services.payments import PaymentRequest, payments_capture

    order = dine_in(outlet, 3, (15, 2), (16, 1))
    send(outlet, order)
    halves = order_split(order_id=order.pk, outlet=outlet, by=staff("waiter"), equal=2)
    first = halves.checks.order_by("number").first()
    payments_capture(  # a check paid: the order stays open, its payment status partial
        order_id=order.pk,
        outlet=outlet,
        by=staff("cashier"),
        requests=[PaymentRequest("cash", first.total, check_id=first.pk)],
    )
    other = dine_in(outlet, 4, (15, 1), (16, 2))
    paneer, chai = other.items.order_by("id")
    order_split(
        order_id=other.pk,
        outlet=outlet,
        by=staff("waiter"),
        checks=[[CheckPart(paneer.pk, 1)], [CheckPart(chai.pk, 2)]],
    )
    order_unsplit(order_id=other.pk, outlet=outlet, by=staff("waiter"))


def scenario_kot_created(outlet):
    from hub.services.order_lines import ModifierInput
    from hub.services.orders import ItemInput, order_update

    order = dine_in(outlet, 3, (15, 2), (16, 1))
    send(outlet, order)
    kept = [ItemInput(id=i.pk, quantity=i.quantity) for i in order.items.order_by("id")]
    # with options (CONTRACT 11): two Full biryanis, a Half, a paneer with two extras
    chosen = [
        ItemInput(menu_item_id=11, quantity=2, modifiers=(ModifierInput(4),)),
        ItemInput(menu_item_id=11, quantity=1, modifiers=(ModifierInput(3),)),
        ItemInput(menu_item_id=15, quantity=1, modifiers=(ModifierInput(1), ModifierInput(2))),
    ]
    order_update(
        order_id=order.pk, outlet=outlet, by=staff("waiter"), items=kept + _items((12, 1)) + chosen
    )
    send(outlet, order)  # an add-on
    _platform_order(outlet, "SWG-7001")  # a Swiggy order: its tickets say "SWIGGY #SWG-7001"


def _platform_order(outlet, ref: str, amount: str | None = None):
    """A Swiggy order taken in and auto-accepted (CONTRACT 16): its KOTs are sent; with
    `amount` a prepaid masala chai (4.72 with GST: paid at once), else a paneer and a chai."""
    from hub.models import PlatformAccount
    from hub.services.platforms import IntakeLine, IntakeOrder, platform_order_intake

    account = PlatformAccount.objects.get(platform__code="swiggy", outlet=outlet)
    return platform_order_intake(
        account=account,
        intake=IntakeOrder(
            platform_order_ref=ref,
            customer_name="Neha Joshi",
            customer_phone="+91 98450 11111",
            items=[IntakeLine("SWG-16", 1)]
            if amount
            else [IntakeLine("SWG-15", 1), IntakeLine("SWG-16", 1)],
            prepaid=amount is not None,
            amount=Decimal(amount) if amount else None,
        ),
    ).order


def scenario_kot_status_changed(outlet):
    scenario_kot_fired_and_served(outlet)
    order = dine_in(outlet, 5, (15, 1))
    (kot,) = send(outlet, order)
    move(outlet, kot, "in_kitchen", "food_ready", "in_kitchen", "food_ready")  # a recall
    other = dine_in(outlet, 4, (15, 1))
    (served,) = send(outlet, other)
    move(outlet, served, "in_kitchen", "food_ready")
    move(outlet, served, "served", by="waiter")


def scenario_kot_fired_and_served(outlet):
    from hub.services.kitchen import order_fire, order_serve

    order, kots = two_courses(outlet, 3)
    starter = next(k for k in kots if k.status == "sent_to_kitchen")
    move(outlet, starter, "in_kitchen", "food_ready")  # ready at the pass: course 2 is held
    order_serve(order_id=order.pk, outlet=outlet, by=staff("waiter"))
    order_fire(order_id=order.pk, outlet=outlet, course=2, by=staff("waiter"))


def scenario_kot_item_status_changed(outlet):
    from hub.services.kitchen import kot_item_set_status

    order = dine_in(outlet, 3, (15, 1), (12, 2))
    (kot,) = send(outlet, order)
    paneer, naan = order.items.order_by("id")
    for item, status in ((paneer, "food_ready"), (naan, "in_kitchen"), (naan, "food_ready")):
        kot_item_set_status(
            kot_id=kot.pk, item_id=item.pk, outlet=outlet, status=status, by=staff("chef")
        )
    # a ready line recalled: the ticket goes back to cooking
    kot_item_set_status(
        kot_id=kot.pk, item_id=paneer.pk, outlet=outlet, status="in_kitchen", by=staff("manager")
    )


def scenario_kot_unseen(outlet):
    from datetime import timedelta

    from django.utils import timezone

    from hub.services.kitchen_ack import kots_unseen_handle

    send(outlet, dine_in(outlet, 3, (15, 1), (16, 1)))
    kots_unseen_handle(now=timezone.now() + timedelta(seconds=outlet.kot_ack_seconds + 1))


def scenario_kot_voided(outlet):
    from hub.services.orders import ItemInput, order_update

    order = dine_in(outlet, 3, (15, 3), (16, 1))
    main, _bar = send(outlet, order)
    move(outlet, main, "in_kitchen")
    paneer, _chai = order.items.order_by("id")
    # 3 paneer become 1 (a void ticket for 2 on the kitchen), the chai goes (on the bar)
    order_update(
        order_id=order.pk,
        outlet=outlet,
        by=staff("waiter"),
        items=[ItemInput(id=paneer.pk, quantity=1)],
        void_reason="changed mind",
    )


def scenario_kot_table_changed(outlet):
    from hub.services.table_moves import order_merge, order_transfer_table

    moved = dine_in(outlet, 3, (15, 1), (16, 1))
    main, _bar = send(outlet, moved)
    move(outlet, main, "in_kitchen", "food_ready")  # its ready alert follows it
    order_transfer_table(order_id=moved.pk, outlet=outlet, table_id=4, by=staff("waiter"))
    source = dine_in(outlet, 5, (12, 1))
    (kot,) = send(outlet, source)
    move(outlet, kot, "in_kitchen", "food_ready")
    order_merge(order_id=moved.pk, outlet=outlet, source_order_id=source.pk, by=staff("waiter"))


def scenario_payment_received(outlet):
    from hub.services.orders import order_create

    counter = order_create(
        outlet=outlet, by=staff("cashier"), order_type_id=2, items=_items((15, 1))
    )
    pay(outlet, counter, "5.00")  # part of it
    paid_first = dine_in(outlet, 3, (15, 1))
    pay(outlet, paid_first, "100.00")  # a pay-first table: paid with nothing sent
    send(outlet, paid_first)


def scenario_payment_refunded_platform(outlet):
    """The platform cancels its paid order: the prepayment refunded, the order cancelled."""
    from hub.models import PlatformAccount
    from hub.services.platforms import platform_order_cancel

    assert _platform_order(outlet, "SWG-7002", amount="4.72").status == "paid"
    account = PlatformAccount.objects.get(platform__code="swiggy", outlet=outlet)
    platform_order_cancel(account=account, ref="SWG-7002", reason="Guest cancelled")


def scenario_payment_refunded(outlet):
    from hub.services.orders import order_create
    from hub.services.payments import payment_refund

    order = order_create(outlet=outlet, by=staff("cashier"), order_type_id=2, items=_items((15, 1)))
    outcome = pay(outlet, order, "5.00", method="card")
    payment_refund(
        order_id=order.pk,
        outlet=outlet,
        payment_id=outcome.payments[0].pk,
        amount=Decimal("1.00"),
        reason="cold food",
        by=staff("manager"),
    )
    scenario_payment_refunded_platform(outlet)


def scenario_table_status_changed(outlet):
    from hub.services.tables import table_set_status

    table_set_status(table_id=5, outlet=outlet, status="reserved", by=staff("waiter"))
    # a walk-in seated before the order is typed: the order's table event changes nothing
    table_set_status(table_id=6, outlet=outlet, status="occupied", guests=3, by=staff("waiter"))
    dine_in(outlet, 6, (15, 1))
    table_set_status(table_id=8, outlet=outlet, status="cleaning", by=staff("waiter"))
    table_set_status(table_id=8, outlet=outlet, status="free", by=staff("waiter"))


def scenario_delivery_assigned(outlet):
    from hub.services.delivery import delivery_assign

    order = delivery_order(outlet)
    delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    other = delivery_order(outlet)
    delivery_assign(order_id=other.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    # given to another driver: it leaves this driver's phone
    delivery_assign(order_id=other.pk, outlet=outlet, driver_id=2, by=staff("cashier"))


def scenario_delivery_status_changed(outlet):
    from hub.services.delivery import delivery_assign, delivery_set_status

    order = delivery_order(outlet)
    delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    other = delivery_order(outlet)
    delivery_assign(order_id=other.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    on_road = Order.objects.get(driver_id=1, delivery_status="picked_up")  # the background's
    for status in ("picked_up", "out_for_delivery", "delivered"):
        delivery_set_status(order_id=order.pk, outlet=outlet, status=status, by=staff("driver"))
    delivery_set_status(
        order_id=other.pk, outlet=outlet, status="failed", reason="not home", by=staff("driver")
    )
    delivery_set_status(
        order_id=on_road.pk, outlet=outlet, status="out_for_delivery", by=staff("driver")
    )


def scenario_print_job(outlet):
    Printer.objects.filter(pk=1).update(connection=Printer.Connection.AGENT)
    send(outlet, dine_in(outlet, 3))  # the kitchen printer prints the KOT by itself


def scenario_print_job_status(outlet):
    from hub.services.printing import print_job_ack

    scenario_print_job(outlet)
    job = PrintJob.objects.filter(printer_id=1).latest("id")
    print_job_ack(printer_id=1, job_id=job.pk, status="printed", by=staff("cashier"))


def scenario_menu_item_availability(outlet):
    from hub.services.menu import menu_item_set_availability

    menu_item_set_availability(item_id=15, outlet=outlet, is_available=False, by=staff("chef"))
    menu_item_set_availability(item_id=12, outlet=outlet, is_available=False, by=staff("cashier"))
    menu_item_set_availability(item_id=12, outlet=outlet, is_available=True, by=staff("cashier"))


def scenario_menu_option_availability(outlet):
    from hub.services.menu import modifier_option_set_availability

    # no more Full plates (the chef), the mint chutney gone and back (the cashier)
    modifier_option_set_availability(
        option_id=4, outlet=outlet, is_available=False, by=staff("chef")
    )
    modifier_option_set_availability(
        option_id=2, outlet=outlet, is_available=False, by=staff("cashier")
    )
    modifier_option_set_availability(
        option_id=2, outlet=outlet, is_available=True, by=staff("cashier")
    )


def scenario_menu_item_changed(outlet):
    from hub.services.menu import menu_item_update

    menu_item_update(item_id=15, outlet=outlet, by=staff("manager"), price="13.49", kitchen_id=2)
    # moved in the menu: the tablet reloads its menu rather than guessing the place
    menu_item_update(item_id=16, outlet=outlet, by=staff("manager"), sort_order=1)
    # a group and an option edited (the admin): the event has no groups, so a reload too
    from hub.services.menu import modifier_group_save, modifier_option_save

    modifier_group_save(
        outlet=outlet,
        by=staff("manager"),
        menu_item_id=11,
        group_id=2,
        name="Plate",
        min_choices=1,
        max_choices=1,
        sort_order=2,
    )
    modifier_option_save(
        outlet=outlet, by=staff("manager"), group_id=2, option_id=4, name="Full", price="6.50"
    )


def scenario_shift_opened(outlet):
    from hub.services.shifts import shift_open

    shift_open(outlet=outlet, by=staff("cashier"), opening_float=Decimal("500"))


def scenario_shift_closed(outlet):
    from hub.services.shifts import shift_close

    scenario_shift_opened(outlet)
    shift_close(outlet=outlet, by=staff("cashier"), counted_cash=Decimal("500"))


def scenario_webhook_disabled(outlet):
    from tests.realtime.test_event_schemas import scenario_webhook_disabled as disable

    disable(outlet)


SCENARIOS: dict[str, Callable[[Outlet], object]] = {
    "order.created": scenario_order_created,
    "order.updated": scenario_order_updated,
    "order.status_changed": scenario_order_status_changed,
    "order.cancelled": scenario_order_cancelled,
    "order.split": scenario_order_split,
    "kot.created": scenario_kot_created,
    "kot.status_changed": scenario_kot_status_changed,
    "kot.voided": scenario_kot_voided,
    "kot.table_changed": scenario_kot_table_changed,
    "kot.item_status_changed": scenario_kot_item_status_changed,
    "kot.unseen": scenario_kot_unseen,
    "payment.received": scenario_payment_received,
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


# --- the checks --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def described() -> dict:
    return node({"describe": True})


def missing_scenarios(registry_types, scenarios) -> list[str]:
    return sorted(set(registry_types) - set(scenarios))


def test_every_event_type_has_a_scenario():
    assert missing_scenarios(REGISTRY, SCENARIOS) == [], "add a scenario to SCENARIOS"
    assert sorted(set(SCENARIOS) - set(REGISTRY)) == [], "a scenario for no registry type"


def test_the_scenario_check_fails_for_a_type_without_one():
    # the check above is not vacuous: a registry with one more type fails it
    assert missing_scenarios([*REGISTRY, "order.refunded"], SCENARIOS) == ["order.refunded"]


def test_every_event_type_is_drawn_by_a_screen_or_declared_undrawn(described):
    drawn = {t for types in described["reducers"].values() for t in types}
    undrawn = described["undrawn"]
    assert drawn | set(undrawn) == set(REGISTRY), "declare it in state.js `undrawn` or draw it"
    assert drawn.isdisjoint(undrawn), drawn & set(undrawn)
    assert all(len(reason) > 20 for reason in undrawn.values()), undrawn


def _wire(event: Event) -> dict:
    return {
        "type": event.type,
        "stream": event.stream,
        "seq": event.seq,
        "at": event.created_at.isoformat(),
        "data": event.data,
    }


def _snapshot(clients: dict, mes: dict, names=SCREENS) -> dict:
    return {name: SCREENS[name].load(clients[name], mes[name]) for name in names}


@contextlib.contextmanager
def snapshots_after_each_change(take: Callable[[], dict]) -> Iterator[list]:
    """[(last event id, take())] right after each change wrote its events (a service's
    events are its last statements), for the screens that reload a part when an event
    does not carry enough: they reload at once, so they read the state of that moment."""
    from hub.events import outbox

    write, taken = outbox._write, []

    def write_and_look(pending):
        rows = write(pending)
        if rows:
            taken.append((max(row.pk for row in rows), take()))
        return rows

    outbox._write = write_and_look
    try:
        yield taken
    finally:
        outbox._write = write


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_applying_the_events_gives_what_a_fresh_load_shows(demo, described, type_name):
    scenario = SCENARIOS.get(type_name)
    assert scenario is not None, f"no scenario for {type_name}: add one to SCENARIOS"
    background(demo)
    clients = {name: _client_for(SCREENS[name].username) for name in SCREENS}
    mes = {name: _get(clients[name], "me") for name in SCREENS}
    before = _snapshot(clients, mes)
    mark = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    reloading = [name for name in SCREENS if SCREENS[name].may_reload]
    with snapshots_after_each_change(lambda: _snapshot(clients, mes, reloading)) as changes:
        scenario(demo)

    recorded = list(Event.objects.filter(id__gt=mark).order_by("id"))
    change_of = {
        e.pk: next(i for i, (last, _) in enumerate(changes) if e.pk <= last) for e in recorded
    }
    assert type_name in {e.type for e in recorded}, f"the scenario recorded no {type_name}"
    after = _snapshot(clients, mes)
    runs = []
    for name, screen in SCREENS.items():
        events = [
            {**_wire(e), "change": change_of[e.pk]} for e in recorded if e.stream in screen.streams
        ]
        runs.append(
            {
                "reducer": screen.reducer,
                "ctx": {**screen.ctx, "me": mes[name]},
                "before": before[name],
                "after": after[name],
                "events": events,
                "snapshots": [snap.get(name) for _, snap in changes],
                "leave_out": type_name,
            }
        )
    results = dict(zip(SCREENS, node({"runs": runs})["runs"], strict=True))

    for name, result in results.items():
        for ordering, applied in result["applied"].items():
            assert applied == result["fresh"], f"{name}, events {ordering}"
        assert set(result["needs"]) <= set(SCREENS[name].may_reload), (name, result["needs"])

    drawing = [n for n in SCREENS if type_name in described["reducers"][SCREENS[n].reducer]]
    if type_name in described["undrawn"]:
        assert drawing == []
    else:
        # the events of this type matter: without them some screen drawing it is wrong
        assert any(results[n]["without"] != results[n]["fresh"] for n in drawing), (
            f"leaving out {type_name} changes no screen: the scenario does not exercise it"
        )
    # not an empty comparison: the screens had something to show
    assert results["kitchen 1 (chef)"]["fresh"] and results["orders (cashier)"]["fresh"]
