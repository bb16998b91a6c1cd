"""Two writes that touch one order, racing on two workers, never deadlock (CONTRACT 3).

Two daphne workers share PostgreSQL. For each pair of writes that can touch the same
rows (pay / void a sent line, reprint a KOT / cancel its order, send a KOT / merge
the order away, move the table / pay), each round prepares a fresh order, then sends
the two requests at the same instant, one to each worker. Every answer must be a
success or a 409 (never 503 or 500), the order must end consistent, and PostgreSQL's
own deadlock counter for the test database must not move: the services take their
locks in one order (docs/architecture.md "Lock order"), so nothing waits in a cycle.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from hub.models import Kot, Order, Staff
from hub.services.kitchen import kot_send
from hub.services.orders import ItemInput, order_cancel, order_create

from .conftest import call, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 50
PANEER = ItemInput(menu_item_id=15, quantity=4)
CHAI = ItemInput(menu_item_id=16, quantity=2)


def _deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


def _sent_order(*, table_id: int | None = None, send: bool = True) -> Order:
    waiter = _staff("waiter")
    order = order_create(
        outlet=waiter.outlet,
        by=waiter,
        order_type_id=1 if table_id else 2,
        table_id=table_id,
        items=[PANEER, CHAI],
    )
    if send:
        kot_send(order_id=order.pk, outlet=waiter.outlet, by=waiter)
    return Order.objects.get(pk=order.pk)


def _close_open_orders() -> None:
    manager = _staff("manager")
    for order in Order.objects.exclude(status__in=("paid", "cancelled")):
        order_cancel(order_id=order.pk, outlet=manager.outlet, by=manager, reason="race done")


def _race(first, second) -> tuple:
    """Run two calls at the same instant from two threads; their (status, body) answers."""
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def run(index, request):
        barrier.wait()
        answers[index] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return tuple(answers)


def _void_line(order: Order) -> dict:
    lines = [
        {"id": item.pk, "quantity": item.quantity - (1 if item.menu_item_id == 15 else 0)}
        for item in order.items.exclude(status="void").order_by("id")
    ]
    return {"items": lines}


@pytest.fixture
def workers(hubs):
    return hubs(), hubs()


@pytest.fixture
def tokens(transactional_demo):
    return {name: token_for(name) for name in ("manager", "cashier", "waiter")}


def _run_pair(workers, name: str, prepare, requests, check) -> Counter:
    a, b = workers
    outcomes: Counter = Counter()
    for _ in range(ROUNDS):
        state = prepare()
        first, second = requests(state)
        answers = _race(functools.partial(first, a.http), functools.partial(second, b.http))
        for reply in answers:
            assert reply is not None, f"{name}: a request never answered"
            code = reply.body["error"]["code"] if reply.status >= 400 else "ok"
            assert reply.status < 300 or reply.status == 409, (name, reply.status, reply.body)
            outcomes[(reply.status, code)] += 1
        check(state, answers)
    _close_open_orders()
    return outcomes


def _post(token, path, body=None):
    return lambda base: call(base, "POST", path, token=token, body=body or {}, timeout=20)


def _put(token, path, body):
    return lambda base: call(base, "PUT", path, token=token, body=body, timeout=20)


def _pay_void(tokens):
    """A cashier takes a part payment while a waiter voids one Paneer Tikka already sent."""
    return dict(
        prepare=lambda: _sent_order(),
        requests=lambda order: (
            _post(
                tokens["cashier"],
                f"/api/v1/pos/orders/{order.pk}/payment",
                {"payment_method": "cash", "amount": 5},
            ),
            _put(tokens["waiter"], f"/api/v1/pos/orders/{order.pk}", _void_line(order)),
        ),
        check=lambda order, answers: _assert_order_consistent(order.pk),
    )


def _reprint_cancel(tokens):
    """A waiter reprints the KOT while a manager cancels its order."""

    def requests(order):
        kot = Kot.objects.filter(order=order).order_by("id").first()
        return (
            _post(tokens["waiter"], f"/api/v1/pos/kot/{kot.pk}/reprint"),
            _post(tokens["manager"], f"/api/v1/pos/orders/{order.pk}/cancel", {"reason": "race"}),
        )

    return dict(
        prepare=lambda: _sent_order(),
        requests=requests,
        check=lambda order, answers: _assert_order_consistent(order.pk, status="cancelled"),
    )


def _send_merge(tokens):
    """A waiter sends table 4's KOT while another merges table 4 into table 3."""

    def prepare():
        _close_open_orders()
        return _sent_order(table_id=3), _sent_order(table_id=4, send=False)

    def requests(state):
        target, source = state
        return (
            _post(tokens["waiter"], f"/api/v1/pos/orders/{source.pk}/kot"),
            _post(
                tokens["waiter"],
                f"/api/v1/pos/orders/{target.pk}/merge",
                {"source_order_id": source.pk},
            ),
        )

    def check(state, answers):
        target, source = state
        _assert_order_consistent(target.pk)
        _assert_order_consistent(source.pk, status="cancelled")
        assert answers[1].status == 200, answers[1].body
        # every line ends on the target; whatever was sent went out on exactly one KOT
        assert Order.objects.get(pk=source.pk).items.count() == 0
        sent = Order.objects.get(pk=target.pk).items.exclude(status__in=("pending", "void"))
        assert all(item.kot_id for item in sent)

    return dict(prepare=prepare, requests=requests, check=check)


def _transfer_pay(tokens):
    """A waiter moves the party to table 6 while a cashier takes the whole bill by card."""

    def prepare():
        _close_open_orders()
        return _sent_order(table_id=5)

    return dict(
        prepare=prepare,
        requests=lambda order: (
            _post(
                tokens["waiter"],
                f"/api/v1/pos/orders/{order.pk}/transfer-table",
                {"table_id": 6},
            ),
            _post(
                tokens["cashier"],
                f"/api/v1/pos/orders/{order.pk}/payment",
                {"payment_method": "card", "amount": float(order.total)},
            ),
        ),
        check=lambda order, answers: _assert_order_consistent(order.pk, status="paid"),
    )


PAIRS = {
    "pay/void": _pay_void,
    "reprint/cancel": _reprint_cancel,
    "send/merge": _send_merge,
    "transfer/pay": _transfer_pay,
}


@pytest.mark.parametrize("pair", list(PAIRS))
def test_racing_writes_on_one_order_never_deadlock_nor_answer_503(pair, workers, tokens):
    before = _deadlocks()
    outcomes = _run_pair(workers, pair, **PAIRS[pair](tokens))
    print(pair, dict(outcomes))
    assert not [k for k in outcomes if k[1] == "concurrent_update"], outcomes
    assert _deadlocks() - before == 0, outcomes


def _assert_order_consistent(order_id: int, status: str | None = None) -> None:
    order = Order.objects.get(pk=order_id)
    if status is not None:
        assert order.status == status, (order.number, order.status)
    paid = sum((p.amount for p in order.payments.all()), Decimal("0"))
    assert order.paid_total == paid
    assert not (order.status == "paid" and order.payment_status == "unpaid")
