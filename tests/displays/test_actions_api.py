"""What the caller may do next, as REST says it, is exactly what the hub accepts
(docs/api.md "What the caller may do next", docs/screens.md "Server-decided actions").

For every KOT status (a cooking ticket and a take-back ticket) and every role, each status
`PUT /kot/{id}/status` could be asked for is tried (and rolled back): the KOT's
`allowed_statuses` for that caller lists it iff the hub accepts it. The same for an order's
`allowed_actions` and `allowed_statuses`, over the states an order goes through. And the
screens' way of knowing from an event (its role-independent `allowed_statuses` met with
GET /me's `kot_statuses`) gives the same answer as REST.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from hub.models import Event, Kot, Order, Printer, Staff
from tests.conftest import _client_for

BASE = "/api/v1/pos"
ROLES = ("manager", "cashier", "waiter", "chef", "bartender", "driver")
pytestmark = pytest.mark.postgres


class _Undo(Exception):
    pass


def attempt(client, method: str, path: str, body: dict | None = None):
    """The answer to a request whose change is then rolled back, so every move can be tried
    from the same state."""
    answer = {}
    try:
        with transaction.atomic():
            answer["response"] = getattr(client, method)(f"{BASE}/{path}", body, format="json")
            raise _Undo
    except _Undo:
        pass
    return answer["response"]


def staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def _delivery_order(outlet, *lines):
    """An order every role can read: a delivery assigned to the demo driver."""
    from hub.services.delivery import delivery_assign
    from hub.services.orders import ItemInput, order_create

    order = order_create(
        outlet=outlet,
        by=staff("cashier"),
        order_type_id=3,
        customer_id=10,
        items=[ItemInput(menu_item_id=m, quantity=q) for m, q in lines],
    )
    delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    return order


def _send(outlet, order):
    from hub.services.kitchen import kot_send

    return kot_send(order_id=order.pk, outlet=outlet, by=staff("waiter"))


def _move(outlet, kot, *statuses):
    from hub.services.kitchen import kot_set_status

    for status in statuses:
        kot_set_status(kot_id=kot.pk, outlet=outlet, status=status, by=staff("manager"))


def _cooking_ticket(outlet, *statuses) -> Kot:
    (kot,) = _send(outlet, _delivery_order(outlet, (15, 2)))
    _move(outlet, kot, *statuses)
    return kot


def _cancelled_ticket(outlet) -> Kot:
    from hub.services.orders import order_cancel

    kot = _cooking_ticket(outlet, "in_kitchen")
    order_cancel(order_id=kot.order_id, outlet=outlet, by=staff("manager"), reason="left")
    return kot


def _void_ticket(outlet, *statuses) -> Kot:
    from hub.services.orders import ItemInput, order_update

    (kot,) = _send(outlet, _delivery_order(outlet, (15, 2)))
    item = kot.order.items.get()
    order_update(
        order_id=kot.order_id,
        outlet=outlet,
        by=staff("waiter"),
        items=[ItemInput(id=item.pk, quantity=1)],
    )
    void = Kot.objects.get(voids=kot)
    _move(outlet, void, *statuses)
    return void


KOT_STATES = {
    "new, sent": lambda o: _cooking_ticket(o),
    "new, cooking": lambda o: _cooking_ticket(o, "in_kitchen"),
    "new, ready": lambda o: _cooking_ticket(o, "in_kitchen", "food_ready"),
    "new, recalled": lambda o: _cooking_ticket(o, "in_kitchen", "food_ready", "in_kitchen"),
    "new, served": lambda o: _cooking_ticket(o, "in_kitchen", "food_ready", "served"),
    "new, cancelled": _cancelled_ticket,
    "void, sent": lambda o: _void_ticket(o),
    "void, acknowledged": lambda o: _void_ticket(o, "served"),
}


def _me(client) -> dict:
    return client.get(f"{BASE}/me").json()["data"]


def _kot_as_read_by(client, kot: Kot) -> dict:
    order = client.get(f"{BASE}/orders/{kot.order_id}")
    assert order.status_code == 200, order.content
    (entry,) = [k for k in order.json()["data"]["kots"] if k["id"] == kot.pk]
    return entry


@pytest.mark.parametrize("state", sorted(KOT_STATES))
def test_a_kot_offers_a_status_iff_the_hub_accepts_it_for_every_role(demo, state):
    kot = KOT_STATES[state](demo)
    kot.refresh_from_db()
    last_event = (
        Event.objects.filter(stream="kitchen.1", type__startswith="kot.", data__kot_id=kot.pk)
        .order_by("-id")
        .first()
    )
    for username in ROLES:
        client = _client_for(username)
        offered = _kot_as_read_by(client, kot)["allowed_statuses"]
        if username in ("manager", "cashier", "waiter", "chef"):  # those who read /kot/{id}
            assert client.get(f"{BASE}/kot/{kot.pk}").json()["data"]["allowed_statuses"] == offered
        accepted = []
        for target in Kot.Status.values:
            if target == kot.status:
                continue  # the same status again changes nothing: not a move
            answer = attempt(client, "put", f"kot/{kot.pk}/status", {"status": target})
            if answer.status_code == 200:
                assert answer.json()["data"]["status"] == target
                accepted.append(target)
        assert sorted(offered) == sorted(accepted), (username, offered, accepted)
        # what a screen knows from the event and GET /me is the same answer
        mine = _me(client)["kot_statuses"].get(str(kot.kitchen_id), {}).get(kot.kind, [])
        from_event = [s for s in last_event.data["allowed_statuses"] if s in mine]
        assert from_event == offered, (username, from_event, offered)


def test_the_kot_matrix_is_not_trivial(demo):
    # every role is offered something somewhere, and refused something somewhere
    offered = {role: set() for role in ROLES}
    for make in (KOT_STATES["new, sent"], KOT_STATES["new, ready"], KOT_STATES["void, sent"]):
        kot = make(demo)
        for role in ROLES:
            offered[role] |= set(_kot_as_read_by(_client_for(role), kot)["allowed_statuses"])
    assert offered == {
        "manager": {"in_kitchen", "served"},
        "cashier": set(),
        "waiter": {"served"},
        "chef": {"in_kitchen", "served"},
        "bartender": set(),  # another kitchen's tickets
        "driver": set(),
    }


# --- orders ---------------------------------------------------------------------------


def _order_state(outlet, name: str) -> Order:
    from hub.services.orders import ItemInput, order_cancel, order_set_status, order_update
    from hub.services.payments import PaymentRequest, payments_capture

    def pay(order):
        payments_capture(
            order_id=order.pk,
            outlet=outlet,
            by=staff("cashier"),
            requests=[PaymentRequest("cash", Decimal("100.00"))],
        )

    if name == "draft, empty":
        return _delivery_order(outlet)
    if name.startswith("platform"):
        return _platform_order(outlet, name)
    if name == "kot, course 2 held":  # CONTRACT 13: a later course waits to be fired
        from hub.services.delivery import delivery_assign
        from hub.services.orders import order_create

        order = order_create(
            outlet=outlet,
            by=staff("cashier"),
            order_type_id=3,
            customer_id=10,
            items=[
                ItemInput(menu_item_id=15, quantity=1),
                ItemInput(menu_item_id=6, quantity=1, course=2),
            ],
        )
        delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
        _send(outlet, order)
        return order
    order = _delivery_order(outlet, (15, 1))
    if name == "draft":
        return order
    if name == "paid first, unsent":
        pay(order)
        return order
    if name == "cancelled":
        order_cancel(order_id=order.pk, outlet=outlet, by=staff("cashier"), reason="left")
        return order
    _send(outlet, order)
    if name == "kot, one unsent":
        kept = [ItemInput(id=i.pk, quantity=i.quantity) for i in order.items.all()]
        order_update(
            order_id=order.pk,
            outlet=outlet,
            by=staff("waiter"),
            items=[*kept, ItemInput(menu_item_id=12, quantity=1)],
        )
    elif name == "billed":
        order_set_status(order_id=order.pk, outlet=outlet, by=staff("cashier"), status="billed")
    elif name == "paid":
        pay(order)
    elif name.startswith("kot, split"):
        from hub.services.checks import order_split

        split = order_split(order_id=order.pk, outlet=outlet, by=staff("waiter"), equal=2)
        if name == "kot, split, a check paid":
            first = split.checks.order_by("number").first()
            payments_capture(
                order_id=order.pk,
                outlet=outlet,
                by=staff("cashier"),
                requests=[PaymentRequest("cash", first.total, check_id=first.pk)],
            )
    elif name == "kot, ready":  # a plate at the pass: serve
        _move(outlet, order.kots.get(), "in_kitchen", "food_ready")
    elif name == "kot, no receipt printer":
        Printer.objects.filter(outlet=outlet, role=Printer.Role.RECEIPT).update(
            role=Printer.Role.KITCHEN
        )
    return order


def _platform_order(outlet, name: str) -> Order:
    """A Swiggy order taken in (CONTRACT 16), assigned to the demo driver so every role
    reads it: waiting to be accepted, accepted unpaid (`kot`), or prepaid and so `paid`."""
    from hub.models import PlatformAccount
    from hub.services.delivery import delivery_assign
    from hub.services.platforms import IntakeLine, IntakeOrder, platform_order_intake

    Outlet = type(outlet)
    Outlet.objects.filter(pk=outlet.pk).update(
        auto_accept_platform_orders=name != "platform, waiting"
    )
    account = PlatformAccount.objects.get(platform__code="swiggy", outlet=outlet)
    account.outlet.refresh_from_db()
    prepaid = name != "platform, accepted"
    order = platform_order_intake(
        account=account,
        intake=IntakeOrder(
            platform_order_ref="SWG-" + name.replace(" ", "").replace(",", "-"),
            customer_name="Neha Joshi",
            customer_phone="+91 98450 11111",
            items=[IntakeLine(platform_item_code="SWG-16", quantity=1)],
            prepaid=prepaid,
            amount=Decimal("4.72") if prepaid else None,
        ),
    ).order
    delivery_assign(order_id=order.pk, outlet=outlet, driver_id=1, by=staff("cashier"))
    return order


ORDER_STATES = (
    "draft",
    "draft, empty",
    "kot",
    "kot, one unsent",
    "kot, no receipt printer",
    "kot, split",
    "kot, split, a check paid",
    "kot, course 2 held",
    "kot, ready",
    "billed",
    "paid",
    "paid first, unsent",
    "cancelled",
    "platform, waiting",
    "platform, accepted",
    "platform, paid",
)
ORDER_ROLES = ("manager", "cashier", "waiter", "chef", "driver")


def _try_action(client, order: dict, action: str) -> bool:
    oid = order["id"]
    kept = [{"id": i["id"], "quantity": i["quantity"]} for i in order["items"]]
    unpaid = [c["id"] for c in order["checks"] if c["payment_status"] != "paid"]
    due = {"check_id": unpaid[0]} if unpaid else {}
    request = {
        "send_kot": ("post", f"orders/{oid}/kot", None),
        "update_items": (
            "put",
            f"orders/{oid}",
            {"items": [*kept, {"menu_item_id": 12, "quantity": 1}]},
        ),
        "bill": ("put", f"orders/{oid}/status", {"status": "billed"}),
        # a split order's payment names a check (CONTRACT 12): the first one still due
        "pay": ("post", f"orders/{oid}/payment", {"payment_method": "cash", "amount": 1} | due),
        "cancel": ("post", f"orders/{oid}/cancel", {"reason": "guest left"}),
        "print_bill": ("post", f"orders/{oid}/print-bill", None),
        "split": ("post", f"orders/{oid}/split", {"equal": 2}),
        "unsplit": ("delete", f"orders/{oid}/split", None),
        # fire the course the order says is next (1 when none: already fired, no change)
        "fire": ("post", f"orders/{oid}/fire", {"course": order["course_to_fire"] or 1}),
        "serve": ("post", f"orders/{oid}/serve", None),
        "accept": ("post", f"orders/{oid}/accept", None),
        "reject": ("post", f"orders/{oid}/reject", {"reason": "out of stock"}),
    }[action]
    answer = attempt(client, *request)
    if answer.status_code >= 300:
        return False
    # an action changes something: the same status again (a billed order billed) does not
    data = answer.json()["data"]
    return "version" not in data or data["version"] > order["version"]


@pytest.mark.parametrize("state", ORDER_STATES)
def test_an_order_offers_an_action_iff_the_hub_accepts_it_for_every_role(demo, state):
    from hub.services.order_actions import ORDER_ACTIONS

    order_id = _order_state(demo, state).pk
    for username in ORDER_ROLES:
        client = _client_for(username)
        order = client.get(f"{BASE}/orders/{order_id}").json()["data"]
        accepted = [a for a in ORDER_ACTIONS if _try_action(client, order, a)]
        assert order["allowed_actions"] == accepted, (username, order["status"])
        statuses = [
            target
            for target in Order.Status.values
            if target != order["status"]  # the same status again changes nothing
            and attempt(
                client, "put", f"orders/{order_id}/status", {"status": target, "reason": "test"}
            ).status_code
            == 200
        ]
        assert sorted(order["allowed_statuses"]) == sorted(statuses), (username, order["status"])


def test_a_paid_order_with_an_unsent_item_may_still_send_it(demo):
    # the pay-first counter (docs/api.md "Sending"): what the tablet used to hide
    order_id = _order_state(demo, "paid first, unsent").pk
    order = _client_for("waiter").get(f"{BASE}/orders/{order_id}").json()["data"]
    assert order["status"] == "paid"
    assert "send_kot" in order["allowed_actions"]
    assert "update_items" not in order["allowed_actions"]  # a paid order is closed


def test_every_order_action_is_offered_somewhere_and_refused_somewhere(demo):
    from hub.services.order_actions import ORDER_ACTIONS

    seen: dict[str, set[bool]] = {a: set() for a in ORDER_ACTIONS}
    for state in (
        "draft",
        "kot",
        "billed",
        "cancelled",
        "kot, no receipt printer",
        "kot, split",
        "kot, course 2 held",
        "kot, ready",
        "platform, waiting",
    ):
        order_id = _order_state(demo, state).pk
        for username in ("cashier", "chef"):
            offered = (
                _client_for(username)
                .get(f"{BASE}/orders/{order_id}")
                .json()["data"]["allowed_actions"]
            )
            for action in ORDER_ACTIONS:
                seen[action].add(action in offered)
    assert all(values == {True, False} for values in seen.values()), seen


def test_the_delivery_rows_offer_what_the_hub_accepts(demo):
    order = _delivery_order(demo, (15, 1))
    for username in ("driver", "driver2"):
        rows = _client_for(username).get(f"{BASE}/delivery-drivers/me/orders").json()["data"]
        offered = {r["order_id"]: r["allowed_delivery_statuses"] for r in rows}
        if username == "driver2":
            assert order.pk not in offered  # not theirs
            continue
        accepted = [
            s
            for s in Order.DeliveryStatus.values
            if s != "assigned"
            and attempt(
                _client_for(username),
                "put",
                f"orders/{order.pk}/delivery-status",
                {"status": s, "reason": "not home"},
            ).status_code
            == 200
        ]
        assert sorted(offered[order.pk]) == sorted(accepted) == ["failed", "picked_up"]
        me = _me(_client_for(username))
        event = Event.objects.filter(stream="driver.1", data__order_id=order.pk).latest("id")
        assert [
            s for s in event.data["allowed_delivery_statuses"] if s in me["delivery_statuses"]
        ] == offered[order.pk]
