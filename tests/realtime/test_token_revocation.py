"""A revoked token (logout) or a deactivated staff member stops its open sockets too
(CONTRACT 6, docs/realtime.md "Revoked tokens"): they close with 4401 within 5 s and
get no event committed after the revocation; other tokens' sockets carry on.

In-process through the whole ASGI app first (fast; also on the embedded run), then
real daphne workers sharing PostgreSQL and Redis, with logout over REST.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from channels.db import database_sync_to_async

from tests.realtime.conftest import arecord, atoken_for, http_json, open_stream

pytestmark = pytest.mark.django_db(transaction=True)

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CLOSE_WITHIN = 5.0  # seconds, CONTRACT 6


@database_sync_to_async
def revoke(raw_token: str) -> None:
    from hub.models import ApiToken
    from hub.services.tokens import hash_token, token_revoke

    token_revoke(token=ApiToken.objects.get(key_hash=hash_token(raw_token)))


@database_sync_to_async
def deactivate(username: str) -> None:
    from hub.models import Staff

    staff = Staff.objects.get(username=username)
    staff.is_active = False
    staff.save(update_fields=["is_active"])


async def opened(path: str, token: str):
    from channels.testing import WebsocketCommunicator

    from hub.asgi import application

    communicator = WebsocketCommunicator(application, f"{path}?token={token}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    return communicator


async def closed_with(communicator, timeout: float = CLOSE_WITHIN) -> tuple[int, list[dict]]:
    """(close code, the messages that came before it), waiting at most `timeout`."""
    messages = []
    async with asyncio.timeout(timeout):
        while True:
            output = await communicator.receive_output(timeout=timeout)
            if output["type"] == "websocket.close":
                await communicator.disconnect()
                return output["code"], messages
            messages.append(json.loads(output["text"]))


async def still_served(communicator, stream: str) -> None:
    """The socket still gets new events and answers a ping."""
    (seq,) = await arecord(stream, 1)
    assert (await communicator.receive_json_from(timeout=5))["seq"] == seq
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


# --- in-process ---------------------------------------------------------------------


@pytest.mark.embedded
async def test_revoking_a_token_closes_each_of_its_sockets_with_4401_and_no_other(
    ws_demo, settings
):
    settings.CHANNEL_LAYERS = IN_MEMORY
    revoked, kept = await atoken_for("waiter"), await atoken_for("waiter")  # two sign-ins
    first = await opened("/ws/v1/kitchens/1/", revoked)
    second = await opened("/ws/v1/orders/", revoked)
    other = await opened("/ws/v1/kitchens/1/", kept)

    started = time.monotonic()
    await revoke(revoked)  # the logout service; nothing is sent to the sockets
    for communicator in (first, second):
        code, before = await closed_with(communicator)
        assert code == 4401 and before == []
    latency = time.monotonic() - started
    print(f"closed {latency:.3f} s after the revocation, no event in between")
    assert latency < CLOSE_WITHIN
    await still_served(other, "kitchen.1")
    await other.disconnect()


@pytest.mark.embedded
async def test_an_event_committed_after_the_revocation_never_reaches_its_sockets(ws_demo, settings):
    """No periodic check can help here (they are an hour apart): the event arrives at
    once, and the socket sends it only after a check cleared it with the token valid."""
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.HUB_STREAM_TOKEN_CHECK_SECONDS = 3600
    settings.HUB_STREAM_FALLBACK_SECONDS = 3600
    settings.HUB_STREAM_TAIL_CHECK_SECONDS = 3600
    revoked, kept = await atoken_for("chef"), await atoken_for("waiter")
    doomed = await opened("/ws/v1/kitchens/1/", revoked)
    other = await opened("/ws/v1/kitchens/1/", kept)
    (before,) = await arecord("kitchen.1", 1)  # committed while the token was valid
    assert (await doomed.receive_json_from(timeout=5))["seq"] == before
    assert (await other.receive_json_from(timeout=5))["seq"] == before

    await revoke(revoked)
    after = await arecord("kitchen.1", 3)  # published to both sockets at once
    code, received = await closed_with(doomed)
    assert (code, received) == (4401, [])
    assert [(await other.receive_json_from(timeout=5))["seq"] for _ in after] == after
    await other.disconnect()


@pytest.mark.embedded
async def test_deactivating_a_staff_member_closes_their_sockets(ws_demo, settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    chef = await opened("/ws/v1/kitchens/1/", await atoken_for("chef"))
    chef_again = await opened("/ws/v1/kitchens/1/", await atoken_for("chef"))  # 2nd sign-in
    waiter = await opened("/ws/v1/kitchens/1/", await atoken_for("waiter"))
    await deactivate("chef")
    for communicator in (chef, chef_again):
        assert (await closed_with(communicator))[0] == 4401
    await still_served(waiter, "kitchen.1")
    await waiter.disconnect()


@pytest.mark.redis
async def test_the_sockets_of_a_stream_share_one_check_per_event(ws_demo, settings):
    """The per-event cost: one event reaching many sockets of a worker is cleared by one
    check (two queries) for all of them, not one check per socket. On Redis, where the
    copies of an event arrive one by one (one channel per socket), also during a check."""
    from realtime.watch import watch_of_running_loop

    if not settings.REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL); CI runs it there")
    for name in ("TOKEN_CHECK", "FALLBACK", "TAIL_CHECK"):  # no periodic checks meanwhile
        setattr(settings, f"HUB_STREAM_{name}_SECONDS", 3600)
    tokens = [await atoken_for("waiter") for _ in range(5)]
    screens = [await opened("/ws/v1/kitchens/1/", tokens[i % 5]) for i in range(40)]
    watch = watch_of_running_loop()
    for round_ in range(3):
        checks_before = watch.checks_started
        seqs = await arecord("kitchen.1", 2)
        for screen in screens:
            assert [(await screen.receive_json_from(timeout=5))["seq"] for _ in seqs] == seqs
        assert watch.checks_started - checks_before <= 2 * len(seqs), round_
    for screen in screens:
        await screen.disconnect()


@pytest.mark.embedded
async def test_an_open_socket_keeps_its_token_from_expiring_idle(ws_demo, settings, monkeypatch):
    """HUB_TOKEN_IDLE_DAYS expires unused tokens, and the watch closes sockets whose
    token expired; a wall screen connected for longer than that is using its token."""
    from realtime import watch

    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.HUB_TOKEN_IDLE_DAYS = 1
    settings.HUB_STREAM_TOKEN_CHECK_SECONDS = 0.2
    monkeypatch.setattr(watch, "MARK_USED_EVERY_SECONDS", 0.1)  # every check, here
    token = await atoken_for("chef")
    screen = await opened("/ws/v1/kitchens/1/", token)

    @database_sync_to_async
    def last_used(days_ago: float | None = None):
        from datetime import timedelta

        from django.utils import timezone

        from hub.models import ApiToken
        from hub.services.tokens import hash_token

        tokens = ApiToken.objects.filter(key_hash=hash_token(token))
        if days_ago is not None:  # as if the screen had been connected that long
            tokens.update(last_used_at=timezone.now() - timedelta(days=days_ago))
        return timezone.now() - tokens.get().last_used_at

    await last_used(days_ago=2)
    await asyncio.sleep(1)  # several checks
    await still_served(screen, "kitchen.1")
    assert (await last_used()).total_seconds() < 5
    await screen.disconnect()


async def test_a_revoked_print_agent_acks_nothing_more(ws_demo, settings, monkeypatch):
    """After the close, nothing the agent still sends is acted on (no print.ack)."""
    import sys
    import types

    settings.CHANNEL_LAYERS = IN_MEMORY
    calls = []
    fake = types.ModuleType("hub.services.printing")
    fake.print_job_ack = lambda **kwargs: calls.append(kwargs)
    monkeypatch.setitem(sys.modules, "hub.services.printing", fake)
    token = await atoken_for("cashier")
    agent, _, _ = await open_stream("/ws/v1/printers/1/", None, query=f"token={token}")
    await agent.receive_json_from(timeout=5)
    await revoke(token)
    output = await agent.receive_output(timeout=CLOSE_WITHIN)
    assert output == {"type": "websocket.close", "code": 4401}
    await agent.send_json_to({"type": "print.ack", "job_id": 1, "status": "printed"})
    assert await agent.receive_nothing(timeout=0.3)
    assert calls == []
    await agent.disconnect()


# --- real daphne workers, logout over REST --------------------------------------------

STEP = 10.0


async def hello(ws) -> dict:
    message = json.loads(await asyncio.wait_for(ws.recv(), STEP))
    assert message["type"] == "hello", message
    return message


async def next_event(ws, predicate, timeout: float = STEP) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if predicate(message):
                return message


class Watcher:
    """Reads a socket until it closes, keeping every message and when the close came."""

    def __init__(self, ws):
        self.ws = ws
        self.messages: list[dict] = []
        self.closed_at: float | None = None
        self.code: int | None = None
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                self.messages.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
        self.closed_at = time.monotonic()
        self.code = self.ws.close_code

    async def wait_closed(self, timeout: float) -> None:
        await asyncio.wait_for(asyncio.shield(self.task), timeout)


def order_created_for(order_id: int):
    return lambda m: m.get("type") == "order.created" and m["data"]["order_id"] == order_id


def create_order(hub, token: str) -> int:
    status, body = http_json(
        "POST",
        f"{hub.http}/api/v1/pos/orders",
        token,
        {"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
    )
    assert status == 201, body
    return body["data"]["id"]


@pytest.mark.postgres
@pytest.mark.redis
async def test_logout_closes_that_tokens_sockets_on_every_worker_and_only_those(live_hubs):
    worker_a, worker_b = live_hubs(2)
    signed_out, kept = await atoken_for("waiter"), await atoken_for("waiter")  # two sign-ins
    path = "/ws/v1/orders/"
    sockets = {
        "a-out": await websockets.connect(f"{worker_a.ws}{path}?token={signed_out}"),
        "b-out": await websockets.connect(
            f"{worker_b.ws}{path}", subprotocols=[f"bearer.{signed_out}"]
        ),
        "a-kept": await websockets.connect(f"{worker_a.ws}{path}?token={kept}"),
        "b-kept": await websockets.connect(f"{worker_b.ws}{path}?token={kept}"),
    }
    for ws in sockets.values():
        await hello(ws)
    before = await asyncio.to_thread(create_order, worker_a, kept)
    for ws in sockets.values():  # everyone is live before the logout
        await next_event(ws, order_created_for(before))

    watchers = {name: Watcher(ws) for name, ws in sockets.items()}
    started = time.monotonic()
    status, body = await asyncio.to_thread(
        http_json, "POST", f"{worker_b.http}/api/v1/auth/logout", signed_out
    )
    assert (status, body["data"]) == (200, {"revoked": True})
    after = await asyncio.to_thread(create_order, worker_a, kept)  # committed after logout

    for name in ("a-out", "b-out"):
        watcher = watchers[name]
        await watcher.wait_closed(CLOSE_WITHIN + 1)
        latency = watcher.closed_at - started
        print(f"{name} closed {watcher.code} {latency:.3f} s after the logout began")
        assert watcher.code == 4401 and latency < CLOSE_WITHIN, (name, watcher.code, latency)
        assert [m for m in watcher.messages if m.get("seq")] == [], (name, watcher.messages)

    await asyncio.sleep(1.5)  # well past a token check: the other token's sockets stay
    later = await asyncio.to_thread(create_order, worker_b, kept)
    for name in ("a-kept", "b-kept"):
        watcher = watchers[name]
        async with asyncio.timeout(STEP):
            while not any(order_created_for(later)(m) for m in watcher.messages):
                await asyncio.sleep(0.05)
        assert watcher.closed_at is None, name
        got = [m["data"]["order_id"] for m in watcher.messages if m.get("type") == "order.created"]
        assert got == [after, later], (name, got)
    # the revoked token is refused at connect too
    async with websockets.connect(f"{worker_a.ws}{path}?token={signed_out}") as ws:
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4401
    for ws in sockets.values():
        await ws.close()


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_deactivated_staff_members_sockets_close_on_every_worker(live_hubs):
    worker_a, worker_b = live_hubs(2)
    chef, waiter = await atoken_for("chef"), await atoken_for("waiter")
    path = "/ws/v1/kitchens/1/"
    workers = (worker_a, worker_b)
    chefs = [await websockets.connect(f"{hub.ws}{path}?token={chef}") for hub in workers]
    waiters = [await websockets.connect(f"{hub.ws}{path}?token={waiter}") for hub in workers]
    for ws in chefs + waiters:
        await hello(ws)
    watchers = [Watcher(ws) for ws in chefs]
    started = time.monotonic()
    await deactivate("chef")
    (seq,) = await arecord("kitchen.1", 1)  # committed after the deactivation
    for watcher in watchers:
        await watcher.wait_closed(CLOSE_WITHIN + 1)
        latency = watcher.closed_at - started
        print(f"chef socket closed {watcher.code} {latency:.3f} s after the deactivation")
        assert watcher.code == 4401 and latency < CLOSE_WITHIN
        assert [m for m in watcher.messages if m.get("seq")] == []
    for ws in waiters:
        assert (await next_event(ws, lambda m: m.get("seq") == seq))["type"]
        await ws.send(json.dumps({"type": "ping"}))
        assert (await next_event(ws, lambda m: m["type"] == "pong"))["seq"] == seq
        await ws.close()
