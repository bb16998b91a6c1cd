"""A worker killed with SIGKILL mid-load loses no request answered 2xx and no event.

Two daphne workers share PostgreSQL and Redis. A POS client sends orders, each with
its own Idempotency-Key, to worker A; A is killed while requests are in flight; the
client retries every unanswered request on worker B with the same key and body
(CONTRACT 3). Then: every order exists exactly once, the outbox has no hole, and
screens (one on B all along, one on A that resumes on B) saw every event once.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async

from .conftest import ResumingScreen, call, stream_seqs, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ORDERS = 30
KILL_AFTER = 8  # answered orders before A is killed
IN_FLIGHT = 4


async def test_sigkill_mid_load_loses_no_answered_request_and_no_event(
    async_db_released, hubs, settings
):
    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it there")
    env = {
        "REDIS_URL": settings.REDIS_URL,
        "HUB_CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] + "-kill",
    }
    a, b = await sync_to_async(hubs)(**env), await sync_to_async(hubs)(**env)
    token = await sync_to_async(token_for)("cashier")
    path = f"/ws/v1/orders/?token={token}"
    on_b = ResumingScreen([b.ws + path])
    on_a = ResumingScreen([a.ws + path, b.ws + path])  # A first; B once A is gone
    for screen in (on_b, on_a):
        screen.begin()
        await screen.connected_once()

    tag = uuid.uuid4().hex[:8]
    answered: dict[int, int] = {}  # order index -> order id, from a 201
    answered_by_a = 0
    killed = asyncio.Event()
    retried_on_b = 0
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def kill_a():
        await asyncio.to_thread(a.kill)
        killed.set()

    async def place(i: int) -> None:
        nonlocal answered_by_a, retried_on_b
        key = str(uuid.uuid4())
        body = {
            "order_type_id": 2,
            "items": [{"menu_item_id": 15, "quantity": 1 + i % 3}],
            "notes": f"{tag}-{i}",
        }
        async with gate:
            for attempt in range(20):
                target = b if killed.is_set() else a
                try:
                    reply = await asyncio.to_thread(
                        call,
                        target.http,
                        "POST",
                        "/api/v1/pos/orders",
                        token=token,
                        body=body,
                        headers={"Idempotency-Key": key},
                        timeout=20,
                    )
                except OSError:  # no answer: A died under this request, or refuses
                    await killed.wait()
                    retried_on_b += 1
                    continue
                if reply.status == 409 and reply.body["error"]["code"] == "idempotency_in_progress":
                    await asyncio.sleep(0.5)  # the dead worker's transaction is rolling back
                    continue
                assert reply.status == 201, (i, attempt, reply)
                answered[i] = reply.body["data"]["id"]
                if target is a:
                    answered_by_a += 1
                    if answered_by_a == KILL_AFTER:
                        asyncio.ensure_future(kill_a())  # while the others are in flight
                return
            raise AssertionError(f"order {i} never answered")

    async with asyncio.timeout(120):
        await asyncio.gather(*(place(i) for i in range(ORDERS)))
    assert killed.is_set()
    assert len(answered) == ORDERS
    assert retried_on_b >= 1, "no request was cut by the kill: the test proved nothing"

    # no 2xx lost, none doubled: each order once in the database, with the id answered
    from hub.models import Order

    rows = await sync_to_async(
        lambda: list(Order.objects.filter(notes__startswith=tag).values_list("notes", "id"))
    )()
    assert sorted(rows) == sorted((f"{tag}-{i}", order_id) for i, order_id in answered.items())

    # the outbox: seqs per stream contiguous from 1, one order.created per order
    seqs = await sync_to_async(stream_seqs)("orders.1")
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) >= ORDERS

    # every screen saw every event after its hello exactly once
    final = seqs[-1]
    for screen in (on_b, on_a):
        assert await screen.caught_up(final, timeout=20), (screen.last, final)
    await asyncio.sleep(0.5)  # nothing more may come
    for screen in (on_b, on_a):
        await screen.stop()
        assert screen.seqs == screen.expected(final)
        assert screen.oddities == []
    assert on_a.connections >= 2  # it did lose A and resume on B
