"""Stream consumers through the whole ASGI app (auth middleware, routing, consumer).

CONTRACT 6 and docs/realtime.md: close codes, hello, replay, resume, resync,
ping/pong, and the no-gap/no-duplicate guarantee when the channel layer drops.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from realtime import consumers
from tests.realtime.conftest import (
    arecord,
    close_code,
    open_stream,
    receive_events,
)

pytestmark = pytest.mark.django_db(transaction=True)

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def channel_layer_for_test(request, settings):
    """In-memory layer by default: fast and deterministic. Tests marked `redis` keep
    the configured Redis layer (the end-to-end tests cover Redis across processes)."""
    if request.node.get_closest_marker("redis"):
        if not settings.REDIS_URL:
            pytest.skip("needs Redis (set REDIS_URL); CI runs it there")
        return
    settings.CHANNEL_LAYERS = IN_MEMORY


# --- refused connections -------------------------------------------------------


@pytest.mark.embedded
async def test_no_token_closes_4401(ws_demo):
    assert await close_code("/ws/v1/kitchens/1/") == 4401


async def test_bad_token_closes_4401(ws_demo):
    from channels.testing import WebsocketCommunicator

    from hub.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/v1/kitchens/1/?token=not-a-token")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_output(timeout=5)) == {
        "type": "websocket.close",
        "code": 4401,
    }
    await communicator.disconnect()


async def test_bad_bearer_subprotocol_closes_4401_and_echoes_it(ws_demo):
    from channels.testing import WebsocketCommunicator

    from hub.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/v1/floor/", subprotocols=["bearer.nope"])
    connected, accepted = await communicator.connect(timeout=5)
    assert connected and accepted == "bearer.nope"
    assert (await communicator.receive_output(timeout=5))["code"] == 4401
    await communicator.disconnect()


@pytest.mark.embedded
async def test_revoked_token_closes_4401(ws_demo):
    from channels.testing import WebsocketCommunicator

    from hub.asgi import application
    from tests.realtime.conftest import atoken_for

    token = await atoken_for("chef")

    @database_sync_to_async
    def revoke():
        from hub.models import ApiToken
        from hub.services.tokens import hash_token, token_revoke

        token_revoke(token=ApiToken.objects.get(key_hash=hash_token(token)))

    await revoke()
    communicator = WebsocketCommunicator(application, f"/ws/v1/kitchens/1/?token={token}")
    await communicator.connect(timeout=5)
    assert (await communicator.receive_output(timeout=5))["code"] == 4401
    await communicator.disconnect()


NOT_FOUND_CASES = [
    ("/ws/v1/kitchens/3/", "chef"),  # outlet 002's kitchen
    ("/ws/v1/kitchens/3/", "manager"),
    ("/ws/v1/tables/13/", "waiter"),  # outlet 002's table
    ("/ws/v1/tables/1/", "waiter2"),  # outlet 001's table, seen from 002
    ("/ws/v1/printers/3/", "cashier"),  # outlet 002's printer
    ("/ws/v1/drivers/1/", "manager2"),
    ("/ws/v1/kitchens/999/", "manager"),  # no such kitchen
    ("/ws/v1/tables/999999999999999999/", "waiter"),
    ("/ws/v1/nowhere/", "waiter"),  # no such stream
    ("/ws/v1/kitchens/abc/", "manager"),
]


async def test_other_outlets_and_missing_objects_close_4404(ws_demo):
    # one test, many cases: each transactional test re-seeds the demo, which is slow
    codes = {case: await close_code(*case) for case in NOT_FOUND_CASES}
    assert codes == dict.fromkeys(NOT_FOUND_CASES, 4404)


FORBIDDEN_CASES = [
    ("/ws/v1/kitchens/2/", "chef"),  # chef works kitchen 1 only
    ("/ws/v1/drivers/2/", "driver"),  # driver 1 reading driver 2
    ("/ws/v1/drivers/1/", "driver2"),
    ("/ws/v1/printers/1/", "waiter"),  # printers: manager and cashier only
    ("/ws/v1/printers/1/", "chef"),
    ("/ws/v1/floor/", "chef"),
    ("/ws/v1/orders/", "driver"),
    ("/ws/v1/tables/1/", "chef"),
    ("/ws/v1/kitchens/1/", "driver"),
]


async def test_role_may_not_read_closes_4403(ws_demo):
    codes = {case: await close_code(*case) for case in FORBIDDEN_CASES}
    assert codes == dict.fromkeys(FORBIDDEN_CASES, 4403)


ALLOWED_CASES = [
    ("/ws/v1/kitchens/1/", "chef", "kitchen.1"),
    ("/ws/v1/kitchens/1", "chef", "kitchen.1"),
    ("/ws/v1/kitchens/2/", "manager", "kitchen.2"),
    ("/ws/v1/tables/5/", "waiter", "table.5"),
    ("/ws/v1/tables/13", "waiter2", "table.13"),
    ("/ws/v1/drivers/1/", "driver", "driver.1"),
    ("/ws/v1/drivers/2", "cashier", "driver.2"),
    ("/ws/v1/floor/", "waiter", "floor.1"),
    ("/ws/v1/floor", "manager2", "floor.2"),
    ("/ws/v1/orders/", "cashier", "orders.1"),
    ("/ws/v1/printers/1/", "cashier", "printer.1"),
    ("/ws/v1/printers/2", "manager", "printer.2"),
]


async def test_allowed_streams_say_hello(ws_demo):
    for path, username, stream in ALLOWED_CASES:
        communicator, connected, _ = await open_stream(path, username)
        assert connected
        hello = await communicator.receive_json_from(timeout=5)
        assert hello == {"type": "hello", "stream": stream, "seq": 0}, (path, username)
        await communicator.disconnect()


@pytest.mark.embedded
async def test_bearer_subprotocol_is_accepted_and_echoed(ws_demo):
    communicator, connected, accepted = await open_stream(
        "/ws/v1/kitchens/1/", "chef", subprotocol=True
    )
    assert connected
    assert accepted.startswith("bearer.")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    await communicator.disconnect()


# --- hello, live, replay ----------------------------------------------------------


@pytest.mark.embedded
async def test_hello_carries_last_seq_then_live_events_in_wire_format(ws_demo):
    await arecord("kitchen.1", 2)
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "hello",
        "stream": "kitchen.1",
        "seq": 2,
    }
    await arecord("kitchen.1", 1)
    event = await communicator.receive_json_from(timeout=5)
    assert set(event) == {"type", "stream", "seq", "at", "data"}
    assert event["type"] == "menu.item_availability"
    assert event["stream"] == "kitchen.1" and event["seq"] == 3
    assert event["data"] == {
        "menu_item_id": 15,
        "name": "Paneer Tikka",
        "kitchen_id": 1,
        "is_available": True,
    }
    assert "T" in event["at"] and event["at"].endswith("+00:00")
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_other_streams_events_are_not_forwarded(ws_demo):
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    await arecord("kitchen.2", 1)
    await arecord("kitchen.1", 1)
    event = await communicator.receive_json_from(timeout=5)
    assert (event["stream"], event["seq"]) == ("kitchen.1", 1)
    await communicator.disconnect()


@pytest.mark.embedded
async def test_since_replays_the_events_after_n_in_order_then_live(ws_demo):
    await arecord("table.5", 5)
    communicator, _, _ = await open_stream("/ws/v1/tables/5/", "waiter", query="since=2")
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 5  # hello
    assert [e["seq"] for e in await receive_events(communicator, 3)] == [3, 4, 5]
    await arecord("table.5", 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 6
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_resume_message_replays_on_an_open_connection(ws_demo):
    await arecord("orders.1", 3)
    communicator, _, _ = await open_stream("/ws/v1/orders/", "cashier")
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "resume", "since": 1})
    assert [e["seq"] for e in await receive_events(communicator, 2)] == [2, 3]
    await arecord("orders.1", 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 4
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_since_equal_to_last_seq_replays_nothing(ws_demo):
    await arecord("floor.1", 2)
    communicator, _, _ = await open_stream("/ws/v1/floor/", "waiter", query="since=2")
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 2
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_events_committed_during_the_replay_arrive_once(ws_demo, monkeypatch):
    """The switch from replay to live: an event committed while the replay reads the
    outbox is both in the replay and on the channel layer; the client gets it once."""
    await arecord("kitchen.1", 3)
    real_events = consumers._events
    calls = []

    async def events_with_a_commit_in_between(stream, after, before=None):
        if not calls:
            calls.append(after)
            await arecord("kitchen.1", 1)  # seq 4: committed and published mid-replay
        return await real_events(stream, after, before)

    monkeypatch.setattr(consumers, "_events", events_with_a_commit_in_between)
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=0")
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 3  # hello
    assert [e["seq"] for e in await receive_events(communicator, 4)] == [1, 2, 3, 4]
    assert await communicator.receive_nothing(timeout=0.5)  # the live copy of 4 was dropped
    await arecord("kitchen.1", 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 5
    await communicator.disconnect()


# --- resync_required ------------------------------------------------------------------


async def test_since_ahead_of_the_stream_requires_resync(ws_demo):
    await arecord("kitchen.1", 2)
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=7")
    await communicator.receive_json_from(timeout=5)
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "resync_required",
        "stream": "kitchen.1",
        "seq": 2,
    }
    await arecord("kitchen.1", 1)  # and then it goes live after the stream's seq
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 3
    await communicator.disconnect()


@pytest.mark.embedded
async def test_since_older_than_retention_requires_resync(ws_demo):
    await arecord("kitchen.1", 4)

    @database_sync_to_async
    def prune_first_two():
        from hub.models import Event

        Event.objects.filter(stream="kitchen.1", seq__lte=2).delete()

    await prune_first_two()
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=1")
    await communicator.receive_json_from(timeout=5)
    assert (await communicator.receive_json_from(timeout=5))["type"] == "resync_required"
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.send_json_to({"type": "resume", "since": 2})  # 3 and 4 are still kept
    assert [e["seq"] for e in await receive_events(communicator, 2)] == [3, 4]
    await communicator.disconnect()


# --- client messages -------------------------------------------------------------------


@pytest.mark.embedded
async def test_ping_pong_and_unknown_messages_do_not_disconnect(ws_demo):
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "pong",
        "stream": "kitchen.1",
        "seq": 0,
    }
    await communicator.send_json_to({"type": "dance"})
    error = await communicator.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "unknown_type")
    await communicator.send_to(text_data="not json")
    assert (await communicator.receive_json_from(timeout=5))["code"] == "invalid_message"
    await communicator.send_json_to([1, 2])
    assert (await communicator.receive_json_from(timeout=5))["code"] == "invalid_message"
    await communicator.send_to(bytes_data=b"\x00")
    assert (await communicator.receive_json_from(timeout=5))["code"] == "invalid_message"
    await communicator.send_json_to({"type": "resume", "since": "x"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "invalid_since"
    await communicator.send_json_to({"type": "print.ack", "job_id": 1, "status": "printed"})
    assert (await communicator.receive_json_from(timeout=5))[
        "code"
    ] == "unknown_type"  # not a printer
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"  # still open
    await communicator.disconnect()


async def test_invalid_since_in_query_is_reported_and_goes_live(ws_demo):
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=-3")
    await communicator.receive_json_from(timeout=5)
    assert (await communicator.receive_json_from(timeout=5))["code"] == "invalid_since"
    await arecord("kitchen.1", 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 1
    await communicator.disconnect()


# --- the channel layer drops a message -------------------------------------------------


def _drop_seqs(monkeypatch, stream: str, dropped: set[int]):
    """Make the channel layer lose the given events of `stream` (the outbox keeps them)."""
    from realtime import publish

    real_publish = publish.publish_events

    def lossy(events):
        real_publish([e for e in events if not (e.stream == stream and e.seq in dropped)])

    monkeypatch.setattr(publish, "publish_events", lossy)


async def _dropped_messages_are_filled(monkeypatch):
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    _drop_seqs(monkeypatch, "kitchen.1", {2, 4, 5})
    await arecord("kitchen.1", 6)
    assert [e["seq"] for e in await receive_events(communicator, 6)] == [1, 2, 3, 4, 5, 6]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


@pytest.mark.embedded
async def test_a_dropped_message_is_filled_from_the_outbox_once_and_in_order(ws_demo, monkeypatch):
    await _dropped_messages_are_filled(monkeypatch)


@pytest.mark.redis
async def test_a_dropped_message_is_filled_on_the_redis_layer(ws_demo, monkeypatch):
    await _dropped_messages_are_filled(monkeypatch)


@pytest.mark.redis
async def test_replay_then_live_on_the_redis_layer(ws_demo):
    await arecord("kitchen.1", 2)
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef", query="since=0")
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 2
    await arecord("kitchen.1", 2)
    assert [e["seq"] for e in await receive_events(communicator, 4)] == [1, 2, 3, 4]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_dropped_last_message_comes_with_the_next_ping(ws_demo, monkeypatch):
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    _drop_seqs(monkeypatch, "kitchen.1", {2})
    await arecord("kitchen.1", 2)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 1
    assert await communicator.receive_nothing(timeout=0.3)  # 2 was lost on the way
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 2
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "pong",
        "stream": "kitchen.1",
        "seq": 2,
    }
    await communicator.disconnect()


async def test_a_dropped_last_message_comes_with_the_tail_check(ws_demo, monkeypatch, settings):
    settings.HUB_STREAM_TAIL_CHECK_SECONDS = 0.2
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    _drop_seqs(monkeypatch, "kitchen.1", {1})
    await arecord("kitchen.1", 1)
    event = await communicator.receive_json_from(timeout=5)  # no ping, no later event
    assert event["seq"] == 1
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_group_discard_then_resume_gets_exactly_the_missed_events(ws_demo):
    """The layer forgets the member (group expiry, a Redis restart): the client notices
    nothing at first, then a resume from its last seq brings exactly what it missed."""
    from channels.layers import get_channel_layer

    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    await arecord("kitchen.1", 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == 1
    layer = get_channel_layer()
    # the consumer instance is internal; remove every member of the group instead
    await _discard_all(layer, "stream.kitchen.1")
    await arecord("kitchen.1", 3)
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.send_json_to({"type": "resume", "since": 1})
    assert [e["seq"] for e in await receive_events(communicator, 3)] == [2, 3, 4]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def _discard_all(layer, group: str) -> None:
    from channels.layers import InMemoryChannelLayer

    if isinstance(layer, InMemoryChannelLayer):
        for channel in list(layer.groups.get(group, {})):
            await layer.group_discard(group, channel)
        return
    connection = layer.connection(layer.consistent_hash(group))
    for channel in await connection.zrange(layer._group_key(group), 0, -1):
        await layer.group_discard(group, channel.decode())


# --- print agents ------------------------------------------------------------------------


async def test_print_ack_calls_the_printing_service(ws_demo, monkeypatch):
    calls = []

    def print_job_ack(*, printer_id, job_id, status, error="", by):
        calls.append((printer_id, job_id, status, error, by.username))

    monkeypatch.setattr("realtime.consumers.print_job_ack", print_job_ack)
    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "cashier")
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to(
        {"type": "print.ack", "job_id": 7, "status": "failed", "error": "paper out"}
    )
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "print.ack_ok",
        "job_id": 7,
        "status": "failed",
    }
    assert calls == [(1, 7, "failed", "paper out", "cashier")]
    await communicator.send_json_to({"type": "print.ack", "job_id": "7", "status": "printed"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "validation_error"
    await communicator.send_json_to({"type": "print.ack", "job_id": 7, "status": "lost"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "validation_error"
    assert len(calls) == 1
    await communicator.disconnect()


async def test_print_ack_domain_errors_become_error_messages(ws_demo, monkeypatch):
    from hub.errors import NotFound

    def print_job_ack(**kwargs):
        raise NotFound("No such print job.")

    monkeypatch.setattr("realtime.consumers.print_job_ack", print_job_ack)
    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "manager")
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "print.ack", "job_id": 99, "status": "printed"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "not_found"
    await communicator.disconnect()


async def test_long_lived_connections_rejoin_their_group(ws_demo, settings):
    """channels-redis forgets group members after group_expiry; consumers re-join."""
    import asyncio

    from channels.layers import get_channel_layer

    settings.HUB_STREAM_TAIL_CHECK_SECONDS = 0.05
    settings.HUB_STREAM_GROUP_REFRESH_SECONDS = 0.1
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)
    layer = get_channel_layer()
    await _discard_all(layer, "stream.kitchen.1")
    assert not layer.groups.get("stream.kitchen.1")
    await asyncio.sleep(0.4)
    assert len(layer.groups.get("stream.kitchen.1", {})) == 1
    await communicator.disconnect()


async def test_a_print_agent_gets_its_job_and_acks_it_through_the_printing_service(ws_demo):
    """The printer stream with the real hub.services.printing: a KOT sent for an agent
    printer reaches the agent as print.job; its print.ack marks the job printed."""

    @database_sync_to_async
    def send_kot() -> int:
        from hub.models import Outlet, Printer, Staff
        from hub.services.kitchen import kot_send
        from hub.services.orders import ItemInput, order_create

        Printer.objects.filter(pk=1).update(connection=Printer.Connection.AGENT)
        outlet, waiter = Outlet.objects.get(pk=1), Staff.objects.get(username="waiter")
        order = order_create(
            outlet=outlet,
            by=waiter,
            order_type_id=1,
            table_id=3,
            items=[ItemInput(quantity=1, menu_item_id=15)],
        )
        kot_send(order_id=order.pk, outlet=outlet, by=waiter)
        return order.pk

    @database_sync_to_async
    def job_status(job_id: int) -> str:
        from hub.models import PrintJob

        return PrintJob.objects.get(pk=job_id).status

    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "cashier")
    await communicator.receive_json_from(timeout=5)
    await send_kot()
    job = await communicator.receive_json_from(timeout=5)
    assert (job["type"], job["stream"], job["seq"]) == ("print.job", "printer.1", 1)
    assert job["data"]["kind"] == "kot" and job["data"]["payload_b64"]
    job_id = job["data"]["job_id"]
    await communicator.send_json_to({"type": "print.ack", "job_id": job_id, "status": "printed"})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "print.ack_ok",
        "job_id": job_id,
        "status": "printed",
    }
    assert await job_status(job_id) == "printed"
    await communicator.send_json_to({"type": "print.ack", "job_id": 999999, "status": "printed"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "not_found"
    await communicator.disconnect()
