"""hub/services/orders.py: create, update (voids), status lifecycle, cancel, discounts, events."""

from decimal import Decimal

import pytest

from hub.errors import BusinessRuleViolation, Conflict, DomainError, Forbidden, ValidationFailed
from hub.models import Coupon, Event, Kot, MenuItem, Order, OrderItem, Outlet, Staff, Table
from hub.services import orders as svc
from hub.services.coupons import coupon_evaluate, coupon_usage_count
from hub.services.orders import ItemInput
from hub.services.payments import PaymentRequest, payments_capture
from tests.given import kots_sent

D = Decimal
PANEER = ItemInput(menu_item_id=15, quantity=2, price=D("12.99"), note="No onions")
CHAI = ItemInput(menu_item_id=16, quantity=1)


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def create(by="cashier", **kwargs) -> Order:
    person = staff(by)
    kwargs.setdefault("order_type_id", 2)
    kwargs.setdefault("items", [PANEER])
    return svc.order_create(outlet=person.outlet, by=person, **kwargs)


def events(type_: str, order_id: int | None = None) -> list[Event]:
    rows = Event.objects.filter(type=type_).order_by("id")
    if order_id is not None:
        rows = [e for e in rows if e.data.get("order_id") == order_id]
    return list(rows)


def lines(order: Order) -> list[tuple]:
    return [
        (i.menu_item_id, i.quantity, i.status)
        for i in OrderItem.objects.filter(order=order).order_by("id")
    ]


@pytest.mark.embedded
def test_reference_order_prices_and_occupies_its_table(demo):
    order = create(
        order_type_id=1, table_id=5, customer_id=10, discount_type="percent", discount_value=D("10")
    )
    assert order.number.startswith("ORD-001-") and order.status == "draft" and order.version == 1
    assert (order.subtotal, order.discount_amount, order.tax_total, order.total) == (
        D("25.98"),
        D("2.60"),
        D("1.16"),
        D("24.54"),
    )
    assert order.taxes == [
        {"name": "CGST", "rate": "2.5", "amount": "0.58"},
        {"name": "SGST", "rate": "2.5", "amount": "0.58"},
    ]
    assert Table.objects.get(pk=5).status == "occupied"
    created = events("order.created", order.pk)
    assert sorted(e.stream for e in created) == ["orders.1", "table.5"]
    assert created[0].data["total"] == 24.54 and created[0].data["table_id"] == 5
    table_events = [e for e in events("table.status_changed") if e.data["table_id"] == 5]
    assert sorted(e.stream for e in table_events) == ["floor.1", "table.5"]


def test_order_numbers_increase_per_outlet(demo):
    first, second = create(), create()
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1
    other = create(by="manager2", items=[ItemInput(menu_item_id=31, quantity=1)])
    assert other.number.startswith("ORD-002-")


def test_dine_in_needs_a_table_of_this_outlet_without_an_open_order(demo):
    with pytest.raises(ValidationFailed) as missing:
        create(order_type_id=1)
    assert "table_id" in missing.value.fields
    with pytest.raises(ValidationFailed):
        create(order_type_id=1, table_id=13)  # table of outlet 002
    create(order_type_id=1, table_id=3)
    with pytest.raises(Conflict) as taken:
        create(order_type_id=1, table_id=3)
    assert taken.value.code == "table_occupied"
    with pytest.raises(ValidationFailed):
        create(order_type_id=2, table_id=4)  # takeaway has no table


def test_a_seated_walk_in_table_without_an_order_can_take_one(demo):
    Table.objects.filter(pk=6).update(status="occupied")
    order = create(order_type_id=1, table_id=6)
    assert order.table_id == 6


def test_delivery_needs_a_customer_of_this_outlet(demo):
    with pytest.raises(ValidationFailed) as missing:
        create(order_type_id=3)
    assert "customer_id" in missing.value.fields
    with pytest.raises(ValidationFailed):
        create(order_type_id=3, customer_id=11)  # outlet 002's customer
    order = create(order_type_id=3, customer_id=10, platform_id=1, platform_order_ref="SWG-1")
    assert order.delivery_status == "pending" and order.platform_id == 1


def test_menu_items_must_be_this_outlets_and_available(demo):
    with pytest.raises(ValidationFailed) as foreign:
        create(items=[ItemInput(menu_item_id=31, quantity=1)])
    assert "items.0.menu_item_id" in foreign.value.fields
    MenuItem.objects.filter(pk=16).update(is_available=False)
    with pytest.raises(BusinessRuleViolation) as unavailable:
        create(items=[PANEER, CHAI])
    assert unavailable.value.code == "item_unavailable"
    assert Order.objects.count() == 0


def test_menu_price_is_authoritative(demo):
    with pytest.raises(BusinessRuleViolation) as mismatch:
        create(by="waiter", items=[ItemInput(menu_item_id=15, quantity=1, price=D("9.99"))])
    assert mismatch.value.code == "price_mismatch"
    overridden = create(
        by="manager", items=[ItemInput(menu_item_id=15, quantity=1, price=D("9.99"))]
    )
    item = overridden.items.get()
    assert item.unit_price == D("9.99") and item.price_overridden
    cashier = staff("cashier")
    cashier.can_override_price = True
    cashier.save()
    # 1.00 + CGST 0.025 -> 0.03 + SGST 0.025 -> 0.03 (rounded per tax component)
    assert create(items=[ItemInput(menu_item_id=15, quantity=1, price=D("1.00"))]).total == D(
        "1.06"
    )


def test_open_price_items_take_the_sent_price_and_need_one(demo):
    with pytest.raises(ValidationFailed) as missing:
        create(by="waiter", items=[ItemInput(menu_item_id=29, quantity=1)])
    assert "items.0.price" in missing.value.fields
    order = create(by="waiter", items=[ItemInput(menu_item_id=29, quantity=2, price=D("7.50"))])
    assert order.subtotal == D("15.00") and not order.items.get().price_overridden


def test_update_is_a_full_list_add_change_remove_pending_lines(demo):
    order = create(items=[PANEER, CHAI])
    paneer, chai = OrderItem.objects.filter(order=order).order_by("id")
    person = staff("waiter")
    updated = svc.order_update(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        expected_version=1,
        notes="window",
        items=[
            ItemInput(id=paneer.pk, quantity=3, note="extra spicy"),
            ItemInput(menu_item_id=21, quantity=2),
        ],
    )
    assert updated.version == 2 and updated.notes == "window"
    assert lines(order) == [(15, 3, "pending"), (21, 2, "pending")]
    assert not OrderItem.objects.filter(pk=chai.pk).exists()  # never sent: simply gone
    assert OrderItem.objects.get(pk=paneer.pk).note == "extra spicy"
    # 3 x 12.99 + 2 x 1.50 (tax-free water) = 41.97; tax 2.5% of 38.97 = 0.97425 -> 0.97, twice
    assert updated.subtotal == D("41.97") and updated.tax_total == D("1.94")
    assert len(events("order.updated", order.pk)) == 1


def test_an_update_that_changes_nothing_keeps_the_version(demo):
    order = create()
    item = order.items.get()
    person = staff("waiter")
    same = svc.order_update(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        items=[ItemInput(id=item.pk, quantity=2)],
        notes="",
    )
    assert same.version == 1 and not events("order.updated", order.pk)


def test_stale_version_is_a_conflict_with_the_current_version(demo):
    order = create()
    person = staff("waiter")
    svc.order_update(
        order_id=order.pk, outlet=person.outlet, by=person, notes="a", expected_version=1
    )
    with pytest.raises(Conflict) as stale:
        svc.order_update(
            order_id=order.pk, outlet=person.outlet, by=person, notes="b", expected_version=1
        )
    assert stale.value.code == "version_conflict" and stale.value.extra["current_version"] == 2


def test_reducing_a_sent_line_voids_the_difference_with_a_void_ticket(demo):
    order = create(
        order_type_id=1, table_id=7, items=[ItemInput(menu_item_id=15, quantity=3), CHAI]
    )
    kots = kots_sent(order)
    paneer, chai = OrderItem.objects.filter(order=order).order_by("id")
    person = staff("waiter")
    updated = svc.order_update(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        items=[ItemInput(id=paneer.pk, quantity=1), ItemInput(id=chai.pk, quantity=1)],
        void_reason="guest changed mind",
    )
    assert lines(order) == [(15, 1, "sent_to_kitchen"), (16, 1, "sent_to_kitchen"), (15, 2, "void")]
    void_line = OrderItem.objects.get(order=order, status="void")
    assert void_line.kot_id == paneer.kot_id and void_line.voided_quantity == 2
    assert updated.subtotal == D("17.49")  # 12.99 + 4.50
    ticket = Kot.objects.get(order=order, kind="void")
    assert (
        ticket.voids_id == kots[0].pk
        and ticket.kitchen_id == 1
        and ticket.number.startswith("KOT-")
    )
    assert [(ln.name, ln.quantity) for ln in ticket.lines.all()] == [("Paneer Tikka", 2)]
    voided = events("kot.voided", order.pk)
    assert sorted(e.stream for e in voided) == ["expo.1", "kitchen.1", "orders.1", "table.7"]
    assert (
        voided[0].data["items"][0]["quantity"] == 2 and voided[0].data["voids_kot_id"] == kots[0].pk
    )


def test_removing_a_sent_line_voids_it_and_raising_it_adds_a_pending_line(demo):
    order = create(items=[PANEER, CHAI])
    kots_sent(order)
    paneer, chai = OrderItem.objects.filter(order=order).order_by("id")
    person = staff("waiter")
    svc.order_update(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        items=[ItemInput(id=paneer.pk, quantity=3)],
    )
    assert lines(order) == [(15, 2, "sent_to_kitchen"), (16, 1, "void"), (15, 1, "pending")]
    assert Kot.objects.get(order=order, kind="void").kitchen_id == 2  # the Bar's ticket
    with pytest.raises(Conflict) as noted:
        svc.order_update(
            order_id=order.pk,
            outlet=person.outlet,
            by=person,
            items=[ItemInput(id=paneer.pk, quantity=2, note="now mild")],
        )
    assert noted.value.code == "item_already_sent"


def test_billed_orders_freeze_items(demo):
    order = create()
    kots_sent(order)
    person = staff("cashier")
    svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="billed")
    with pytest.raises(Conflict) as frozen:
        svc.order_update(
            order_id=order.pk,
            outlet=person.outlet,
            by=person,
            items=[ItemInput(menu_item_id=16, quantity=1)],
        )
    assert frozen.value.code == "order_billed"
    notes = svc.order_update(
        order_id=order.pk, outlet=person.outlet, by=person, notes="for the invoice"
    )
    assert notes.notes == "for the invoice"


def test_billing_needs_every_item_sent(demo):
    order = create()
    kots_sent(order)
    person = staff("cashier")
    svc.order_update(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        items=[ItemInput(id=order.items.get().pk, quantity=2), CHAI],
    )
    with pytest.raises(Conflict) as unsent:
        svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="billed")
    assert unsent.value.code == "items_not_sent"


def test_bill_then_pay_releases_the_table_and_counts_the_coupon(demo):
    order = create(order_type_id=1, table_id=8, coupon_code="welcome10")
    assert order.coupon.code == "WELCOME10" and order.discount_amount == D("2.60")
    kots_sent(order)
    person = staff("cashier")
    billed = svc.order_set_status(
        order_id=order.pk, outlet=person.outlet, by=person, status="billed"
    )
    assert billed.status == "billed" and billed.billed_at
    with pytest.raises(Conflict) as unpaid:
        svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="paid")
    # nothing a cashier may do now: paid needs the balance at 0, cancelling a bill is for managers
    assert unpaid.value.code == "invalid_transition" and unpaid.value.extra["allowed"] == []
    pay_in_full(order)
    # the payment that settles the balance makes the order paid; asking again is a no-op
    paid = svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="paid")
    assert paid.status == "paid" and paid.payment_status == "paid" and paid.balance_due == 0
    assert Table.objects.get(pk=8).status == "cleaning"
    assert Coupon.objects.get(outlet_id=1, code="WELCOME10").used_count == 1
    assert coupon_usage_count(order=paid) == 1  # a recount: calling again never double counts


def pay_in_full(order: Order) -> None:
    person = staff("cashier")
    fresh = Order.objects.get(pk=order.pk)
    payments_capture(
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        requests=[PaymentRequest(payment_method="cash", amount=fresh.balance_due)],
    )


def test_billing_an_order_with_nothing_to_pay_makes_it_paid_in_both(demo):
    # a 100% discount: total 0. Billing it leaves nothing to pay, so it is paid, and its
    # payment status says so too (CONTRACT 4: status and payment status never disagree).
    order = create(by="manager", discount_type="percent", discount_value=D("100"))
    assert order.total == 0 and order.payment_status == "unpaid"
    kots_sent(order)
    person = staff("cashier")
    paid = svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="billed")
    assert (paid.status, paid.payment_status) == ("paid", "paid")
    assert Order.objects.filter(pk=order.pk, status="paid", payment_status="paid").exists()
    assert [
        (e.data["status"], e.data["payment_status"])
        for e in events("order.status_changed", order.pk)
    ] == [("kot", "unpaid"), ("billed", "unpaid"), ("paid", "paid")]


def _order_in(status: str) -> Order:
    order = create()
    if status in ("kot", "billed", "paid"):
        kots_sent(order)
    person = staff("manager")
    if status in ("billed", "paid"):
        svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status="billed")
    if status == "paid":
        pay_in_full(order)
    if status == "cancelled":
        svc.order_cancel(order_id=order.pk, outlet=person.outlet, by=person, reason="test")
    return Order.objects.get(pk=order.pk)


INVALID_TRANSITIONS = [
    ("draft", "kot", ["cancelled"]),
    ("draft", "billed", ["cancelled"]),
    ("draft", "paid", ["cancelled"]),
    ("kot", "draft", ["billed", "cancelled"]),
    ("kot", "paid", ["billed", "cancelled"]),
    ("billed", "draft", ["cancelled"]),
    ("billed", "kot", ["cancelled"]),
    ("paid", "draft", []),
    ("paid", "kot", []),
    ("paid", "billed", []),
    ("cancelled", "draft", []),
    ("cancelled", "kot", []),
    ("cancelled", "billed", []),
    ("cancelled", "paid", []),
]


@pytest.mark.parametrize(("start", "target", "allowed"), INVALID_TRANSITIONS)
def test_invalid_transition(demo, start, target, allowed):
    order = _order_in(start)
    person = staff("manager")
    with pytest.raises(Conflict) as refused:
        svc.order_set_status(order_id=order.pk, outlet=person.outlet, by=person, status=target)
    assert refused.value.code == "invalid_transition"
    assert refused.value.extra["allowed"] == allowed
    assert Order.objects.get(pk=order.pk).status == start


@pytest.mark.parametrize("start", ["paid", "cancelled"])
def test_closed_orders_cannot_be_cancelled_or_discounted(demo, start):
    order = _order_in(start)
    person = staff("manager")
    for call in (
        lambda: svc.order_cancel(order_id=order.pk, outlet=person.outlet, by=person, reason="x"),
        lambda: svc.order_apply_discount(
            order_id=order.pk,
            outlet=person.outlet,
            by=person,
            discount_type="percent",
            discount_value=D("5"),
        ),
        lambda: svc.order_update(order_id=order.pk, outlet=person.outlet, by=person, notes="x"),
    ):
        with pytest.raises(Conflict) as closed:
            call()
        assert closed.value.code == "order_closed"


def test_cancel_voids_everything_tickets_each_kitchen_and_releases_the_table(demo):
    order = create(order_type_id=1, table_id=9, items=[PANEER, CHAI])
    kots_sent(order)
    kept = [ItemInput(id=i.pk, quantity=i.quantity) for i in order.items.all()]
    svc.order_update(
        order_id=order.pk,
        outlet=order.outlet,
        by=staff("waiter"),
        items=[*kept, ItemInput(menu_item_id=21, quantity=1)],
    )
    person = staff("waiter")
    with pytest.raises(ValidationFailed):
        svc.order_cancel(order_id=order.pk, outlet=person.outlet, by=person, reason="  ")
    cancelled = svc.order_cancel(
        order_id=order.pk, outlet=person.outlet, by=person, reason="guest left"
    )
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "guest left"
    assert {i.status for i in cancelled.items.all()} == {"void"}
    assert cancelled.total == 0
    tickets = Kot.objects.filter(order=order, kind="cancellation").order_by("kitchen_id")
    assert [(t.kitchen_id, [ln.name for ln in t.lines.all()]) for t in tickets] == [
        (1, ["Paneer Tikka"]),
        (2, ["Masala Chai"]),
    ]  # the unsent water needs no ticket
    assert Table.objects.get(pk=9).status == "cleaning"
    cancelled_events = events("order.cancelled", order.pk)
    assert sorted(e.stream for e in cancelled_events) == ["orders.1", "table.9"]
    assert cancelled_events[0].data["reason"] == "guest left"


def test_cancelling_a_billed_order_is_for_managers(demo):
    order = _order_in("billed")
    cashier = staff("cashier")
    with pytest.raises(Forbidden):
        svc.order_cancel(order_id=order.pk, outlet=cashier.outlet, by=cashier, reason="x")
    with pytest.raises(Forbidden):
        svc.order_set_status(
            order_id=order.pk, outlet=cashier.outlet, by=cashier, status="cancelled", reason="x"
        )
    manager = staff("manager")
    assert (
        svc.order_cancel(order_id=order.pk, outlet=manager.outlet, by=manager, reason="x").status
        == "cancelled"
    )


def test_release_follows_the_outlet_setting(demo):
    Outlet.objects.filter(pk=1).update(table_release_status="free")
    order = create(order_type_id=1, table_id=10)
    person = staff("waiter")
    svc.order_cancel(order_id=order.pk, outlet=Outlet.objects.get(pk=1), by=person, reason="x")
    assert Table.objects.get(pk=10).status == "free"


def test_moving_tables_occupies_the_new_and_releases_the_old(demo):
    order = create(order_type_id=1, table_id=11)
    person = staff("waiter")
    moved = svc.order_update(order_id=order.pk, outlet=person.outlet, by=person, table_id=12)
    assert moved.table_id == 12
    assert (
        Table.objects.get(pk=12).status == "occupied"
        and Table.objects.get(pk=11).status == "cleaning"
    )
    assert sorted(e.stream for e in events("order.updated", order.pk)) == [
        "orders.1",
        "table.11",
        "table.12",
    ]


@pytest.mark.parametrize(
    ("role", "kind", "value", "outcome"),
    [
        ("cashier", "percent", "10", D("2.60")),
        ("cashier", "percent", "10.01", "discount_limit_exceeded"),
        ("cashier", "fixed", "2.59", D("2.59")),
        ("cashier", "fixed", "3.00", "discount_limit_exceeded"),  # 11.5% of 25.98
        ("waiter", "percent", "1", "forbidden"),
        ("manager", "percent", "100", D("25.98")),
        ("manager", "fixed", "100", D("25.98")),  # never more than the subtotal
    ],
)
def test_manual_discount_limits(demo, role, kind, value, outcome):
    order = create()
    person = staff(role)
    call = lambda: svc.order_apply_discount(  # noqa: E731
        order_id=order.pk,
        outlet=person.outlet,
        by=person,
        discount_type=kind,
        discount_value=D(value),
        reason="regular",
    )
    if isinstance(outcome, Decimal):
        assert call().discount_amount == outcome
    else:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == outcome
        assert refused.value.status == (403 if outcome == "forbidden" else 422)
        assert Order.objects.get(pk=order.pk).version == 1


def test_discount_replaces_the_earlier_one_and_zero_removes_it(demo):
    order = create(coupon_code="WELCOME10")
    manager = staff("manager")
    fixed = svc.order_apply_discount(
        order_id=order.pk,
        outlet=manager.outlet,
        by=manager,
        discount_type="fixed",
        discount_value=D("5"),
    )
    assert fixed.coupon_id is None and fixed.discount_amount == D("5.00") and fixed.version == 2
    cleared = svc.order_apply_discount(
        order_id=order.pk,
        outlet=manager.outlet,
        by=manager,
        discount_type="percent",
        discount_value=D("0"),
    )
    assert (
        cleared.discount_amount == 0 and cleared.discount_type == "" and cleared.total == D("27.28")
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [("NOPE", "not_found"), ("EXPIRED5", "expired"), ("FLAT50", "below_minimum")],
)
def test_bad_coupons_are_refused_with_their_reason(demo, code, reason):
    order = create()
    person = staff("cashier")
    with pytest.raises(BusinessRuleViolation) as refused:
        svc.order_apply_discount(
            order_id=order.pk, outlet=person.outlet, by=person, coupon_code=code
        )
    assert refused.value.code == "coupon_invalid" and refused.value.extra["reason"] == reason


def test_coupon_usage_limit_and_order_types(demo):
    coupon = Coupon.objects.get(outlet_id=1, code="FLAT50")
    outlet = Outlet.objects.get(pk=1)
    from hub.models import OrderType

    dine_in, takeaway = OrderType.objects.get(pk=1), OrderType.objects.get(pk=2)
    assert coupon_evaluate(
        outlet=outlet, code="flat50", subtotal=D("250"), order_type=dine_in
    ).discount_amount == D("50.00")
    coupon.order_types.set([takeaway])
    assert (
        coupon_evaluate(outlet=outlet, code="FLAT50", subtotal=D("250"), order_type=dine_in).reason
        == "not_applicable"
    )
    coupon.usage_limit, coupon.used_count = 3, 3
    coupon.save()
    assert (
        coupon_evaluate(outlet=outlet, code="FLAT50", subtotal=D("250"), order_type=takeaway).reason
        == "usage_exhausted"
    )
    other = Outlet.objects.get(pk=2)
    assert (
        coupon_evaluate(outlet=other, code="FLAT50", subtotal=D("250"), order_type=takeaway).reason
        == "not_found"
    )


def test_a_change_that_drops_the_subtotal_below_the_coupons_minimum_is_refused(demo):
    order = create(items=[ItemInput(menu_item_id=9, quantity=12)], coupon_code="FLAT50")  # 203.88
    assert order.discount_amount == D("50.00")
    person = staff("waiter")
    with pytest.raises(BusinessRuleViolation) as refused:
        svc.order_update(
            order_id=order.pk,
            outlet=person.outlet,
            by=person,
            items=[ItemInput(id=order.items.get().pk, quantity=11)],
        )
    assert (refused.value.code, refused.value.extra["reason"]) == (
        "coupon_invalid",
        "below_minimum",
    )
    unchanged = Order.objects.get(pk=order.pk)
    assert (unchanged.items.get().quantity, unchanged.discount_amount) == (12, D("50.00"))
    assert unchanged.version == order.version


def test_rejected_calls_leave_nothing_behind(demo):
    before = (
        Order.objects.count(),
        OrderItem.objects.count(),
        Event.objects.count(),
        Kot.objects.count(),
    )
    for kwargs in (
        {"items": [PANEER, ItemInput(menu_item_id=999, quantity=1)]},
        {
            "order_type_id": 1,
            "table_id": 5,
            "items": [PANEER, ItemInput(menu_item_id=15, quantity=1, price=D("1"))],
        },
        {"discount_type": "percent", "discount_value": D("50")},
        {"coupon_code": "EXPIRED5"},
    ):
        with pytest.raises(DomainError):
            create(**kwargs)
    assert (
        Order.objects.count(),
        OrderItem.objects.count(),
        Event.objects.count(),
        Kot.objects.count(),
    ) == before
    assert Table.objects.get(pk=5).status == "free"
