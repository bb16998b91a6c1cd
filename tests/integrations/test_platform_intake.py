"""Platform order intake (CONTRACT 16; docs/integrations.md "Platform intake"): signed
orders in, idempotent on (platform, ref), every refusal with nothing written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from hub import models as m
from hub.secrets import signature_of
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.embedded  # also on SQLite; the race tests need PostgreSQL

URL = "/api/v1/integrations/platforms/{}/orders"
POS = "/api/v1/pos"
SECRETS = {"swiggy": "demo-swiggy-secret", "zomato": "demo-zomato-secret"}


def body(ref="SWG-1001", **over) -> dict:
    data = {
        "outlet_code": "001",
        "platform_order_ref": ref,
        "customer": {"name": "Neha Joshi", "phone": "+91 98450 11111", "address": "7 Lalbagh Rd"},
        "items": [
            {
                "platform_item_code": "SWG-15",
                "quantity": 2,
                "price": 12.99,
                "modifiers": ["SWG-OPT-1"],
            },
            {"platform_item_code": "SWG-16", "quantity": 1, "price": 4.5, "note": "less sugar"},
        ],
        "prepaid": True,
        "amount": "35.16",
        "instructions": "Ring twice",
    }
    data.update(over)
    return data


def post(data, platform="swiggy", *, secret=None, signature=None, client=None):
    raw = json.dumps(data).encode()
    sig = signature if signature is not None else signature_of(secret or SECRETS[platform], raw)
    headers = {"HTTP_X_HUB_SIGNATURE": sig} if sig else {}
    return (client or APIClient()).post(
        URL.format(platform), raw, content_type="application/json", **headers
    )


def counts() -> dict[str, int]:
    return {
        name: getattr(m, name).objects.count()
        for name in ("Order", "OrderItem", "Customer", "Payment", "Kot", "PlatformOrder", "Event")
    }


def test_a_signed_order_becomes_a_paid_delivery_order_in_the_kitchen(api_as):
    response = post(body())
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    order = m.Order.objects.get(pk=data["order_id"])
    assert data == {"order_id": order.pk, "order_number": order.number, "status": "paid"}
    assert order.order_type.code == "delivery" and order.platform.code == "swiggy"
    assert order.platform_order_ref == "SWG-1001"
    assert order.customer.phone_digits == "919845011111" and order.customer.name == "Neha Joshi"
    assert "Deliver to: 7 Lalbagh Rd" in order.notes and "Ring twice" in order.notes
    lines = list(order.items.order_by("id"))
    # the menu's prices (12.99 + 1.50 cheese) x 2, chai 4.50
    assert [(i.menu_item_id, i.quantity, i.unit_price) for i in lines] == [
        (15, 2, Decimal("14.49")),
        (16, 1, Decimal("4.50")),
    ]
    assert lines[0].modifiers[0]["option_id"] == 1 and lines[1].note == "less sugar"
    assert order.total == Decimal("35.16")  # 33.48 + CGST 0.84 + SGST 0.84
    # auto-accept (demo on): one KOT per kitchen at once, and the prepayment taken
    assert sorted(order.kots.values_list("kitchen_id", flat=True)) == [1, 2]
    (payment,) = order.payments.all()
    assert (payment.method.code, payment.amount) == ("platform", Decimal("35.16"))
    assert payment.transaction_id == "SWG-1001"


def test_the_kot_names_the_platform_and_its_ref_on_rest_events_and_paper(api_as):
    """The packer matches the bag: "SWIGGY #SWG-1001" on every ticket of the order."""
    from hub.services.print_tickets import kot_ticket
    from printers.render import render_kot

    order_id = post(body()).json()["data"]["order_id"]
    kots = list(m.Kot.objects.filter(order_id=order_id).order_by("id"))
    assert len(kots) == 2
    for kot in kots:
        rest = api_as("chef" if kot.kitchen_id == 1 else "manager").get(f"{POS}/kot/{kot.pk}")
        order = rest.json()["data"]["order"]
        assert (order["platform_name"], order["platform_order_ref"]) == ("Swiggy", "SWG-1001")
        events = m.Event.objects.filter(type="kot.created", data__kot_id=kot.pk)
        assert events.count() >= 2  # the kitchen's stream, the order's, the expo's
        assert {(e.data["platform_name"], e.data["platform_order_ref"]) for e in events} == {
            ("Swiggy", "SWG-1001")
        }
        assert "SWIGGY #SWG-1001" in render_kot(kot_ticket(kot_id=kot.pk)).preview
    # the cancellation ticket too
    cancel("SWG-1001")
    voided = m.Event.objects.filter(type="kot.voided", data__order_id=order_id)
    assert {e.data["platform_order_ref"] for e in voided} == {"SWG-1001"}
    # a till order names none
    from tests.given import order_given

    till = order_given(status="kot")
    till_kot = m.Kot.objects.filter(order=till).first()
    data = api_as("manager").get(f"{POS}/kot/{till_kot.pk}").json()["data"]["order"]
    assert data["platform_name"] is None and data["platform_order_ref"] is None
    assert kot_ticket(kot_id=till_kot.pk).platform is None


def test_the_prepayment_is_the_platform_method_and_the_till_does_not_offer_it(api_as):
    assert post(body()).status_code == 201
    order = m.Order.objects.get(platform_order_ref="SWG-1001")
    assert order.status == "paid" and order.balance_due == 0
    assert order.payments.get().method.code == "platform"
    methods = api_as("cashier").get(f"{POS}/payment-methods").json()["data"]
    assert [p["code"] for p in methods] == ["cash", "card", "upi"]
    # and a cashier cannot pay with it
    other = post(body(ref="SWG-1002", prepaid=False, amount=None))
    order_id = other.json()["data"]["order_id"]
    refused = api_as("cashier").post(
        f"{POS}/orders/{order_id}/payment",
        {"payment_method": "platform", "amount": "1"},
        format="json",
    )
    assert refused.status_code == 400


def test_a_redelivery_answers_the_same_order_and_creates_nothing(api_as):
    first = post(body(amount="35.16"))
    before = counts()
    again = post(body(amount="35.16"))
    assert again.status_code == 200
    assert again.json()["data"] == first.json()["data"]
    assert counts() == before


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "sha256=deadbeef", "md5=abc"],
)
def test_a_bad_signature_is_401_and_writes_nothing(demo, signature):
    before = counts()
    response = post(body(), signature=signature or "")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert counts() == before


def test_the_other_platforms_secret_an_unknown_platform_or_outlet_is_401(demo):
    before = counts()
    assert post(body(), "swiggy", secret="demo-zomato-secret").status_code == 401
    assert post(body(), "ubereats", secret="demo-swiggy-secret").status_code == 401
    assert post(body(outlet_code="002")).status_code == 401  # no swiggy store at 002
    assert post(["a", "list"]).status_code == 400  # not a JSON object: 400 before anything
    assert counts() == before


def test_the_signature_covers_the_raw_bytes(demo):
    raw = json.dumps(body()).encode()
    sig = signature_of("demo-swiggy-secret", raw)
    tampered = raw.replace(b'"quantity": 2', b'"quantity": 20')
    response = APIClient().post(
        URL.format("swiggy"), tampered, content_type="application/json", HTTP_X_HUB_SIGNATURE=sig
    )
    assert response.status_code == 401


def test_unmapped_codes_are_422_listing_them_and_nothing_is_created(demo):
    before = counts()
    data = body()
    data["items"].append({"platform_item_code": "SWG-999", "quantity": 1})
    data["items"][0]["modifiers"] = ["SWG-OPT-1", "SWG-OPT-99"]
    response = post(data)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unmapped_item" and error["codes"] == ["SWG-999", "SWG-OPT-99"]
    # zomato's codes are not swiggy's
    zomato = post(body(items=[{"platform_item_code": "SWG-15", "quantity": 1}]), "zomato")
    assert zomato.json()["error"]["codes"] == ["SWG-15"]
    assert counts() == before


def test_the_modifier_rules_apply_and_a_refusal_creates_nothing(demo):
    before = counts()
    no_portion = post(body(items=[{"platform_item_code": "SWG-11", "quantity": 1}]))
    assert no_portion.status_code == 422
    assert no_portion.json()["error"]["code"] == "modifier_rule"
    assert no_portion.json()["error"]["group"] == 2
    wrong_item = post(
        body(items=[{"platform_item_code": "SWG-16", "quantity": 1, "modifiers": ["SWG-OPT-1"]}])
    )
    assert wrong_item.status_code == 400
    too_many = post(
        body(
            items=[
                {
                    "platform_item_code": "SWG-11",
                    "quantity": 1,
                    "modifiers": ["SWG-OPT-3", "SWG-OPT-4"],
                }
            ]
        )
    )
    assert too_many.json()["error"]["code"] == "modifier_rule"
    assert counts() == before
    full = post(
        body(
            items=[{"platform_item_code": "ZOM-11", "quantity": 1, "modifiers": ["ZOM-OPT-4"]}],
            prepaid=False,
            amount=None,
        ),
        "zomato",
    )
    assert full.status_code == 201
    line = m.OrderItem.objects.get(order_id=full.json()["data"]["order_id"])
    assert line.unit_price == Decimal("21.49")


def test_a_known_guest_is_found_by_phone_however_typed(demo):
    customers = m.Customer.objects.count()
    data = body(prepaid=False, amount=None)
    data["customer"] = {"name": "P. Kapoor", "phone": "098765 43210", "address": ""}
    response = post(data)
    assert response.status_code == 201
    assert m.Order.objects.get(pk=response.json()["data"]["order_id"]).customer_id == 10
    assert m.Customer.objects.count() == customers


def test_an_amount_above_the_total_is_refused_with_nothing_written(demo):
    before = counts()
    response = post(body(amount="500.00"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "amount_exceeds_balance"
    assert counts() == before


def test_without_auto_accept_the_order_waits_for_accept_or_reject(api_as):
    m.Outlet.objects.filter(pk=1).update(auto_accept_platform_orders=False)
    response = post(body(amount="35.16"))
    assert response.json()["data"]["status"] == "draft"
    order_id = response.json()["data"]["order_id"]
    assert not m.Kot.objects.filter(order_id=order_id).exists()
    assert not m.Payment.objects.filter(order_id=order_id).exists()
    assert api_as("waiter").post(f"{POS}/orders/{order_id}/accept").status_code == 403
    accepted = api_as("cashier").post(f"{POS}/orders/{order_id}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["data"]["status"] == "paid"
    assert m.Kot.objects.filter(order_id=order_id).count() == 2
    again = api_as("cashier").post(f"{POS}/orders/{order_id}/accept")
    assert again.status_code == 409
    # reject: a draft platform order is cancelled, with its reason
    other = post(body(ref="SWG-2002", prepaid=False, amount=None)).json()["data"]["order_id"]
    rejected = api_as("manager").post(
        f"{POS}/orders/{other}/reject", {"reason": "Kitchen closing"}, format="json"
    )
    assert rejected.status_code == 200
    assert rejected.json()["data"]["status"] == "cancelled"
    assert rejected.json()["data"]["cancel_reason"] == "Kitchen closing"


def test_accept_and_reject_refuse_orders_typed_at_the_till_and_other_outlets(api_as):
    from tests.given import order_given

    till = order_given(status="draft")
    response = api_as("cashier").post(f"{POS}/orders/{till.pk}/accept")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_platform_order"
    assert api_as("manager2").post(f"{POS}/orders/{till.pk}/accept").status_code == 404
    assert (
        api_as("manager2")
        .post(f"{POS}/orders/{till.pk}/reject", {"reason": "x"}, format="json")
        .status_code
        == 404
    )


def test_a_manager_rejects_a_paid_platform_order_and_its_prepayment_is_refunded(api_as):
    order_id = post(body()).json()["data"]["order_id"]  # auto-accepted, prepaid: paid
    url = f"{POS}/orders/{order_id}/reject"
    cashier = api_as("cashier")
    assert "reject" not in cashier.get(f"{POS}/orders/{order_id}").json()["data"]["allowed_actions"]
    refused = cashier.post(url, {"reason": "Out of paneer"}, format="json")
    assert refused.status_code == 403
    assert not m.Refund.objects.exists() and m.Order.objects.get(pk=order_id).status == "paid"
    manager = api_as("manager")
    assert "reject" in manager.get(f"{POS}/orders/{order_id}").json()["data"]["allowed_actions"]
    rejected = manager.post(url, {"reason": "Out of paneer"}, format="json")
    assert rejected.status_code == 200, rejected.content
    data = rejected.json()["data"]
    assert data["status"] == "cancelled" and data["payment_status"] == "refunded"
    assert "reject" not in data["allowed_actions"]
    (refund,) = m.Refund.objects.all()
    assert refund.payment.method.code == "platform" and refund.amount == Decimal("35.16")
    assert refund.created_by.username == "manager"
    tickets = m.Kot.objects.filter(order_id=order_id, kind="cancellation")
    assert sorted(tickets.values_list("kitchen_id", flat=True)) == [1, 2]
    again = manager.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "order_closed"


def test_accept_and_reject_are_offered_by_role_on_waiting_platform_orders(api_as):
    m.Outlet.objects.filter(pk=1).update(auto_accept_platform_orders=False)
    order_id = post(body()).json()["data"]["order_id"]
    url = f"{POS}/orders/{order_id}"
    actions = {
        role: api_as(role).get(url).json()["data"]["allowed_actions"]
        for role in ("waiter", "cashier", "manager")
    }
    assert "accept" not in actions["waiter"] and "reject" not in actions["waiter"]
    assert {"accept", "reject"} <= set(actions["cashier"])
    assert {"accept", "reject"} <= set(actions["manager"])
    accepted = api_as("cashier").post(f"{url}/accept").json()["data"]
    assert accepted["status"] == "paid"
    assert "accept" not in accepted["allowed_actions"]
    assert "reject" not in accepted["allowed_actions"]  # paid: a manager's
    from tests.given import order_given

    till = order_given(status="draft")  # typed at the till: neither
    till_actions = api_as("manager").get(f"{POS}/orders/{till.pk}").json()["data"]
    assert not {"accept", "reject"} & set(till_actions["allowed_actions"])


def test_a_reject_after_accept_sends_cancellation_tickets(api_as):
    response = post(body(prepaid=False, amount=None))
    order_id = response.json()["data"]["order_id"]
    assert response.json()["data"]["status"] == "kot"
    rejected = api_as("manager").post(
        f"{POS}/orders/{order_id}/reject", {"reason": "Platform cancelled"}, format="json"
    )
    assert rejected.status_code == 200
    kinds = set(m.Kot.objects.filter(order_id=order_id).values_list("kind", flat=True))
    assert "cancellation" in kinds


@pytest.mark.postgres
def test_sixteen_concurrent_redeliveries_make_one_order(transactional_demo):
    data = body(ref="SWG-RACE", amount="35.16")

    def deliver(_):
        response = post(data)
        return response.status_code, response.json()["data"]["order_id"]

    results = run_concurrently(deliver, 16)
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(status for status, _ in results) == [200] * 15 + [201]
    assert len({order_id for _, order_id in results}) == 1
    assert m.Order.objects.filter(platform_order_ref="SWG-RACE").count() == 1
    assert m.Payment.objects.filter(order__platform_order_ref="SWG-RACE").count() == 1
    assert m.Kot.objects.filter(order__platform_order_ref="SWG-RACE").count() == 2


def cancel(ref, platform="swiggy", *, secret=None, reason="Guest cancelled", outlet="001"):
    raw = json.dumps({"outlet_code": outlet, "reason": reason}).encode()
    return APIClient().post(
        f"{URL.format(platform)}/{ref}/cancel",
        raw,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE=signature_of(secret or SECRETS[platform], raw),
    )


def test_a_platform_cancellation_sends_cancellation_tickets_to_the_kitchens(demo):
    order_id = post(body(prepaid=False, amount=None)).json()["data"]["order_id"]
    assert m.Kot.objects.filter(order_id=order_id, kind="new").count() == 2
    response = cancel("SWG-1001")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["status"] == "cancelled"
    order = m.Order.objects.get(pk=order_id)
    assert order.cancel_reason == "Swiggy: Guest cancelled"
    tickets = m.Kot.objects.filter(order_id=order_id, kind="cancellation")
    assert sorted(tickets.values_list("kitchen_id", flat=True)) == [1, 2]
    assert m.Event.objects.filter(type="kot.voided", data__order_id=order_id).exists()
    before = counts()
    again = cancel("SWG-1001")  # sent twice: answered as it is
    assert again.status_code == 200 and again.json()["data"]["status"] == "cancelled"
    assert counts() == before


def test_a_platform_cancellation_is_signed_and_scoped(demo):
    post(body())  # prepaid and auto-accepted: paid
    before = counts()
    assert cancel("SWG-1001", secret="wrong").status_code == 401
    assert cancel("SWG-1001", "zomato").status_code == 404  # zomato has no such ref
    assert cancel("SWG-404").status_code == 404
    assert cancel("SWG-1001", outlet="002").status_code in (401, 404)
    assert counts() == before


def _events(order_id: int) -> list[str]:
    return list(
        m.Event.objects.filter(data__order_id=order_id)
        .order_by("id")
        .values_list("type", flat=True)
    )


def test_a_platform_cancels_its_paid_order_refunded_by_the_platform_method(demo):
    """Auto-accepted and prepaid = `paid` with its KOTs in the kitchens: the platform's
    cancellation refunds the prepayment (method `platform`), voids every line, sends one
    cancellation ticket per kitchen and records payment.refunded then order.cancelled."""
    order_id = post(body()).json()["data"]["order_id"]
    assert m.Order.objects.get(pk=order_id).status == "paid"
    response = cancel("SWG-1001", reason="Rider unavailable")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["status"] == "cancelled"
    order = m.Order.objects.get(pk=order_id)
    assert order.cancel_reason == "Swiggy: Rider unavailable"
    assert order.payment_status == "refunded" and order.refunded_total == Decimal("35.16")
    (payment,) = order.payments.all()
    assert payment.method.code == "platform" and payment.refunded_amount == Decimal("35.16")
    (refund,) = m.Refund.objects.filter(payment=payment)
    assert refund.amount == Decimal("35.16") and refund.created_by.username == "platforms-001"
    assert set(order.items.values_list("status", flat=True)) == {"void"}
    tickets = m.Kot.objects.filter(order_id=order_id, kind="cancellation")
    assert sorted(tickets.values_list("kitchen_id", flat=True)) == [1, 2]
    assert not m.Kot.objects.filter(order_id=order_id, kind="new").exclude(status="cancelled")
    kinds = _events(order_id)
    assert kinds.index("payment.refunded") < kinds.index("order.cancelled")
    assert "kot.voided" in kinds
    assert m.AuditEntry.objects.filter(order=order, kind="refund").count() == 1
    before = counts()
    again = cancel("SWG-1001")  # the platform's repeat: answered, nothing twice
    assert again.status_code == 200 and again.json()["data"]["status"] == "cancelled"
    assert counts() == before and m.Refund.objects.count() == 1


def test_a_platform_refund_needs_no_open_shift(demo):
    """No cash leaves a drawer: an outlet that requires an open shift for payments still
    takes the platform's cancellation."""
    order_id = post(body()).json()["data"]["order_id"]
    m.Outlet.objects.filter(pk=1).update(requires_open_shift=True)
    assert m.Shift.objects.filter(outlet_id=1, closed_at__isnull=True).count() == 0
    response = cancel("SWG-1001")
    assert response.status_code == 200, response.content
    assert m.Order.objects.get(pk=order_id).payment_status == "refunded"


def test_a_delivered_or_till_paid_platform_order_stays_closed(demo):
    order_id = post(body()).json()["data"]["order_id"]
    m.Order.objects.filter(pk=order_id).update(delivery_status="delivered")
    before = counts()
    closed = cancel("SWG-1001")
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "order_closed"
    assert counts() == before and not m.Refund.objects.exists()
    # paid at the door in cash (not prepaid): that money is the till's, not the platform's
    other = post(body(ref="SWG-3003", prepaid=False, amount=None)).json()["data"]["order_id"]
    cash = m.PaymentMethod.objects.get(code="cash")
    order = m.Order.objects.get(pk=other)
    from hub.services.payments import PaymentRequest, payments_capture

    payments_capture(
        order_id=other,
        outlet=order.outlet,
        requests=[PaymentRequest(payment_method=cash.code, amount=order.total)],
        by=m.Staff.objects.get(username="cashier"),
    )
    assert m.Order.objects.get(pk=other).status == "paid"
    refused = cancel("SWG-3003")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_closed"
    assert m.Order.objects.get(pk=other).status == "paid"


def test_a_cancelled_paid_platform_order_leaves_the_day_sales_as_if_never_paid(demo):
    """The sales report reads the day summary a payment adds to (hub/services/
    sales_summary.py); a platform's cancellation of its paid order takes that share back,
    so every group of the report still equals the report computed from the orders."""
    from hub.selectors.reports import sales_report, sales_report_from_orders
    from hub.services.clock import outlet_zone

    outlet = m.Outlet.objects.get(pk=1)
    zone = outlet_zone(outlet)
    kept = post(body(ref="SWG-5005")).json()["data"]["order_id"]  # stays paid
    gone = post(body()).json()["data"]["order_id"]
    day = m.Order.objects.get(pk=gone).business_date
    assert cancel("SWG-1001").status_code == 200
    for group_by in ("item", "category", "hour", "staff", "order_type", "payment_method"):
        summary = sales_report(
            outlet=outlet, zone=zone, date_from=day, date_to=day, group_by=group_by
        )
        orders = sales_report_from_orders(
            outlet=outlet, zone=zone, date_from=day, date_to=day, group_by=group_by
        )
        assert summary == orders, group_by
        assert summary["totals"]["orders"] == 1
        assert summary["totals"]["total"] == m.Order.objects.get(pk=kept).total
