"""The one place that talks to the channel layer on the way out (docs/realtime.md "Publishing").

hub.events.outbox hands committed events here after each commit: realtime/apps.py registers
`publish_events` as the process's publisher at start-up.
The channel layer is only the fast path: a message it drops is recovered from the
outbox by the consumer (gap fill, tail check) or by the client's resume.

Why not `async_to_sync(layer.group_send)` per event: from plain sync code (a
management command, the print dispatcher, a test, a WSGI-style worker) every
call starts a fresh event loop, and channels-redis keeps its connection pools
per loop, so every publish opens and closes a Redis connection (channels-redis
issues #100 and #125; bench/publish_cost.py measures it). Instead, each process
has one long-lived publisher thread running its own event loop: it owns the
layer's Redis connections for that loop, and sync code only hands it the
messages (`loop.call_soon_threadsafe`), so a publish costs the caller a few
microseconds and reuses one pooled connection. One queue, drained by one task,
keeps the order in which events were committed and handed over. Fire and
forget: a failure is logged (once per outage), never raised into the request whose
change has already committed; while publishing fails, `publisher_failing()` tells
this process's connection watch (realtime/watch.py) to feed its screens from the
outbox. `flush()` waits (bounded) for the queue to drain, and runs at interpreter
exit so a short-lived command does not lose its last events.

The in-memory layer (the embedded default) lives inside the event loop of the
process's consumers, so for it the messages are delivered on that loop instead
(async_to_sync from a sync thread finds daphne's loop; no connection is involved).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from hub import metrics

log = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "hub.event"
SEND_TIMEOUT_SECONDS = 5.0  # one batch to Redis; a hung Redis must not stall the queue forever
QUEUE_LIMIT = 10_000  # batches waiting; beyond that we drop (and log): the outbox has them


def group_name(stream: str) -> str:
    """The channel-layer group of a stream: one per stream, e.g. "stream.kitchen.3"."""
    return f"stream.{stream}"


def event_wire(event) -> dict:
    """An Event as clients receive it: exactly {"type", "stream", "seq", "at", "data"}."""
    return {
        "type": event.type,
        "stream": event.stream,
        "seq": event.seq,
        "at": event.created_at.isoformat(),
        "data": event.data,
    }


def event_message(event) -> dict:
    """The one group message type consumers handle (StreamConsumer.hub_event)."""
    return {"type": EVENT_MESSAGE_TYPE, "event": event_wire(event)}


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
        await layer.group_send(group, message)


class Publisher:
    """One event-loop thread per process that owns the channel layer's connections."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._queue: asyncio.Queue | None = None
        # Set and read across threads; a plain attribute is enough for a flag.
        self.failing = False
        self._failed_events = 0
        self.thread = threading.Thread(target=self._run, name="hub-publisher", daemon=True)
        self.thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._drain_task = self.loop.create_task(self._drain())
        self._ready.set()
        self.loop.run_forever()

    async def _drain(self) -> None:
        queue = self._queue
        while True:
            batch = await queue.get()
            try:
                await asyncio.wait_for(_send_all(self.layer, batch), SEND_TIMEOUT_SECONDS)
            except Exception as error:  # committed already; screens recover from the outbox
                self._failed(len(batch), error)
            else:
                metrics.EVENTS_PUBLISHED.inc(len(batch))
                self._sent()
            finally:
                queue.task_done()

    def _failed(self, count: int, error: Exception) -> None:
        # One log line per outage, not one per batch: with Redis down every batch fails.
        if not self.failing:
            log.warning(
                "publishing %d events failed (%s: %s); clients get them from the outbox "
                "until the channel layer is back",
                count,
                type(error).__name__,
                error,
            )
        log.debug("publishing failed", exc_info=error)
        self.failing = True
        self._failed_events += count
        metrics.PUBLISH_FAILURES.inc(count)

    def _sent(self) -> None:
        if self.failing:
            log.warning(
                "publishing works again; %d events went by the outbox only", self._failed_events
            )
            self.failing = False
            self._failed_events = 0

    def _put(self, batch: list[tuple[str, dict]]) -> None:
        try:
            self._queue.put_nowait(batch)
        except asyncio.QueueFull:
            log.warning("publish queue full; dropping %d events (clients recover them)", len(batch))

    def submit(self, batch: list[tuple[str, dict]]) -> None:
        """Hand a batch over; returns at once (thread-safe, never blocks on Redis)."""
        self.loop.call_soon_threadsafe(self._put, batch)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted so far was sent (or failed). False on timeout."""
        if not self.thread.is_alive():
            return False
        future = asyncio.run_coroutine_threadsafe(self._queue.join(), self.loop)
        try:
            future.result(timeout)
            return True
        except TimeoutError:
            future.cancel()
            return False

    def stop(self) -> None:
        """Send what is queued (bounded), then end the thread and close its connections."""
        if not self.thread.is_alive():
            return
        self.flush(timeout=2.0)

        async def shutdown() -> None:
            self._drain_task.cancel()
            try:
                await self._drain_task
            except asyncio.CancelledError:
                pass

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(2.0)
        except Exception:  # stopping anyway
            log.warning("publisher did not shut down cleanly", exc_info=True)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=2.0)
        if not self.thread.is_alive():
            self.loop.close()  # channels-redis closes this loop's connection pool here


_publisher: Publisher | None = None
_publisher_lock = threading.Lock()


def publisher_for(layer) -> Publisher:
    """The process's publisher for `layer` (a new one after fork or a settings change)."""
    global _publisher
    with _publisher_lock:
        current = _publisher
        if current is None or current.layer is not layer or current.pid != os.getpid():
            if current is not None and current.pid == os.getpid():
                current.stop()
            _publisher = current = Publisher(layer)
        return current


def publisher_failing() -> bool:
    """Whether this process's last attempt to publish failed (Redis down, a timeout)."""
    current = _publisher
    return current is not None and current.pid == os.getpid() and current.failing


def flush(timeout: float = 5.0) -> bool:
    """Wait (bounded) until the events published so far reached the channel layer."""
    current = _publisher
    if current is None or current.pid != os.getpid():
        return True
    return current.flush(timeout)


atexit.register(flush, 2.0)


def _deliver_in_process(layer, messages: list[tuple[str, dict]]) -> None:
    """In-memory layer: deliver on the loop where this process's consumers run."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:  # called from async code directly: cannot block this loop
        loop.create_task(_send_all(layer, messages))
    else:  # from a sync thread: async_to_sync runs it on daphne's (or the test's) loop
        async_to_sync(_send_all)(layer, messages)


def publish_events(events: Iterable) -> None:
    """Send committed events to their stream groups. Never raises: the outbox has them.

    Called after commit only (the publisher hub/events/outbox.py calls); there is
    no other publishing path, so nothing reaches a screen before it is durable.
    """
    messages = [(group_name(event.stream), event_message(event)) for event in events]
    if not messages:
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if isinstance(layer, InMemoryChannelLayer):
            _deliver_in_process(layer, messages)
            metrics.EVENTS_PUBLISHED.inc(len(messages))
        else:  # counted by the publisher thread once Redis took them (or failed)
            publisher_for(layer).submit(messages)
    except Exception:  # the change is committed; screens recover from the outbox
        metrics.PUBLISH_FAILURES.inc(len(messages))
        log.exception(
            "publishing %d events failed; clients recover them from the outbox", len(messages)
        )
