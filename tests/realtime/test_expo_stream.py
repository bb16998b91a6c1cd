"""The pass's stream and the kitchen's acknowledgements (CONTRACT 13; docs/realtime.md
"The expo" and "Seen tickets"), through the whole ASGI app."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from hub.models import Kot
from tests.realtime.conftest import close_code, open_stream

pytestmark = pytest.mark.django_db(transaction=True)

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY


@database_sync_to_async
def two_course_order_sent() -> list[Kot]:
    from hub.services.orders import ItemInput
    from tests.given import kots_sent, order_given

    order = order_given(
        items=[
            ItemInput(menu_item_id=15, quantity=1),
            ItemInput(menu_item_id=16, quantity=1, course=2),
        ]
    )
    return kots_sent(order)


@pytest.mark.embedded
@pytest.mark.parametrize(("who", "code"), [("driver", 4403), ("waiter2", None), (None, 4401)])
async def test_the_expo_is_for_front_of_house_and_kitchen_users(ws_demo, who, code):
    if code is not None:
        assert await close_code("/ws/v1/expo/", who) == code
        return
    communicator, connected, _ = await open_stream("/ws/v1/expo/", who)
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello" and hello["stream"] == "expo.2"  # their own outlet's
    await communicator.disconnect()


@pytest.mark.embedded
async def test_every_kitchens_kot_events_reach_the_expo(ws_demo):
    communicator, _, _ = await open_stream("/ws/v1/expo/", "chef")
    assert (await communicator.receive_json_from(timeout=5))["stream"] == "expo.1"
    main, bar = await two_course_order_sent()
    events = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert [(e["type"], e["data"]["kitchen_id"], e["data"]["status"]) for e in events] == [
        ("kot.created", 1, "sent_to_kitchen"),
        ("kot.created", 2, "held"),  # the chef's expo shows the bar's ticket too
    ]
    assert [e["seq"] for e in events] == [events[0]["seq"], events[0]["seq"] + 1]
    await communicator.disconnect()


@pytest.mark.embedded
async def test_a_kitchen_screen_acknowledges_what_it_drew(ws_demo):
    main, bar = await two_course_order_sent()
    communicator, _, _ = await open_stream("/ws/v1/kitchens/1/", "chef")
    await communicator.receive_json_from(timeout=5)  # hello
    await communicator.send_json_to({"type": "kot.seen", "kot_id": main.pk})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "kot.seen_ok",
        "kot_id": main.pk,
    }
    # another kitchen's ticket, or a bad id: nothing stamped, never an error that closes
    await communicator.send_json_to({"type": "kot.seen", "kot_id": bar.pk})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "kot.seen_ok"
    await communicator.send_json_to({"type": "kot.seen", "kot_id": "x"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "validation_error"
    await communicator.disconnect()

    @database_sync_to_async
    def seen():
        return dict(Kot.objects.filter(pk__in=[main.pk, bar.pk]).values_list("pk", "seen_at"))

    stamps = await seen()
    assert stamps[main.pk] is not None and stamps[bar.pk] is None
