"""Helpers for the live-stream tests (docs/realtime.md): tokens, recording events, a client."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction


def token_for(username: str) -> str:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    return token_issue(staff=Staff.objects.get(username=username))


def record_availability(stream: str, count: int = 1, *, outlet: int = 1) -> list[int]:
    """Record `count` menu.item_availability events on `stream`, one transaction each;
    returns their seqs. Published after each commit, as services do."""
    from hub.services.events import record_event

    seqs = []
    for i in range(count):
        with transaction.atomic():
            (event,) = record_event(
                outlet=outlet,
                streams=[stream],
                type="menu.item_availability",
                data={"menu_item_id": 15, "is_available": i % 2 == 0},
            )
        seqs.append(event.seq)
    return seqs


atoken_for = database_sync_to_async(token_for)
arecord = database_sync_to_async(record_availability)


async def open_stream(
    path: str, username: str | None = None, *, subprotocol: bool = False, query: str = ""
):
    """(communicator, connected, accepted_subprotocol) for `path` as `username`."""
    from hub.asgi import application

    token = await atoken_for(username) if username else None
    params = []
    if token and not subprotocol:
        params.append(f"token={token}")
    if query:
        params.append(query)
    url = path + ("?" + "&".join(params) if params else "")
    protocols = [f"bearer.{token}"] if token and subprotocol else None
    communicator = WebsocketCommunicator(application, url, subprotocols=protocols)
    connected, accepted = await communicator.connect(timeout=5)
    return communicator, connected, accepted


async def close_code(path: str, username: str | None = None, **kwargs) -> int:
    """The close code a connection to `path` gets (after being accepted)."""
    communicator, connected, _ = await open_stream(path, username, **kwargs)
    assert connected, "refusals are sent after accept, so the client sees the code"
    output = await communicator.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    await communicator.disconnect()  # the client's side of the close handshake
    return output["code"]


async def receive_events(communicator, count: int, timeout: float = 5) -> list[dict]:
    return [await communicator.receive_json_from(timeout=timeout) for _ in range(count)]


@pytest.fixture
async def ws_demo(transactional_demo):
    """The demo restaurant, committed, so consumers (in other threads) see the changes.

    Afterwards closes the connections of the thread that database_sync_to_async
    uses, so the test database can be dropped at the end of the run."""
    yield transactional_demo
    await database_sync_to_async(connections.close_all)()
