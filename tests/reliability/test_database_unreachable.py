"""PostgreSQL briefly unreachable: clear 503s in the envelope, then recovery without a restart.

pos_api/envelope.py maps django.db's OperationalError/InterfaceError to 503
`service_unavailable` with Retry-After; the connection pool (hub/settings.py)
checks connections before lending them and reconnects on its own.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory

from pos_api.middleware import ApiEnvelopeMiddleware

from .conftest import TcpProxy, call, token_for, wait_until


@pytest.mark.embedded
def test_a_database_error_in_a_view_answers_503_in_the_envelope(api_as, monkeypatch):
    from hub.selectors import floor

    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(floor, "tables_list", unreachable)
    response = api_as("waiter").get("/api/v1/pos/tables")
    assert response.status_code == 503
    assert response.json() == {
        "success": False,
        "error": {
            "code": "service_unavailable",
            "message": "The hub cannot reach its database right now; retry in a few seconds.",
            "request_id": response["X-Request-Id"],  # the id the logs carry (docs/operations.md)
        },
    }
    assert int(response["Retry-After"]) > 0


@pytest.mark.embedded
def test_a_database_error_outside_a_view_answers_503_too():
    middleware = ApiEnvelopeMiddleware(lambda request: None)
    request = RequestFactory().get("/api/v1/pos/tables")
    for error in (OperationalError("gone"), InterfaceError("connection already closed")):
        response = middleware.process_exception(request, error)
        assert response.status_code == 503
        assert response["Retry-After"]


def _proxied_database_url(proxy_port: int) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@127.0.0.1:{proxy_port}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_cut_answers_503_then_the_same_process_recovers(hubs, settings):
    if not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL (DATABASE_URL); CI runs it there")
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    try:
        hub = hubs(
            DATABASE_URL=_proxied_database_url(proxy.port),
            REDIS_URL="",  # this test is about the database only
            HUB_DB_POOL_TIMEOUT="2",
        )
        token = token_for("cashier")
        assert call(hub.http, "GET", "/api/v1/pos/tables", token=token).status == 200

        # given PostgreSQL unreachable: every pooled connection dropped, new ones refused
        proxy.cut()
        started = time.monotonic()
        reply = call(hub.http, "GET", "/api/v1/pos/tables", token=token, timeout=20)
        # then a read answers a clear 503, quickly, in the envelope
        assert reply.status == 503, reply
        assert reply.body["success"] is False
        assert reply.body["error"]["code"] == "service_unavailable"
        assert int(reply.headers["Retry-After"]) > 0
        assert time.monotonic() - started < 15
        # and so does a write (it must not be half done: retried below with its key)
        key = str(uuid.uuid4())
        order = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}], "notes": key}
        headers = {"Idempotency-Key": key}
        reply = call(
            hub.http, "POST", "/api/v1/pos/orders", token=token, body=order, headers=headers
        )
        assert reply.status == 503, reply
        assert reply.body["error"]["code"] == "service_unavailable"
        assert call(hub.http, "GET", "/readyz", timeout=20).status == 503

        # when PostgreSQL comes back
        proxy.restore()
        # then the same process answers again, without a restart
        wait_until(
            lambda: call(hub.http, "GET", "/api/v1/pos/tables", token=token).status == 200,
            timeout=40,
            what="the API to answer 200 again",
            interval=0.5,
        )
        reply = call(
            hub.http, "POST", "/api/v1/pos/orders", token=token, body=order, headers=headers
        )
        assert reply.status == 201, reply
        assert call(hub.http, "GET", "/readyz").status == 200
        assert hub.process.poll() is None

        from hub.models import Order

        assert Order.objects.filter(notes=key).count() == 1  # the retried write, once
    finally:
        proxy.close()
