"""Request ids and log lines (hub/request_id.py, docs/operations.md "Logs"): every line
has time, level, logger and the request id; the id is in the error envelope and the
X-Request-Id header; HUB_LOG_FORMAT=json writes JSON lines."""

import json
import logging
import time
import urllib.error
import urllib.request

import pytest

from hub.request_id import RequestIdFilter, accept_request_id
from tests.liveserver import run_daphne

SECRET = "Zq3kL9vXw2Rt8YpA1bC4dE6fG7hJ0mNoPqRsTuVwXyZ"


@pytest.mark.embedded
def test_a_sane_incoming_id_is_kept_anything_else_replaced():
    assert (
        accept_request_id("5f1c0e6a9b2d4c7e8f001122aabbccdd") == "5f1c0e6a9b2d4c7e8f001122aabbccdd"
    )
    assert accept_request_id(b"trace-01.abc:42") == "trace-01.abc:42"
    for bad in (None, "", "short", "x" * 129, 'a" injected="1', "line\nbreak-000000"):
        replaced = accept_request_id(bad)
        assert replaced != bad and len(replaced) == 32


@pytest.mark.embedded
@pytest.mark.django_db
def test_the_envelope_and_the_header_carry_the_id_of_the_requests_log_lines(client, caplog):
    with caplog.at_level(logging.INFO, logger="hub.access"):
        response = client.get("/api/v1/pos/orders", HTTP_X_REQUEST_ID="proxy-id-0001")
    assert response.status_code == 401
    assert response["X-Request-Id"] == "proxy-id-0001"
    assert response.json()["error"]["request_id"] == "proxy-id-0001"
    line = next(r for r in caplog.records if r.name == "hub.access")
    RequestIdFilter().filter(line)
    assert line.request_id == "proxy-id-0001"
    assert line.levelname == "WARNING" and line.status == 401
    assert line.route == "/api/v1/pos/orders"

    fresh = client.get("/api/v1/pos/orders")
    assert fresh["X-Request-Id"] not in ("", "proxy-id-0001")
    assert fresh.json()["error"]["request_id"] == fresh["X-Request-Id"]
    assert client.get("/healthz")["X-Request-Id"]  # every response, not only the API's


def _get(url: str, headers: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_a_failed_requests_json_log_line_has_the_id_of_its_envelope(transactional_demo):
    with run_daphne("jsonlogs", HUB_LOG_FORMAT="json") as server:
        status, headers, body = _get(
            server.http + "/api/v1/pos/orders/999999999",
            {"Authorization": f"Bearer {SECRET}", "Accept": "application/json"},
        )
        assert status == 401
        request_id = body["error"]["request_id"]
        assert headers["X-Request-Id"] == request_id
        time.sleep(0.3)  # the line is written after the response
    lines = server.log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    # every line daphne's process wrote after logging was configured is JSON
    assert records, lines[-20:]
    for record in records:
        assert {"time", "level", "logger", "request_id", "message"} <= record.keys(), record
    mine = [r for r in records if r["request_id"] == request_id]
    access = [r for r in mine if r["logger"] == "hub.access"]
    assert access, mine
    assert access[0]["level"] == "WARNING"
    assert access[0]["status"] == 401
    assert access[0]["route"].startswith("/api/v1/pos/orders/")
    assert SECRET not in server.log_path.read_text()
