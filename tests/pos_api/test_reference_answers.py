"""The API's answers to the reference's own payloads, byte for byte (docs/api.md, CONTRACT 9).

A refactor that means to change no behaviour (the event registry, the error-code
catalogue, the print snapshot, the demo as data) must leave every byte of these
answers as it was. The scenario sends the payloads of tests/fixtures/api_reference.json
to the seeded demo, as the roles that send them in a restaurant, and compares each
answer's status and body with tests/fixtures/reference_answers.txt, which was written
by the code before those refactors.

What may differ between runs, and only that, is normalised:

- ISO 8601 timestamps (`created_at`, `updated_at`, `paid_at`...) become `"<timestamp>"`;
- the outlet's business date of today becomes `"<business_date>"`.

Ids are not rewritten: the test starts every hub table's id sequence at 1000001 (and
puts the sequences back afterwards), so the ids in the answers are the same on every
run, whatever other tests created before.

After a change that is meant to change these answers, regenerate the file with
`HUB_WRITE_REFERENCE_ANSWERS=1 pytest tests/pos_api/test_reference_answers.py` (the
run then fails, so that a regenerated file is always looked at) and review its diff.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = json.loads((ROOT / "tests" / "fixtures" / "api_reference.json").read_text())
GOLDEN = ROOT / "tests" / "fixtures" / "reference_answers.txt"
ID_BASE = 1_000_000

TIMESTAMP = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"')
REQUEST_ID = re.compile(rb'"request_id":"[A-Za-z0-9._:\-]+"')


def _reference(title: str) -> dict:
    """The reference's request payload of the operation called `title`."""
    (operation,) = [o for o in REFERENCE["operations"] if o["title"] == title and "request" in o]
    return operation["request"]


@contextlib.contextmanager
def _ids_from(base: int):
    """Every hub table hands out ids from base + 1 inside the block.

    PostgreSQL's sequences are not transactional, so each one is put back afterwards;
    SQLite's sqlite_sequence is, and the test's rollback puts it back."""
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("hub").get_models()
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    ]
    saved = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608 - model tables
            highest = cursor.fetchone()[0] or 0
            assert highest < base, f"{table} already has id {highest}: pick a higher base"
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                saved.append((sequence, *cursor.fetchone()))
                cursor.execute("SELECT setval(%s, %s)", [sequence, base])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, base]
                )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sequence, last_value, is_called in saved:
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])


def _outlet_today(outlet) -> date:
    return timezone.now().astimezone(ZoneInfo(outlet.timezone)).date()


class Recorder:
    """Sends requests as demo users and keeps each answer: "### METHOD path -> status",
    then the body's bytes on one line."""

    def __init__(self, api_as):
        self.api_as = api_as
        self.lines: list[bytes] = []

    def send(self, username: str, method: str, path: str, body: dict | None = None) -> dict:
        client = self.api_as(username)
        if body is None:
            response = client.generic(method, path)
        else:
            response = client.generic(
                method, path, json.dumps(body), content_type="application/json"
            )
        self.lines.append(f"### {username}: {method} {path} -> {response.status_code}".encode())
        self.lines.append(response.content)
        return response.json()

    def normalised(self, days: set[date]) -> bytes:
        text = b"\n".join(self.lines) + b"\n"
        text = TIMESTAMP.sub(b'"<timestamp>"', text)
        # each request's own id (hub/request_id.py), new on every run
        text = REQUEST_ID.sub(b'"request_id":"<request_id>"', text)
        for day in days:
            text = text.replace(f'"{day.isoformat()}"'.encode(), b'"<business_date>"')
        return text


def _scenario(api: Recorder) -> None:
    orders = "/api/v1/pos/orders"
    create = _reference("Create Order")
    payment = _reference("Process Payment")

    api.send("cashier", "GET", "/api/v1/pos/payment-methods")

    # the reference's dine-in order, its KOT, its kitchen's way, its payment
    order = api.send("cashier", "POST", orders, create)["data"]
    api.send("cashier", "GET", f"{orders}/{order['id']}")
    kot = api.send("waiter", "POST", f"{orders}/{order['id']}/kot")["data"]
    api.send("chef", "PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": "in_kitchen"})
    api.send("chef", "PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": "food_ready"})
    api.send("waiter", "PUT", f"/api/v1/pos/kot/{kot['id']}/status", {"status": "served"})
    api.send("cashier", "POST", f"/api/v1/pos/kot/{kot['id']}/reprint")
    api.send("cashier", "GET", f"{orders}/{order['id']}/payment-status")
    # the reference's payment is more than this order's 24.54: refused
    api.send("cashier", "POST", f"{orders}/{order['id']}/payment", payment)
    api.send("cashier", "PUT", f"{orders}/{order['id']}/status", {"status": "billed"})
    split = {
        "payments": [
            {"payment_method": "card", "amount": "14.54", "transaction_id": "TXN123456"},
            {"payment_method": "cash", "amount": 20},
        ]
    }
    api.send("cashier", "POST", f"{orders}/{order['id']}/split-payment", split)
    api.send("cashier", "GET", f"{orders}/{order['id']}")
    api.send("cashier", "GET", f"{orders}/{order['id']}/payment-status")

    # a takeaway of 4 x Paneer Tikka (54.56): the reference's payment is a part of it
    takeaway = {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 4}]}
    second = api.send("cashier", "POST", orders, takeaway)["data"]
    api.send("cashier", "POST", f"{orders}/{second['id']}/kot")
    api.send("cashier", "POST", f"{orders}/{second['id']}/payment", payment)
    api.send("cashier", "GET", f"{orders}/{second['id']}/payment-status")
    rest = {"payment_method": "cash", "amount": 10}
    api.send("cashier", "POST", f"{orders}/{second['id']}/payment", rest)
    api.send("cashier", "GET", f"{orders}/{second['id']}")

    # the reference's order again, on another table, with a drink; sent, then cancelled
    third_body = {**create, "table_id": 6}
    third_body["items"] = [*create["items"], {"menu_item_id": 16, "quantity": 1}]
    third = api.send("waiter", "POST", orders, {**third_body, "discount_value": 0})["data"]
    api.send("waiter", "POST", f"{orders}/{third['id']}/kot")
    api.send("waiter", "POST", f"{orders}/{third['id']}/cancel", {"reason": "Guest left"})
    api.send("waiter", "GET", f"{orders}/{third['id']}")

    api.send("cashier", "GET", f"{orders}?per_page=5")


@pytest.mark.embedded
def test_the_reference_payloads_get_the_answers_they_always_got(api_as, demo):
    api = Recorder(api_as)
    days = {_outlet_today(demo)}
    with _ids_from(ID_BASE):
        _scenario(api)
    days.add(_outlet_today(demo))  # a run across the outlet's midnight
    answers = api.normalised(days)
    if os.environ.get("HUB_WRITE_REFERENCE_ANSWERS"):
        GOLDEN.write_bytes(answers)
        pytest.fail(f"wrote {GOLDEN.relative_to(ROOT)}: review its diff, then run again")
    expected = GOLDEN.read_bytes()
    assert answers.splitlines() == expected.splitlines()  # line by line: a readable diff
    assert answers == expected
