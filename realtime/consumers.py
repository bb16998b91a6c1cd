"""Stream consumers: one class per stream kind, all forwarding (docs/realtime.md).

A consumer decides nothing about the business: it checks who may read the
stream (hub.services.streams, the rule REST shares), joins the stream's group,
and forwards events in `seq` order, exactly once per connection:

1. join the group FIRST, then read the stream's last seq for `hello`, so no
   event committed after that read can be missed by the group;
2. while replaying from the outbox (`?since=N` or a `resume` message), live
   messages are buffered; after the replay the buffered ones with seq <= the
   last replayed are dropped and the rest delivered in order;
3. a live message with a gap (seq > last sent + 1) first gets the missing
   events from the outbox: that also recovers what the channel layer dropped
   (it is at-most-once by its specification);
4. a periodic tail check (and every client ping) compares the last sent seq
   with the stream's cursor, so a dropped LAST event is recovered too, without
   waiting for a next event.

Per stream, events commit in seq order (record_event holds the stream's cursor
row until commit), so whenever event N is visible every event before it is too.

The periodic work is not per connection: the worker's connection watch
(realtime/watch.py) checks every socket's token and stream cursor at once, closes
revoked tokens' sockets with 4401, clears each event before it is sent (nothing
committed after a revocation goes out), runs the tail check, and, while the channel
layer fails (Redis down), feeds the sockets from the outbox and re-joins their groups.
No call into the layer may end a connection: a failure only switches it to the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch

from hub import metrics
from hub.errors import DomainError, Forbidden, NotFound, RequestCode, StreamCode
from hub.events.replay import REPLAY_PAGE, events_after, stream_last_seq, stream_resume_check
from hub.services.kitchen import kot_mark_seen
from hub.services.kitchen_screens import kitchen_screen_closed, kitchen_screen_opened
from hub.services.printing import print_job_ack
from hub.services.streams import stream_resolve
from printers.jobs import print_job_wire_data
from realtime.publish import event_wire, group_name
from realtime.watch import watch_of_running_loop

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# group_add/group_discard wait at most this long: with Redis unreachable (not refusing)
# the handshake must not hang on the connect timeout; the connection goes on from the
# outbox and the watch re-joins it later.
LAYER_CALL_TIMEOUT_SECONDS = 2.0


@database_sync_to_async
def _resolve(staff, kind: str, object_id: int | None) -> str:
    return stream_resolve(staff=staff, kind=kind, object_id=object_id)


@database_sync_to_async
def _last_seq(stream: str) -> int:
    return stream_last_seq(stream)


@database_sync_to_async
def _resume_check(stream: str, since: int) -> tuple[bool, int]:
    return stream_resume_check(stream=stream, since=since)


@database_sync_to_async
def _events(stream: str, after: int, before: int | None = None) -> list[dict]:
    return [event_wire(e) for e in events_after(stream=stream, after=after, before=before)]


def _as_seq(value) -> int | None:
    """A non-negative integer seq from JSON or a query string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    if isinstance(value, int) and 0 <= value < 10**18:
        return value
    return None


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Base of every stream consumer; subclasses name their `kind`."""

    kind: str = ""
    # client message type -> handler method name; subclasses may add (print.ack)
    client_messages = {"ping": "on_ping", "resume": "on_resume"}

    # --- connection ---------------------------------------------------------

    async def __call__(self, scope, receive, send):
        """AsyncConsumer.__call__ (channels 4), reading the channel layer through
        `_receive_from_layer` instead of `channel_layer.receive`: Channels hands that
        receive to await_many_dispatch, which ends the consumer on its first exception,
        so a Redis outage closed every socket with 1011. The rest is Channels' own."""
        self.scope = scope
        self.stream: str | None = None
        self.last_sent: int | None = None  # None while replaying: live messages are buffered
        self.buffer: list[dict] = []
        self.lock = asyncio.Lock()  # one sender at a time: handlers, watch catch-ups
        self.revoked = False
        self.layer_joined = asyncio.Event()  # set while in the group and reading the layer
        self.watch = watch_of_running_loop()
        api_token = scope.get("api_token")
        self.token_id: int | None = api_token.pk if api_token is not None else None
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        try:
            await await_many_dispatch([receive, self._receive_from_layer], self.dispatch)
        except StopConsumer:
            pass
        finally:
            self.watch.discard(self)

    async def _receive_from_layer(self) -> dict:
        """The next group message. Waits while the connection is out of its group (not
        joined yet, or the layer failed) instead of raising: meanwhile the watch sends
        what it misses from the outbox and re-joins it when Redis answers again."""
        while True:
            await self.layer_joined.wait()
            try:
                return await self.channel_layer.receive(self.channel_name)
            except Exception as error:  # Redis down or restarting; not the consumer's end
                self._layer_lost(error)

    @property
    def layer_ok(self) -> bool:
        return self.layer_joined.is_set()

    def _layer_lost(self, error: BaseException) -> None:
        self.layer_joined.clear()
        self.watch.layer_lost(self, error)

    async def join_group(self) -> bool:
        """group_add, bounded and never raising; False (and outbox delivery) on failure."""
        try:
            await asyncio.wait_for(
                self.channel_layer.group_add(self.group, self.channel_name),
                LAYER_CALL_TIMEOUT_SECONDS,
            )
        except Exception as error:
            self._layer_lost(error)
            return False
        if not self.layer_joined.is_set():
            self.layer_joined.set()
            self.watch.layer_regained(self)
        return True

    def _offered_subprotocol(self) -> str | None:
        """Echo `bearer.<token>` back when the client authenticated with it (RFC 6455
        requires the server to pick one of the offered subprotocols or none)."""
        for protocol in self.scope.get("subprotocols") or []:
            if protocol.startswith("bearer."):
                return protocol
        return None

    def _object_id(self) -> int | None:
        raw = self.scope["url_route"]["kwargs"].get("object_id")
        return int(raw) if raw is not None else None

    async def _refuse(self, code: int) -> None:
        # Accept first: a close before accept becomes an HTTP 403 and the client
        # would never see our close code.
        await self.accept(self._offered_subprotocol())
        await self.close(code=code)

    async def connect(self):
        staff = self.scope.get("staff")
        if staff is None:
            return await self._refuse(CLOSE_UNAUTHENTICATED)
        try:
            self.stream = await _resolve(staff, self.kind, self._object_id())
        except Forbidden:
            return await self._refuse(CLOSE_FORBIDDEN)
        except NotFound:
            return await self._refuse(CLOSE_NOT_FOUND)
        self.group = group_name(self.stream)
        # Join FIRST (see the module docstring). If the layer fails, the handshake still
        # completes: the watch feeds this connection from the outbox meanwhile.
        await self.join_group()
        await self.accept(self._offered_subprotocol())
        self.watch.add(self)
        metrics.ws_opened(self.kind)
        self._counted = True
        await self.accepted()
        async with self.lock:
            current = await _last_seq(self.stream)  # read AFTER joining the group
            await self.send_json({"type": "hello", "stream": self.stream, "seq": current})
            raw_since = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("since")
            since = _as_seq(raw_since[0]) if raw_since else None
            if raw_since and since is None:
                await self._error(StreamCode.INVALID_SINCE, "since must be a non-negative integer.")
            if since is None:
                self.last_sent = current
                await self._flush_buffer()
            else:
                await self._resume(since)

    async def accepted(self) -> None:
        """Called once the socket is accepted on its stream, before `hello`; subclasses
        may record it (a kitchen screen)."""

    async def disconnect(self, code):
        self.watch.discard(self)
        if getattr(self, "_counted", False):
            self._counted = False
            metrics.ws_closed(self.kind)
        if self.stream is None:
            return
        try:
            await asyncio.wait_for(
                self.channel_layer.group_discard(self.group, self.channel_name),
                LAYER_CALL_TIMEOUT_SECONDS,
            )
        except Exception:  # Redis down: the member expires (group_expiry), its queue too
            log.debug("group_discard of %s failed", self.group, exc_info=True)

    def revoke(self) -> None:
        """The token may no longer be used (the watch's check): send nothing more, close
        with 4401. Synchronous up to the flag, so no event slips out after the check."""
        if self.revoked:
            return
        self.revoked = True
        self.closing = asyncio.ensure_future(self.close(code=CLOSE_UNAUTHENTICATED))

    async def send_json(self, content, close=False):
        if self.revoked:  # nothing after the revocation was noticed: no event, no pong
            return
        await super().send_json(content, close=close)

    # --- the one group message type ---------------------------------------

    async def hub_event(self, message):
        """Group message {"type": "hub.event", "event": <wire event>}: forward it."""
        event = message["event"]
        async with self.lock:
            if self.last_sent is None:  # a replay is running: keep it for afterwards
                self.buffer.append(event)
                return
            await self._deliver(event)

    # --- delivery, in seq order, once --------------------------------------

    async def _send_event(self, event: dict) -> bool:
        """Send one event once the watch has cleared it (committed while the token was
        valid). False when it may not be sent: the caller stops there, and the event
        stays in the outbox for a later catch-up (revoked: there is no later)."""
        if not await self.watch.clear_to_send(self, event["seq"]):
            return False
        await self.send_json(await self.outgoing(event))
        self.last_sent = event["seq"]
        return True

    async def outgoing(self, event: dict) -> dict:
        """The event as this stream's clients receive it; the outbox's by default."""
        return event

    async def _deliver(self, event: dict) -> None:
        """Send a live event after any events missing before it; drop it if already sent."""
        seq = event["seq"]
        if seq <= self.last_sent:
            return
        if seq > self.last_sent + 1:
            await self._fill_gap(before=seq)
        if seq == self.last_sent + 1:  # not when the gap could not be filled: no holes
            await self._send_event(event)

    async def _fill_gap(self, before: int | None) -> None:
        """Send every kept event after last_sent (and before `before`) from the outbox."""
        while True:
            rows = await _events(self.stream, self.last_sent, before)
            if rows and rows[0]["seq"] != self.last_sent + 1:
                # pruned meanwhile (a connection older than the retention period)
                await self._resync(rows[0]["seq"] - 1)
            elif not rows and before is not None and before > self.last_sent + 1:
                await self._resync(before - 1)  # the missing ones are gone: pruned
            for row in rows:
                if not await self._send_event(row):
                    return
            if len(rows) < REPLAY_PAGE:
                return

    async def _flush_buffer(self) -> None:
        buffered, self.buffer = sorted(self.buffer, key=lambda e: e["seq"]), []
        for event in buffered:
            await self._deliver(event)

    async def _resume(self, since: int) -> None:
        """Replay everything after `since`, then go live with whatever arrived meanwhile."""
        self.last_sent = None  # buffer live messages while replaying
        resync, current = await _resume_check(self.stream, since)
        if resync:
            await self._resync(current)
        else:
            self.last_sent = since
            await self._fill_gap(before=None)
        await self._flush_buffer()

    async def _resync(self, seq: int) -> None:
        """The client must refetch its state over REST; live events continue after `seq`."""
        await self.send_json({"type": "resync_required", "stream": self.stream, "seq": seq})
        self.last_sent = seq

    async def catch_up(self) -> None:
        """Send from the outbox what this connection misses: the watch calls it for the
        tail check (a dropped last event) and, while the layer fails, every round."""
        try:
            async with self.lock:
                if self.last_sent is not None and not self.revoked:
                    await self._fill_gap(before=None)
        except Exception:  # a database hiccup must not kill the connection
            log.exception("catching up %s failed", self.stream)

    async def _catch_up(self) -> None:
        if await _last_seq(self.stream) > self.last_sent:
            await self._fill_gap(before=None)

    # --- client messages -----------------------------------------------------

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            return await self._error(StreamCode.INVALID_MESSAGE, "Send JSON text frames.")
        await self.receive_json(await self.decode_json(text_data))

    async def receive_json(self, content, **kwargs):
        if self.revoked:  # closing with 4401: a revoked token is not served any more
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            return await self._error(
                StreamCode.INVALID_MESSAGE, 'Send a JSON object with a "type".'
            )
        handler = self.client_messages.get(content["type"])
        if handler is None:
            return await self._error(
                StreamCode.UNKNOWN_TYPE,
                f"Unknown message type {content['type'][:40]!r}.",
                allowed=sorted(self.client_messages),
            )
        await getattr(self, handler)(content)

    async def _error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def on_ping(self, content):
        """pong, after sending anything the channel layer may have dropped."""
        async with self.lock:
            if self.last_sent is not None:
                await self._catch_up()
            await self.send_json({"type": "pong", "stream": self.stream, "seq": self.last_sent})
        # keep the group membership fresh on long-lived screens (group_expiry); while
        # the layer fails the watch re-joins instead, one probe for the whole worker
        if self.layer_ok:
            await self.join_group()

    async def on_resume(self, content):
        since = _as_seq(content.get("since"))
        if since is None:
            return await self._error(
                StreamCode.INVALID_SINCE, "since must be a non-negative integer."
            )
        async with self.lock:
            await self._resume(since)


@database_sync_to_async
def _kot_seen(kot_id, kitchen_id: int, outlet_id: int) -> bool:
    return kot_mark_seen(kot_id=kot_id, kitchen_id=kitchen_id, outlet_id=outlet_id)


@database_sync_to_async
def _screen_opened(kitchen_id: int, connection: str) -> None:
    kitchen_screen_opened(kitchen_id=kitchen_id, connection=connection)


@database_sync_to_async
def _screen_closed(connection: str) -> None:
    kitchen_screen_closed(connection=connection)


class KitchenConsumer(StreamConsumer):
    """A kitchen's stream; its screens acknowledge what they drew with `kot.seen`
    (CONTRACT 13): the service stamps the KOT, the answer is `kot.seen_ok`.

    Each accepted socket is a screen of the kitchen, recorded in the database for GET
    /kitchens (hub/services/kitchen_screens.py); the watch refreshes it while it lasts."""

    kind = "kitchen"
    client_messages = {**StreamConsumer.client_messages, "kot.seen": "on_kot_seen"}
    screen_connection: str | None = None

    async def accepted(self) -> None:
        connection = uuid.uuid4().hex
        try:
            await _screen_opened(self._object_id(), connection)
        except Exception:  # presence is a report; the screen works without it
            log.warning("recording a screen of %s failed", self.stream, exc_info=True)
            return
        self.screen_connection = connection

    async def disconnect(self, code):
        await super().disconnect(code)
        if self.screen_connection is None:
            return
        connection, self.screen_connection = self.screen_connection, None
        try:
            await _screen_closed(connection)
        except Exception:  # the row goes stale and stops counting after three beats
            log.warning("recording the end of screen %s failed", connection, exc_info=True)

    async def on_kot_seen(self, content):
        kot_id = content.get("kot_id")
        if isinstance(kot_id, bool) or not isinstance(kot_id, int) or kot_id <= 0:
            return await self._error(
                RequestCode.VALIDATION_ERROR, "kot_id must be a positive integer."
            )
        staff = self.scope["staff"]
        await _kot_seen(kot_id, self._object_id(), staff.outlet_id)
        await self.send_json({"type": "kot.seen_ok", "kot_id": kot_id})


class TableConsumer(StreamConsumer):
    kind = "table"


class DriverConsumer(StreamConsumer):
    kind = "driver"


class FloorConsumer(StreamConsumer):
    kind = "floor"


class OrdersConsumer(StreamConsumer):
    kind = "orders"


class ExpoConsumer(StreamConsumer):
    """The pass: every kot.* event of every kitchen of the outlet (CONTRACT 13)."""

    kind = "expo"


PRINT_ACK_STATUSES = ("printed", "failed")


@database_sync_to_async
def _print_job_wire_data(printer_id: int, data: dict) -> dict:
    return print_job_wire_data(printer_id=printer_id, data=data)


class PrinterConsumer(StreamConsumer):
    """A print agent's stream: `print.job` events in, `print.ack` messages back.

    The outbox keeps which job an event is for; its ESC/POS bytes (`payload_b64`) are
    rendered from the job's ticket as the event goes out, live or replayed, so agents
    get the wire they always got (docs/printing.md "The print agent")."""

    kind = "printer"
    client_messages = {**StreamConsumer.client_messages, "print.ack": "on_print_ack"}

    async def outgoing(self, event: dict) -> dict:
        if event["type"] != "print.job":
            return event
        data = await _print_job_wire_data(self._object_id(), event["data"])
        return {**event, "data": data}  # a copy: the live message is shared by all sockets

    async def on_print_ack(self, content):
        job_id = content.get("job_id")
        status = content.get("status")
        error = content.get("error") or ""
        if isinstance(job_id, bool) or not isinstance(job_id, int) or job_id <= 0:
            return await self._error(
                RequestCode.VALIDATION_ERROR, "job_id must be a positive integer."
            )
        if status not in PRINT_ACK_STATUSES:
            return await self._error(
                RequestCode.VALIDATION_ERROR,
                'status must be "printed" or "failed".',
                allowed=list(PRINT_ACK_STATUSES),
            )
        if not isinstance(error, str):
            return await self._error(RequestCode.VALIDATION_ERROR, "error must be a string.")
        try:
            await database_sync_to_async(print_job_ack)(
                printer_id=self._object_id(),
                job_id=job_id,
                status=status,
                error=error[:300],
                by=self.scope["staff"],
            )
        except DomainError as exc:
            return await self._error(exc.code, exc.message)
        await self.send_json({"type": "print.ack_ok", "job_id": job_id, "status": status})


class UnknownStreamConsumer(StreamConsumer):
    """Any other /ws/ path: 4401 without a valid token, else 4404."""

    kind = "unknown"

    async def connect(self):
        if self.scope.get("staff") is None:
            return await self._refuse(CLOSE_UNAUTHENTICATED)
        return await self._refuse(CLOSE_NOT_FOUND)
