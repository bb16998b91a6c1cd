"""A transaction that loses a lock race is run again, and never answers 503 (hub/db_retry.py,
CONTRACT 3: "a deadlock is never shown to the client as 503")."""

from __future__ import annotations

from unittest import mock

import psycopg
import pytest
from django.db import OperationalError

from hub.models import Order
from hub.services import orders

BODY = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]}


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    return error


def _losing(times: int):
    """sequence_next that loses `times` lock races, then works."""
    real = orders.sequence_next
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise _deadlock()
        return real(**kwargs)

    return flaky, calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_key", [False, True])
def test_a_lost_race_is_run_again_and_succeeds(transactional_demo, api_as, with_key):
    flaky, calls = _losing(2)
    headers = {"HTTP_IDEMPOTENCY_KEY": "race-retry-1"} if with_key else {}
    with mock.patch.object(orders, "sequence_next", flaky):
        response = api_as("cashier").post("/api/v1/pos/orders", BODY, format="json", **headers)
    assert response.status_code == 201, response.content
    assert calls["n"] == 3  # two lost races, then the third run went through
    assert Order.objects.count() == 1  # the failed runs left nothing behind


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_key", [False, True])
def test_a_race_lost_every_time_answers_409_not_503(transactional_demo, api_as, with_key):
    flaky, calls = _losing(100)
    headers = {"HTTP_IDEMPOTENCY_KEY": "race-retry-2"} if with_key else {}
    with mock.patch.object(orders, "sequence_next", flaky):
        response = api_as("cashier").post("/api/v1/pos/orders", BODY, format="json", **headers)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "concurrent_update"
    assert calls["n"] == 4 and Order.objects.count() == 0
    # the key is not spent on a failure: the client's retry runs
    with mock.patch.object(orders, "sequence_next", _losing(0)[0]):
        again = api_as("cashier").post("/api/v1/pos/orders", BODY, format="json", **headers)
    assert again.status_code == 201
