"""GET /api/v1/pos/me: what a screen needs to start (docs/api.md "Screens", docs/screens.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Outlet


def _me(client):
    response = client.get("/api/v1/pos/me")
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.mark.embedded
def test_a_cook_gets_their_kitchen_and_the_outlets_ticket_thresholds(api_as):
    Outlet.objects.filter(pk=1).update(kds_warn_minutes=7, kds_late_minutes=15)
    me = _me(api_as("chef"))
    assert me["staff"]["role"] == "kitchen" and me["staff"]["username"] == "chef"
    assert me["outlet"] == {
        "id": 1,
        "code": "001",
        "name": "DesiBits Demo",
        "timezone": "Asia/Kolkata",
        "currency": "INR",
        "locale": "en_IN",
        "kds_warn_minutes": 7,
        "kds_late_minutes": 15,
        "kot_ack_seconds": 30,
    }
    assert me["kitchens"] == [{"id": 1, "name": "Main Kitchen"}]
    assert me["driver_id"] is None
    assert _me(api_as("bartender"))["kitchens"] == [{"id": 2, "name": "Bar"}]


@pytest.mark.embedded
def test_front_of_house_may_watch_every_kitchen_and_a_driver_gets_their_driver_id(api_as):
    waiter = _me(api_as("waiter"))
    assert [k["id"] for k in waiter["kitchens"]] == [1, 2]
    assert waiter["driver_id"] is None
    assert _me(api_as("driver"))["driver_id"] == 1
    # another outlet's kitchens never show
    assert all(k["id"] not in (1, 2) for k in _me(api_as("manager2"))["kitchens"])


def test_me_needs_a_token_and_answers_with_and_without_the_slash(api_as, anon):
    response = anon.get("/api/v1/pos/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert api_as("cashier").get("/api/v1/pos/me/").status_code == 200


def test_me_reads_a_fixed_number_of_queries(api_as):
    client = api_as("chef")
    with CaptureQueriesContext(connection) as queries:
        _me(client)
    assert len(queries) <= 6, [q["sql"] for q in queries]
