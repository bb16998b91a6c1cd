"""GET /kitchens says which kitchens have a screen connected (CONTRACT 13, issue 17;
docs/realtime.md "Kitchen screens connected"): `screens_connected` counts the open
sockets of each kitchen's stream on every hub worker, `last_seen_at` says when one was
last there, so a manager sees a kitchen whose display is off."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub.models import KitchenScreen
from hub.services.kitchen_screens import (
    kitchen_screen_closed,
    kitchen_screen_opened,
    kitchen_screens_beat,
)
from tests.conftest import _client_for
from tests.realtime.conftest import atoken_for, http_json, open_stream

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def kitchens_as(username: str) -> dict[int, dict]:
    body = _client_for(username).get("/api/v1/pos/kitchens").json()
    assert body["success"], body
    return {k["id"]: k for k in body["data"]}


akitchens_as = database_sync_to_async(kitchens_as)


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
async def test_a_kitchen_screen_counts_while_connected_and_is_last_seen_after(ws_demo, settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    before = await akitchens_as("manager")
    assert [(k["screens_connected"], k["last_seen_at"]) for k in before.values()] == [
        (0, None),
        (0, None),
    ]

    first, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    second, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    for screen in (first, second):
        assert (await screen.receive_json_from(timeout=5))["type"] == "hello"
    # an expo or a table stream is no kitchen screen
    expo, _, _ = await open_stream("/ws/v1/expo/", "chef")
    await expo.receive_json_from(timeout=5)
    now = await akitchens_as("manager")
    assert now[1]["screens_connected"] == 2 and now[1]["last_seen_at"] is not None
    assert (now[2]["screens_connected"], now[2]["last_seen_at"]) == (0, None)  # the bar's is off
    # another outlet's manager sees their own kitchens, none of these screens
    assert [k["screens_connected"] for k in (await akitchens_as("manager2")).values()] == [0, 0]

    await first.disconnect()
    await asyncio.sleep(0.1)
    assert (await akitchens_as("waiter"))[1]["screens_connected"] == 1
    await second.disconnect()
    await expo.disconnect()
    await asyncio.sleep(0.1)
    after = (await akitchens_as("manager"))[1]
    assert after["screens_connected"] == 0
    assert after["last_seen_at"] is not None and after["last_seen_at"] >= now[1]["last_seen_at"]


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
async def test_a_refused_socket_is_no_screen(ws_demo, settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    screen, _, _ = await open_stream("/ws/v1/kitchens/2/", "chef")  # the chef works kitchen 1
    assert (await screen.receive_output(timeout=5))["code"] == 4403
    await screen.disconnect()
    assert (await akitchens_as("manager"))[2]["screens_connected"] == 0
    assert await database_sync_to_async(KitchenScreen.objects.count)() == 0


@pytest.mark.embedded
def test_a_screen_whose_worker_stopped_beating_no_longer_counts(demo):
    kitchen_screen_opened(kitchen_id=1, connection="a")
    kitchen_screen_opened(kitchen_id=1, connection="b")
    assert kitchens_as("manager")[1]["screens_connected"] == 2
    # worker of "b" died without closing: only "a" beats from now on
    old = timezone.now() - timedelta(seconds=60)
    KitchenScreen.objects.update(last_seen_at=old)
    assert kitchen_screens_beat(["a", "gone"]) == 1
    kitchen = kitchens_as("manager")[1]
    assert kitchen["screens_connected"] == 1
    kitchen_screen_closed(connection="a")
    kitchen = kitchens_as("manager")[1]
    assert kitchen["screens_connected"] == 0 and kitchen["last_seen_at"] is not None
    # the rows of gone screens are forgotten when the next one connects, but the last one
    # seen stays (what last_seen_at reports once all are off)
    kitchen_screen_opened(kitchen_id=1, connection="c")
    assert set(KitchenScreen.objects.values_list("connection", flat=True)) == {"a", "c"}


@pytest.mark.embedded
def test_get_kitchens_queries_do_not_grow_with_screens(demo):
    client = _client_for("manager")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/pos/kitchens").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(12):
        kitchen_screen_opened(kitchen_id=1 + n % 2, connection=f"s{n}")
    assert count() == before
    assert [k["screens_connected"] for k in kitchens_as("manager").values()] == [6, 6]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_screens_on_one_worker_are_reported_by_another_and_a_dead_worker_stops_counting(
    live_hubs,
):
    import websockets

    beat = 1.0  # the watch's round; a screen counts while its last beat is younger than 3
    screens_hub, other = live_hubs(2, HUB_KITCHEN_SCREEN_BEAT_SECONDS=str(beat))
    chef, manager = await atoken_for("chef"), await atoken_for("manager")

    def kitchens(hub) -> dict[int, dict]:
        status, body = http_json("GET", f"{hub.http}/api/v1/pos/kitchens", manager)
        assert status == 200, body
        return {k["id"]: k for k in body["data"]}

    ws = await websockets.connect(f"{screens_hub.ws}/ws/v1/kitchens/1/?token={chef}")
    await asyncio.wait_for(ws.recv(), 10)  # hello: the screen is in
    # the manager's request lands on the other worker: it still counts the screen, and
    # keeps counting it past several beats (the worker holding it refreshes it)
    assert kitchens(other)[1]["screens_connected"] == 1
    await asyncio.sleep(4 * beat)
    seen = kitchens(other)[1]
    assert seen["screens_connected"] == 1

    screens_hub.kill()  # SIGKILL: the socket is never closed, the row never stamped
    deadline = time.monotonic() + 3 * beat + 5
    while (gone := kitchens(other)[1])["screens_connected"] != 0:
        assert time.monotonic() < deadline, gone
        await asyncio.sleep(0.2)
    assert gone["last_seen_at"] is not None and gone["last_seen_at"] >= seen["last_seen_at"]
    with pytest.raises(Exception):  # noqa: B017 - whatever the client raises on a dead peer
        await asyncio.wait_for(ws.recv(), 2)
