"""Outbound webhooks against a real HTTP receiver on 127.0.0.1 (CONTRACT 16;
docs/integrations.md "Webhooks"): down, then 500, then 200 -> every event arrives, in
order per stream, signed; a hanging receiver does not hold up another; REST rules."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from hub import models as m
from hub.services import webhooks as svc
from pos_api.webhooks_delivery import webhooks_pass
from tests.given import order_given
from tests.integrations.receiver import Receiver

pytestmark = pytest.mark.embedded  # also on SQLite; the real-socket tests need PostgreSQL

SECRET = "a-receivers-secret-of-some-length"
TYPES = ["order.created", "order.status_changed", "kot.created", "payment.received"]
POS = "/api/v1/pos"


def subscribe(client, url, types=TYPES, secret=SECRET):
    response = client.post(
        f"{POS}/webhooks", {"url": url, "secret": secret, "event_types": types}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]


def recorded(sub_id: int) -> list[m.Event]:
    sub = m.WebhookSubscription.objects.get(pk=sub_id)
    return list(
        m.Event.objects.filter(
            outlet_id=sub.outlet_id, id__gt=sub.start_event_id, type__in=sub.event_types
        ).order_by("id")
    )


def make_due(sub_id: int) -> None:
    """Time passing: the next retry is due now (the backoff itself is asserted apart)."""
    m.WebhookSubscription.objects.filter(pk=sub_id).update(next_attempt_at=timezone.now())


def run_until_idle(rounds: int = 50) -> None:
    for _ in range(rounds):
        if not webhooks_pass():
            return


def assert_all_delivered(receiver: Receiver, sub_id: int) -> None:
    events = recorded(sub_id)
    got = receiver.messages()
    assert {e["id"] for e in got} == {e.pk for e in events}, "an event was lost"
    assert len(got) == len({e["id"] for e in got}), "an event was delivered twice"
    by_stream: dict[str, list[int]] = {}
    for message in got:
        by_stream.setdefault(message["stream"], []).append(message["seq"])
    for stream, seqs in by_stream.items():
        assert seqs == sorted(seqs), f"{stream} out of order: {seqs}"
    for message, raw, headers in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Hub-Signature"], expected)
        event = next(e for e in events if e.pk == message["id"])
        assert set(message) == {"id", "type", "stream", "seq", "at", "data"}
        assert (message["type"], message["stream"], message["seq"]) == (
            event.type,
            event.stream,
            event.seq,
        )


@pytest.mark.postgres
def test_down_then_500_then_200_every_event_arrives_in_order_signed(transactional_demo, api_as):
    receiver = Receiver()  # not started: nothing listens on its port
    manager = api_as("manager")
    before = order_given(status="kot")  # recorded before the subscription: never sent
    sub = subscribe(manager, receiver.url)
    orders = [order_given(status="paid"), order_given(status="kot")]
    assert len(recorded(sub["id"])) >= 8
    assert not m.Event.objects.filter(
        id__gt=sub_start(sub), data__order_id=before.pk, type="order.created"
    ).exists()

    # down: connection refused, recorded, retried within 10 s
    t0 = timezone.now()
    assert webhooks_pass() == 0
    state = m.WebhookSubscription.objects.get(pk=sub["id"])
    assert state.head_attempts == 1 and state.failing_since is not None
    assert state.next_attempt_at - t0 <= timedelta(seconds=10)
    (attempt,) = manager.get(f"{POS}/webhooks/{sub['id']}/deliveries").json()["data"]
    assert attempt["delivered"] is False and attempt["status_code"] is None
    assert "Connection" in attempt["error"] or "refused" in attempt["error"].lower()
    assert webhooks_pass() == 0  # not due yet: nothing tried
    assert m.WebhookDelivery.objects.filter(subscription_id=sub["id"]).count() == 1

    # 500: tried again, still pending, the backoff grows
    receiver.status = 500
    receiver.start()
    try:
        make_due(sub["id"])
        assert webhooks_pass() == 0
        make_due(sub["id"])
        assert webhooks_pass() == 0
        state = m.WebhookSubscription.objects.get(pk=sub["id"])
        assert state.head_attempts == 3 and state.last_error == "HTTP 500"
        assert receiver.answered == [500, 500]
        # more events meanwhile, then 200: everything arrives
        orders.append(order_given(status="paid"))
        receiver.status = 200
        make_due(sub["id"])
        run_until_idle()
        assert_all_delivered(receiver, sub["id"])
        assert not svc.webhook_pending_events(m.WebhookSubscription.objects.get(pk=sub["id"]))
        state = m.WebhookSubscription.objects.get(pk=sub["id"])
        assert state.failing_since is None and state.head_attempts == 0
        # the receiver goes away and comes back: nothing lost
        receiver.stop()
        orders.append(order_given(status="kot"))
        assert webhooks_pass() == 0
        receiver.start()
        make_due(sub["id"])
        run_until_idle()
        assert_all_delivered(receiver, sub["id"])
        kinds = {msg["type"] for msg in receiver.messages()}
        assert kinds == set(TYPES)
        log = manager.get(f"{POS}/webhooks/{sub['id']}/deliveries?per_page=100").json()
        assert log["meta"]["total"] == len(receiver.messages()) + 4  # + refused, 500, 500, down
    finally:
        receiver.stop()


def sub_start(sub) -> int:
    return m.WebhookSubscription.objects.get(pk=sub["id"]).start_event_id


@pytest.mark.postgres
def test_a_hanging_receiver_does_not_hold_up_another(transactional_demo, api_as):
    slow, fast = Receiver().start(), Receiver().start()
    slow.hang = 8.0  # longer than the read timeout (5 s)
    try:
        manager = api_as("manager")
        slow_sub = subscribe(manager, slow.url, types=["order.created"])
        fast_sub = subscribe(manager, fast.url, types=["order.created"])
        for _ in range(3):
            order_given()
        started = time.monotonic()
        webhooks_pass()
        elapsed = time.monotonic() - started
        assert len(fast.messages()) == 3  # all of them, in the same pass
        assert elapsed < 7.5  # the slow one timed out after 5 s; nobody waited for it
        state = m.WebhookSubscription.objects.get(pk=slow_sub["id"])
        assert state.head_attempts == 1 and "Timeout" in state.last_error
        assert m.WebhookSubscription.objects.get(pk=fast_sub["id"]).head_attempts == 0
    finally:
        slow.hang = 0
        slow.stop()
        fast.stop()


def test_backoff_first_retry_within_10_s_then_growing_and_24_h_disables(demo):
    delays = [svc.backoff_seconds(n) for n in range(1, 15)]
    assert delays[0] <= 10 and delays == sorted(delays) and delays[-1] == 3600
    sub = m.WebhookSubscription.objects.create(
        outlet_id=1, url="http://127.0.0.1:9/x", secret_sealed="", event_types=[]
    )
    order_given()
    event = m.Event.objects.order_by("-id").first()
    start = timezone.now() - timedelta(hours=25)
    svc.webhook_attempt_record(
        subscription_id=sub.pk, event=event, status_code=500, error="", delivered=False, now=start
    )
    svc.webhook_attempt_record(
        subscription_id=sub.pk, event=event, status_code=500, error="", delivered=False
    )
    sub.refresh_from_db()
    assert sub.disabled_at is not None
    disabled = m.Event.objects.get(type="webhook.disabled")
    assert disabled.stream == "orders.1" and disabled.data["webhook_id"] == sub.pk
    assert disabled.data["last_error"] == "HTTP 500"
    assert svc.webhooks_claim() == []  # disabled: not tried any more


def test_webhook_rest_rules(api_as, settings):
    manager, cashier = api_as("manager"), api_as("cashier")
    body = {"url": "http://127.0.0.1:9000/h", "secret": SECRET, "event_types": ["kot.created"]}
    assert cashier.post(f"{POS}/webhooks", body, format="json").status_code == 403
    assert cashier.get(f"{POS}/webhooks").status_code == 403
    created = manager.post(f"{POS}/webhooks", body, format="json")
    assert created.status_code == 201
    data = created.json()["data"]
    assert "secret" not in data and data["event_types"] == ["kot.created"]
    assert m.WebhookSubscription.objects.get(pk=data["id"]).secret_sealed != SECRET
    for bad in (
        {**body, "url": "ftp://x/y"},
        {**body, "secret": "short"},
        {**body, "event_types": ["no.such"]},
        {**body, "event_types": []},
    ):
        response = manager.post(f"{POS}/webhooks", bad, format="json")
        assert response.status_code == 400, bad
    settings.HUB_WEBHOOK_DENY_PRIVATE = True
    denied = manager.post(f"{POS}/webhooks", body, format="json")
    assert denied.status_code == 400 and "url" in denied.json()["error"]["fields"]
    settings.HUB_WEBHOOK_DENY_PRIVATE = False
    other = api_as("manager2")
    assert other.get(f"{POS}/webhooks").json()["data"] == []
    assert other.delete(f"{POS}/webhooks/{data['id']}").status_code == 404
    assert other.get(f"{POS}/webhooks/{data['id']}/deliveries").status_code == 404
    listed = manager.get(f"{POS}/webhooks").json()["data"]
    assert [w["id"] for w in listed] == [data["id"]]
    assert manager.delete(f"{POS}/webhooks/{data['id']}").status_code == 200
    assert manager.get(f"{POS}/webhooks").json()["data"] == []


def test_the_webhook_lists_take_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    manager = api_as("manager")
    sub = subscribe(manager, "http://127.0.0.1:9/h")
    order_given()
    event = m.Event.objects.latest("id")
    for extra in (1, 30):
        for n in range(extra):
            svc.webhook_attempt_record(
                subscription_id=sub["id"], event=event, status_code=500, error="", delivered=False
            )
            m.WebhookSubscription.objects.create(
                outlet_id=1, url=f"http://127.0.0.1:9/{extra}-{n}", secret_sealed="", event_types=[]
            )
        with django_assert_max_num_queries(6):
            assert manager.get(f"{POS}/webhooks").status_code == 200
        with django_assert_max_num_queries(7):
            page = manager.get(f"{POS}/webhooks/{sub['id']}/deliveries?per_page=100")
            assert page.status_code == 200 and page.json()["meta"]["total"] >= extra


@pytest.mark.postgres
def test_a_subscription_deleted_mid_delivery_gets_nothing_more(
    transactional_demo, api_as, monkeypatch
):
    import pos_api.webhooks_delivery as delivery

    receiver = Receiver().start()
    try:
        sub = subscribe(api_as("manager"), receiver.url)
        order_given(status="paid")
        assert len(recorded(sub["id"])) > 3
        record = svc.webhook_attempt_record

        def record_then_delete(**kwargs):
            record(**kwargs)
            m.WebhookSubscription.objects.filter(pk=sub["id"]).delete()  # a manager, meanwhile
            return None  # what the service answers for a subscription that is gone

        monkeypatch.setattr(delivery.svc, "webhook_attempt_record", record_then_delete)
        webhooks_pass()
        assert len(receiver.messages()) == 1  # the one in flight, then nothing more
    finally:
        receiver.stop()
