"""End to end: real daphne processes on 127.0.0.1, the Redis channel layer, PostgreSQL.

docs/realtime.md. The test process shares the test database with the daphne
subprocesses (transactional tests commit), and its own record_event publishes
through Redis like any worker would.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.realtime.conftest import arecord, atoken_for, http_json

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

STEP = 10  # seconds: the bound on any single wait


async def recv(ws, timeout: float = STEP) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, predicate, timeout: float = STEP) -> dict:
    """The first message matching `predicate` (others of the stream are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await recv(ws, timeout)
            if predicate(message):
                return message


async def nothing_more(ws, timeout: float = 0.5) -> bool:
    try:
        message = await asyncio.wait_for(ws.recv(), timeout)
    except TimeoutError:
        return True
    raise AssertionError(f"unexpected message {message}")


async def test_a_screen_that_drops_out_resumes_with_exactly_the_missed_events(live_hubs):
    (hub,) = live_hubs(1)
    token = await atoken_for("chef")
    url = f"{hub.ws}/ws/v1/kitchens/1/?token={token}"

    async with websockets.connect(url, open_timeout=STEP) as ws:
        assert await recv(ws) == {"type": "hello", "stream": "kitchen.1", "seq": 0}
        await arecord("kitchen.1", 2)  # committed here, published through Redis
        first = [await recv(ws), await recv(ws)]
        assert [e["seq"] for e in first] == [1, 2]
        assert set(first[0]) == {"type", "stream", "seq", "at", "data"}
        last_seen = first[-1]["seq"]

    await arecord("kitchen.1", 3)  # while the screen is away: 3, 4, 5

    async with websockets.connect(f"{url}&since={last_seen}", open_timeout=STEP) as ws:
        assert await recv(ws) == {"type": "hello", "stream": "kitchen.1", "seq": 5}
        assert [(await recv(ws))["seq"] for _ in range(3)] == [3, 4, 5]
        assert await nothing_more(ws)
        await arecord("kitchen.1", 1)
        assert (await recv(ws))["seq"] == 6  # and live again
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong", "stream": "kitchen.1", "seq": 6}


async def test_close_codes_and_the_bearer_subprotocol_over_a_real_server(live_hubs):
    (hub,) = live_hubs(1)
    for path, username, code in [
        ("/ws/v1/kitchens/1/", None, 4401),
        ("/ws/v1/kitchens/2/", "chef", 4403),
        ("/ws/v1/drivers/2/", "driver", 4403),
        ("/ws/v1/kitchens/3/", "chef", 4404),
    ]:
        query = f"?token={await atoken_for(username)}" if username else ""
        async with websockets.connect(hub.ws + path + query, open_timeout=STEP) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await recv(ws)
        assert closed.value.rcvd.code == code, (path, username)

    token = await atoken_for("cashier")
    async with websockets.connect(
        hub.ws + "/ws/v1/printers/1", subprotocols=[f"bearer.{token}"], open_timeout=STEP
    ) as ws:
        assert ws.subprotocol == f"bearer.{token}"
        assert (await recv(ws))["type"] == "hello"


async def test_a_change_through_one_worker_reaches_a_screen_on_the_other(live_hubs):
    """Two daphne processes share only PostgreSQL and Redis: a waiter's REST call on A
    reaches the floor screen and the kitchen screen connected to B."""
    hub_a, hub_b = live_hubs(2)
    waiter, chef = await atoken_for("waiter"), await atoken_for("chef")
    floor_url = f"{hub_b.ws}/ws/v1/floor/?token={waiter}"
    kitchen_url = f"{hub_b.ws}/ws/v1/kitchens/1/?token={chef}"
    async with (
        websockets.connect(floor_url, open_timeout=STEP) as floor,
        websockets.connect(kitchen_url, open_timeout=STEP) as kitchen,
    ):
        assert (await recv(floor))["type"] == "hello"
        assert (await recv(kitchen))["type"] == "hello"

        status, body = await asyncio.to_thread(
            http_json,
            "PUT",
            f"{hub_a.http}/api/v1/pos/tables/5/status",
            waiter,
            {"status": "reserved"},
        )
        assert status == 200, body
        event = await recv_until(floor, lambda m: m["type"] == "table.status_changed")
        assert event["stream"] == "floor.1"
        assert event["data"]["table_id"] == 5 and event["data"]["status"] == "reserved"

        status, body = await asyncio.to_thread(
            http_json,
            "POST",
            f"{hub_a.http}/api/v1/pos/orders",
            waiter,
            {"order_type_id": 1, "table_id": 3, "items": [{"menu_item_id": 15, "quantity": 2}]},
        )
        assert status == 201, body
        order_id = body["data"]["id"]
        status, body = await asyncio.to_thread(
            http_json, "POST", f"{hub_a.http}/api/v1/pos/orders/{order_id}/kot", waiter, {}
        )
        assert status == 201, body
        ticket = await recv_until(kitchen, lambda m: m["type"] == "kot.created")
        assert ticket["stream"] == "kitchen.1"
        assert ticket["data"]["order_id"] == order_id
        # and the floor heard the table being taken by the order, in seq order, no gaps
        occupied = await recv_until(
            floor, lambda m: m["type"] == "table.status_changed" and m["data"]["table_id"] == 3
        )
        assert occupied["data"]["status"] == "occupied"
        assert occupied["seq"] > event["seq"]


async def test_events_recorded_while_screens_on_both_workers_listen_arrive_once_in_order(
    live_hubs,
):
    hub_a, hub_b = live_hubs(2)
    token = await atoken_for("cashier")
    async with (
        websockets.connect(f"{hub_a.ws}/ws/v1/orders/?token={token}", open_timeout=STEP) as on_a,
        websockets.connect(f"{hub_b.ws}/ws/v1/orders/?token={token}", open_timeout=STEP) as on_b,
    ):
        await recv(on_a), await recv(on_b)
        await arecord("orders.1", 20)
        for ws in (on_a, on_b):
            assert [(await recv(ws))["seq"] for _ in range(20)] == list(range(1, 21))
            assert await nothing_more(ws, 0.3)
