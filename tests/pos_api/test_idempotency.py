"""Idempotency-Key on POST and PUT (CONTRACT 3; pos_api/idempotency.py)."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import IdempotencyRecord, Order, Staff
from hub.services.tokens import token_issue
from tests.concurrency import run_concurrently

TAKEAWAY = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 2, "note": "No onions"}]}


def key() -> str:
    return str(uuid.uuid4())


@pytest.mark.embedded
def test_same_key_same_body_replays_the_first_answer_and_does_nothing_again(api_as):
    client = api_as("cashier")
    k = key()
    first = client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    count = Order.objects.count()
    again = client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content  # byte for byte, key order included
    assert Order.objects.count() == count


def test_key_order_and_whitespace_of_the_body_do_not_matter(api_as):
    client = api_as("cashier")
    k = key()
    client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    reordered = (
        '{"items": [{"note": "No onions", "quantity": 2, "menu_item_id": 15}],  "order_type_id": 2}'
    )
    again = client.generic(
        "POST",
        "/api/v1/pos/orders/",
        reordered,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=k,
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_same_key_different_body_is_409_reused(api_as):
    client = api_as("cashier")
    k = key()
    client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    count = Order.objects.count()
    other = client.post(
        "/api/v1/pos/orders",
        {**TAKEAWAY, "notes": "different"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=k,
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    elsewhere = client.put("/api/v1/pos/orders/1", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert elsewhere.status_code == 409
    assert Order.objects.count() == count


def test_keys_belong_to_one_staff_user(api_as):
    k = key()
    first = api_as("cashier").post(
        "/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k
    )
    second = api_as("manager").post(
        "/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k
    )
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert first.json()["data"]["id"] != second.json()["data"]["id"]


def test_an_error_answer_is_replayed_and_its_writes_rolled_back(api_as):
    client = api_as("waiter")
    k = key()
    body = {
        "order_type_id": 1,
        "table_id": 2,
        "items": [{"menu_item_id": 15, "quantity": 1, "price": 1}],
    }
    count = Order.objects.count()
    first = client.post("/api/v1/pos/orders", body, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert first.status_code == 422
    again = client.post("/api/v1/pos/orders", body, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert again.status_code == 422 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Order.objects.count() == count


def test_put_is_idempotent_too_the_version_rises_once(api_as):
    client = api_as("waiter")
    order = client.post("/api/v1/pos/orders", TAKEAWAY, format="json").json()["data"]
    k = key()
    for _ in range(3):
        response = client.put(
            f"/api/v1/pos/orders/{order['id']}",
            {"notes": "hello"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=k,
        )
        assert response.status_code == 200
    assert Order.objects.get(pk=order["id"]).version == 2


def test_bad_keys_are_400(api_as):
    client = api_as("cashier")
    for bad in ("x" * 256, "  ", "tab\there"):
        response = client.post(
            "/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=bad
        )
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "validation_error"


def test_get_and_unauthenticated_requests_ignore_the_key(api_as, anon):
    client = api_as("cashier")
    k = key()
    assert client.get("/api/v1/pos/orders", HTTP_IDEMPOTENCY_KEY=k).status_code == 200
    login = anon.post(
        "/api/v1/auth/login",
        {"username": "cashier", "password": "demo1234"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=k,
    )
    assert login.status_code == 200
    assert not IdempotencyRecord.objects.filter(key=k).exists()


def test_an_unfinished_key_left_by_a_crash_is_run_by_the_retry(api_as):
    client = api_as("cashier")
    k = key()
    first = client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    record = IdempotencyRecord.objects.get(key=k)
    # as if the first request died before committing: the claim stays, unfinished
    Order.objects.filter(pk=first.json()["data"]["id"]).delete()
    record.completed, record.response_status, record.response_body = False, None, None
    record.save()
    retry = client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert IdempotencyRecord.objects.get(key=k).completed


def test_prune_command_forgets_keys_after_24_hours(api_as):
    client = api_as("cashier")
    old, recent = key(), key()
    client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=old)
    client.post("/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=recent)
    IdempotencyRecord.objects.filter(key=old).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    # an expired key counts as new even before the prune runs
    count = Order.objects.count()
    reused = client.post(
        "/api/v1/pos/orders",
        {**TAKEAWAY, "notes": "next day"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=old,
    )
    assert reused.status_code == 201 and Order.objects.count() == count + 1
    IdempotencyRecord.objects.filter(key=old).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    call_command("prune_idempotency")
    assert not IdempotencyRecord.objects.filter(key=old).exists()
    assert IdempotencyRecord.objects.filter(key=recent).exists()


@pytest.mark.postgres
def test_concurrent_requests_with_one_key_create_exactly_one_order(transactional_demo):
    staff = Staff.objects.get(username="cashier")
    token = token_issue(staff=staff)
    k = key()
    before = Order.objects.count()

    def fire(_index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = client.post(
            "/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k
        )
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    results = run_concurrently(fire, 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Order.objects.count() == before + 1
    assert {status for status, _, _ in results} == {201}
    assert len({body["data"]["id"] for _, body, _ in results}) == 1
    assert sorted(replayed or "" for _, _, replayed in results) == [""] + ["true"] * 7


@pytest.mark.postgres
def test_concurrent_updates_with_one_key_raise_the_version_once(transactional_demo):
    staff = Staff.objects.get(username="waiter")
    token = token_issue(staff=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    order_id = client.post("/api/v1/pos/orders", TAKEAWAY, format="json").json()["data"]["id"]
    k = key()

    def fire(_index):
        own = APIClient()
        own.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        items = {"items": [{"menu_item_id": 16, "quantity": 1}]}
        return own.put(
            f"/api/v1/pos/orders/{order_id}", items, format="json", HTTP_IDEMPOTENCY_KEY=k
        ).status_code

    assert run_concurrently(fire, 6) == [200] * 6
    order = Order.objects.get(pk=order_id)
    assert order.version == 2 and order.items.count() == 1


@pytest.mark.postgres
def test_a_duplicate_that_cannot_get_the_key_in_time_gets_409_in_progress(
    transactional_demo, monkeypatch
):
    import threading

    from django.db import connection, transaction

    from pos_api import idempotency

    staff = Staff.objects.get(username="cashier")
    token = token_issue(staff=staff)
    k = key()
    record = IdempotencyRecord.objects.create(
        staff=staff, key=k, method="POST", path="/api/v1/pos/orders", request_hash="h"
    )
    monkeypatch.setattr(idempotency, "request_hash", lambda request: "h")
    monkeypatch.setattr(idempotency, "IDEMPOTENCY_WAIT_SECONDS", 1)
    locked, release = threading.Event(), threading.Event()

    def first_request_still_running():
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.select_for_update().get(pk=record.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=first_request_still_running)
    holder.start()
    try:
        assert locked.wait(10)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        count = Order.objects.count()
        response = client.post(
            "/api/v1/pos/orders", TAKEAWAY, format="json", HTTP_IDEMPOTENCY_KEY=k
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_in_progress"
        assert Order.objects.count() == count
    finally:
        release.set()
        holder.join(10)
