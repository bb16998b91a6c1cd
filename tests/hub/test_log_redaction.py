"""No token in any log line (hub/log_redaction.py, docs/operations.md "Logs and tokens"):
Python logging in-process, and a real daphne's access log and output."""

import asyncio
import io
import logging

import pytest

from hub.log_redaction import redact
from tests.liveserver import HttpClient, run_daphne

SECRET = "Zq3kL9vXw2Rt8YpA1bC4dE6fG7hJ0mNoPqRsTuVwXyZ"


@pytest.mark.embedded
def test_redact_replaces_token_values_and_keeps_the_rest():
    assert redact(f"GET /ws/v1/orders/?since=4&token={SECRET}&x=1") == (
        "GET /ws/v1/orders/?since=4&token=[redacted]&x=1"
    )
    assert redact(f"/admin/login/?next=/x%3Ftoken%3D{SECRET}") == (
        "/admin/login/?next=/x%3Ftoken%3D[redacted]"
    )
    assert SECRET not in redact(f"Authorization: Bearer {SECRET}")
    assert SECRET not in redact(f"subprotocols ['bearer.{SECRET}']")
    assert redact("GET /api/v1/pos/orders?page=2 200") == "GET /api/v1/pos/orders?page=2 200"


@pytest.mark.embedded
@pytest.mark.parametrize(
    "logger_name", ["django.request", "hub.api", "daphne.management.commands.runserver"]
)
def test_every_logger_gets_redacted_records(caplog, logger_name):
    with caplog.at_level(logging.INFO, logger=logger_name):
        # the shape daphne's runserver logs an HTTP request with (a dict of details)
        logging.getLogger(logger_name).warning(
            "HTTP %(method)s %(path)s %(status)s",
            {"method": "GET", "path": f"/api/v1/pos/orders?token={SECRET}", "status": 401},
        )
    assert caplog.records[-1].getMessage() == "HTTP GET /api/v1/pos/orders?token=[redacted] 401"
    assert SECRET not in caplog.text


@pytest.mark.embedded
def test_exception_text_is_redacted_too(caplog):
    try:
        raise ValueError(f"cannot open ws://hub/ws/v1/floor/?token={SECRET}")
    except ValueError:
        logging.getLogger("hub.api").exception("connection failed")
    assert SECRET not in caplog.text
    assert "token=[redacted]" in caplog.text


@pytest.mark.embedded
def test_daphnes_access_log_generator_is_redacted(caplog):
    from daphne.access import AccessLogGenerator

    stream = io.StringIO()
    log = AccessLogGenerator(stream)
    details = {"method": "GET", "status": 200, "size": 10, "client": "127.0.0.1:5"}
    with caplog.at_level(logging.DEBUG, logger="daphne.access"):
        log("http", "complete", dict(details, path=f"/api/v1/pos/orders?token={SECRET}"))
        log("websocket", "connected", {"path": f"/ws/v1/orders/?token={SECRET}", "client": None})
    # through logging (time, level, format of every line), never the raw stream
    assert stream.getvalue() == ""
    assert SECRET not in caplog.text
    assert caplog.text.count("token=[redacted]") == 2
    assert [r.levelname for r in caplog.records] == ["DEBUG", "INFO"]


def _websocket_with_query_token(base: str, token: str) -> None:
    import websockets

    async def go():
        url = base.replace("http", "ws", 1) + f"/ws/v1/orders/?token={token}"
        async with websockets.connect(url, open_timeout=10) as ws:
            await asyncio.wait_for(ws.recv(), timeout=10)  # hello: accepted and served

    asyncio.run(go())


def test_a_real_daphne_writes_no_token_to_its_output(transactional_demo):
    from hub.models import Staff
    from hub.services.tokens import token_issue

    token = token_issue(staff=Staff.objects.get(username="waiter"), label="redaction test")
    with run_daphne("redaction") as server:
        client = HttpClient(server.http)
        # a token in a REST query string (ignored by auth: 401), then a live stream's
        status, _ = client.call("GET", f"/api/v1/pos/payment-methods?token={token}")
        assert status == 401
        _websocket_with_query_token(server.http, token)
    output = server.log_path.read_text()  # all of it, once daphne has stopped
    assert token not in output
    # the hub's access line (the path without its query) and daphne's WebSocket line
    assert "hub.access" in output and "GET /api/v1/pos/payment-methods 401" in output
    assert "WSCONNECT /ws/v1/orders/" in output
