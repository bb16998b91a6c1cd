"""hub/services/session.py: cart per user and device, hold, resume (one winner), limits."""

import threading

import pytest
from django.db import connection

from hub.errors import Conflict, ValidationFailed
from hub.models import HeldOrder, Order, PosSession, Staff
from hub.services import session as svc
from hub.services.orders import ItemInput, order_create

CART = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 2}], "note": "ज़्यादा मसाला"}


def staff(username: str) -> Staff:
    return Staff.objects.select_related("outlet").get(username=username)


@pytest.mark.embedded
def test_cart_is_kept_per_user_and_device(demo):
    waiter, cashier = staff("waiter"), staff("cashier")
    assert svc.session_get(staff=waiter, device_id="tab-1").cart == {}
    assert svc.session_get(staff=waiter, device_id="tab-1").updated_at is None
    svc.session_save(staff=waiter, device_id="tab-1", cart=CART)
    svc.session_save(staff=waiter, device_id="", cart={"x": 1})
    state = svc.session_get(staff=waiter, device_id="tab-1")
    assert state.cart == CART and state.updated_at is not None
    assert svc.session_get(staff=waiter, device_id="").cart == {"x": 1}
    assert svc.session_get(staff=cashier, device_id="tab-1").cart == {}
    svc.session_save(staff=waiter, device_id="tab-1", cart={"y": 2})
    assert PosSession.objects.filter(staff=waiter).count() == 2
    assert svc.session_clear(staff=waiter, device_id="tab-1").cart == {}


def test_cart_limit_is_64_kb(demo):
    waiter = staff("waiter")
    overhead = len('{"pad":""}')
    svc.session_save(staff=waiter, device_id="", cart={"pad": "a" * (64 * 1024 - overhead)})
    with pytest.raises(svc.CartTooLarge) as caught:
        svc.session_save(staff=waiter, device_id="", cart={"pad": "a" * (64 * 1024 - overhead + 1)})
    assert caught.value.status == 413 and caught.value.code == "cart_too_large"


@pytest.mark.parametrize(
    "cart", [[1, 2], "cart", {"a": "nul\x00"}, {"k\x00": 1}, {"a": ["\ud800"]}, {"f": float("nan")}]
)
def test_carts_the_database_cannot_keep_are_validation_errors(demo, cart):
    with pytest.raises(ValidationFailed):
        svc.session_save(staff=staff("waiter"), device_id="", cart=cart)


@pytest.mark.parametrize("raw", ["x" * 81, "tab\x00", "tab\n1"])
def test_device_id_is_checked(raw):
    with pytest.raises(ValidationFailed):
        svc.device_id_clean(raw)


def test_device_id_is_trimmed():
    assert svc.device_id_clean(None) == "" and svc.device_id_clean(" t-1 ") == "t-1"


def test_hold_parks_the_cart_and_clears_the_session(demo):
    waiter = staff("waiter")
    svc.session_save(staff=waiter, device_id="t1", cart=CART)
    before = held_before(demo)
    held, state = svc.session_hold(staff=waiter, device_id="t1", label="Table by the window")
    assert held.cart == CART and held.label == "Table by the window" and held.held_by == waiter
    assert state.cart == {} and state.held_count == before + 1
    # anybody at the outlet may resume it, into their own session
    cashier = staff("cashier")
    resumed, state = svc.session_resume(staff=cashier, device_id="till", held_id=held.pk)
    assert resumed.resumed_at is not None and state.cart == CART
    assert not HeldOrder.objects.filter(pk=held.pk, resumed_at__isnull=True).exists()
    with pytest.raises(Conflict) as caught:
        svc.session_resume(staff=waiter, device_id="t1", held_id=held.pk)
    assert caught.value.code == "already_resumed"


def held_before(outlet) -> int:
    return HeldOrder.objects.filter(outlet=outlet, resumed_at__isnull=True).count()


def test_hold_with_a_body_cart_and_nothing_to_hold(demo):
    waiter = staff("waiter")
    held, _ = svc.session_hold(staff=waiter, device_id="", cart={"a": 1}, label="")
    assert held.cart == {"a": 1} and held.label == ""
    with pytest.raises(ValidationFailed):
        svc.session_hold(staff=waiter, device_id="", cart=None)


def test_hold_a_draft_order(demo):
    waiter = staff("waiter")
    order = order_create(
        outlet=waiter.outlet,
        by=waiter,
        order_type_id=2,
        items=[ItemInput(menu_item_id=15, quantity=1)],
    )
    held, _ = svc.session_hold(staff=waiter, device_id="", order_id=order.pk)
    assert held.order_id == order.pk and held.label == order.number
    with pytest.raises(Conflict) as caught:
        svc.session_hold(staff=waiter, device_id="", order_id=order.pk)
    assert caught.value.code == "already_held"
    Order.objects.filter(pk=order.pk).update(status="kot")
    HeldOrder.objects.filter(pk=held.pk).update(resumed_at="2024-01-01T00:00:00Z")
    with pytest.raises(Conflict) as caught:
        svc.session_hold(staff=waiter, device_id="", order_id=order.pk)
    assert caught.value.code == "order_not_draft"


def test_another_outlets_order_or_held_entry_is_a_validation_error(demo):
    waiter, waiter2 = staff("waiter"), staff("waiter2")
    order = order_create(
        outlet=waiter.outlet,
        by=waiter,
        order_type_id=2,
        items=[ItemInput(menu_item_id=15, quantity=1)],
    )
    with pytest.raises(ValidationFailed) as caught:
        svc.session_hold(staff=waiter2, device_id="", order_id=order.pk)
    assert "order_id" in caught.value.fields
    held, _ = svc.session_hold(staff=waiter, device_id="", cart={"a": 1})
    with pytest.raises(ValidationFailed) as caught:
        svc.session_resume(staff=waiter2, device_id="", held_id=held.pk)
    assert "resume_held_id" in caught.value.fields
    assert svc.held_count(outlet=waiter2.outlet) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_terminals_resuming_at_once_one_wins(transactional_demo):
    waiter = staff("waiter")
    held, _ = svc.session_hold(staff=waiter, device_id="", cart=CART, label="race")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def resume(username: str) -> None:
        person = staff(username)
        barrier.wait()
        try:
            svc.session_resume(staff=person, device_id="race", held_id=held.pk)
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=resume, args=(u,)) for u in ("waiter", "cashier")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_resumed", "ok"]
    carts = [s.cart for s in PosSession.objects.filter(device_id="race")]
    assert carts == [CART]
