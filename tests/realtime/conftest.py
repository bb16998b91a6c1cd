"""Helpers for the live-stream tests (docs/realtime.md): tokens, recording events, a client."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction

from tests.liveserver import live_servers


def token_for(username: str) -> str:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    return token_issue(staff=Staff.objects.get(username=username))


def record_availability(stream: str, count: int = 1, *, outlet: int = 1) -> list[int]:
    """Record `count` menu.item_availability events on `stream`, one transaction each;
    returns their seqs. Published after each commit, as services do."""
    from hub.events import record_event

    seqs = []
    for i in range(count):
        with transaction.atomic():
            (event,) = record_event(
                outlet=outlet,
                streams=[stream],
                type="menu.item_availability",
                data={
                    "menu_item_id": 15,
                    "name": "Paneer Tikka",
                    "kitchen_id": 1,
                    "is_available": i % 2 == 0,
                },
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


# --- live servers: real daphne processes on PostgreSQL + Redis ----------------------


@pytest.fixture
def live_hubs(ws_demo, settings, tmp_path):
    """start(n) -> n daphne processes (tests/liveserver.LiveServer) sharing this run's
    PostgreSQL test database and Redis channel layer; all stopped after the test."""
    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it there")
    # the tests prove the live path, not the safety net: the tail check waits 30 s
    with live_servers(
        name="realtime", log_dir=tmp_path, HUB_STREAM_TAIL_CHECK_SECONDS="30"
    ) as start:
        yield start


def http_json(method: str, url: str, token: str | None = None, body: dict | None = None):
    """(status, parsed JSON) of one HTTP request; for the live-server tests."""
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
