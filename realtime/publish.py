"""The one place that talks to the channel layer on the way out (docs/realtime.md).

Called by hub.services.events after commit. The channel layer is only the fast
path: a message it drops is recovered by the client's resume from the outbox.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "hub.event"


def group_name(stream: str) -> str:
    return f"stream.{stream}"


def event_message(event) -> dict:
    return {
        "type": "hub.event",
        "event": {
            "type": event.type,
            "stream": event.stream,
            "seq": event.seq,
            "at": event.created_at.isoformat(),
            "data": event.data,
        },
    }


async def _send_all(layer, events) -> None:
    for event in events:
        await layer.group_send(group_name(event.stream), event_message(event))


def publish_events(events) -> None:
    """Send committed events to their stream groups. Never raises: the outbox has them."""
    layer = get_channel_layer()
    if layer is None or not events:
        return
    try:
        async_to_sync(_send_all)(layer, events)
    except Exception:  # the change is committed; screens recover by resume
        log.exception("publishing %d events failed; clients will recover them by resume", len(events))
