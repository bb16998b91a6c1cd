"""One watch per worker process over all of its open stream connections (docs/realtime.md,
"The connection watch": revoked tokens, and Redis down).

The watch runs one *check* for the whole process, every HUB_STREAM_TOKEN_CHECK_SECONDS
(1 s) and whenever a connection is about to send an event that no check has cleared
yet. A check is two queries, whatever the number of sockets: it reads the cursor of
every stream the process's connections follow, THEN asks hub.services.tokens which of
their tokens may no longer be used.

- Connections with such a token are marked revoked at once (they send nothing more)
  and closed with 4401.
- The cursors read are what the check *clears*: an event with seq <= the cursor read
  had committed before the token query ran, and that query found the token valid, so
  the event committed before any revocation of it. A connection sends an event only
  once a check has cleared it (`clear_to_send`), so an event committed after a logout
  never reaches that token's sockets, even when it arrives before the periodic check.
  A live event usually waits for one such check: one pair of queries per event per
  process, shared by all of its sockets.
- The same cursors drive the outbox catch-up: a connection whose channel layer is
  failing (Redis down) gets what it is missing every HUB_STREAM_FALLBACK_SECONDS (1 s);
  every other one every HUB_STREAM_TAIL_CHECK_SECONDS (15 s: a dropped last event).
- Once a minute the periodic check also marks the tokens of the open sockets used, so
  that a screen connected for days is not idle for HUB_TOKEN_IDLE_DAYS.
- Every HUB_KITCHEN_SCREEN_BEAT_SECONDS (5 s) it refreshes, in one UPDATE, the kitchen
  screens this process holds (hub/services/kitchen_screens.py: GET /kitchens counts the
  screens of every worker).
- After the periodic checks it keeps the channel layer in shape: re-joins the groups of
  connections whose layer calls failed (one probe per round while Redis is down, then
  all of them), and refreshes long-lived memberships (channels-redis's group_expiry).

A watch belongs to one event loop (daphne has one per process; tests have one per
test) and runs only while that loop has open connections.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from typing import Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from hub.events.replay import stream_last_seqs
from hub.services.kitchen_screens import kitchen_screen_beat_seconds, kitchen_screens_beat
from hub.services.tokens import tokens_mark_used, tokens_no_longer_valid
from realtime.publish import publisher_failing

log = logging.getLogger(__name__)

# An open socket is a use of its token (HUB_TOKEN_IDLE_DAYS must not expire a wall screen
# that stays connected): marked this often, which is last_used_at's own granularity.
MARK_USED_EVERY_SECONDS = 60.0


class WatchedConnection(Protocol):
    """What the watch needs of a connection (realtime.consumers.StreamConsumer)."""

    token_id: int
    stream: str | None
    last_sent: int | None
    revoked: bool

    @property
    def layer_ok(self) -> bool: ...

    def revoke(self) -> None: ...

    async def catch_up(self) -> None: ...

    async def join_group(self) -> bool: ...


@database_sync_to_async
def _screens_beat(connections: list[str]) -> int:
    return kitchen_screens_beat(connections)


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@database_sync_to_async
def _cursors_then_invalid_tokens(
    streams: set[str], token_ids: set[int], mark_used: bool
) -> tuple[dict[str, int], set[int]]:
    if mark_used:
        tokens_mark_used(token_ids)
    # The order is the proof (module docstring): cursors first, tokens second.
    cursors = stream_last_seqs(streams)
    return cursors, tokens_no_longer_valid(token_ids)


@dataclass
class _Watched:
    first_check: int  # the first check that started after the connection was added
    tail_due: float
    refresh_due: float
    catching_up: asyncio.Future | None = field(default=None)


class ConnectionWatch:
    """The process's open connections, their tokens, cursors and channel-layer state."""

    def __init__(self) -> None:
        self.connections: dict[WatchedConnection, _Watched] = {}
        self.cleared: dict[str, int] = {}  # stream -> the cursor the last check read
        self.checks_started = 0
        self.checks_done = 0
        self.layer_failing = False
        self._requested: asyncio.Future | None = None  # resolved by the next check
        self._checking: asyncio.Future | None = None  # resolved by the running check
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._layer_task: asyncio.Task | None = None
        self._fallback_due = 0.0
        self._mark_used_due = 0.0
        self._screens_beat_due = 0.0
        self._beat_task: asyncio.Task | None = None
        self._check_failing = False

    # --- connections ---------------------------------------------------------------

    def add(self, connection: WatchedConnection) -> None:
        loop = asyncio.get_running_loop()
        _watches.setdefault(loop, self)  # again, if it went idle and was forgotten
        now = loop.time()
        self.connections[connection] = _Watched(
            first_check=self.checks_started + 1,
            tail_due=now + _seconds("HUB_STREAM_TAIL_CHECK_SECONDS", 15),
            refresh_due=now + _seconds("HUB_STREAM_GROUP_REFRESH_SECONDS", 3600),
        )
        self._ensure_running()

    def discard(self, connection: WatchedConnection) -> None:
        watched = self.connections.pop(connection, None)
        if watched is not None and watched.catching_up is not None:
            watched.catching_up.cancel()

    def layer_lost(self, connection: WatchedConnection, error: BaseException) -> None:
        """A layer call of `connection` failed: it is fed from the outbox until re-joined."""
        if not self.layer_failing:
            self.layer_failing = True
            log.warning(
                "channel layer unreachable (%s: %s); this worker's streams are sent from the "
                "outbox every %.1f s until it is back",
                type(error).__name__,
                error,
                _seconds("HUB_STREAM_FALLBACK_SECONDS", 1),
            )

    def layer_regained(self, connection: WatchedConnection) -> None:
        watched = self.connections.get(connection)
        if watched is not None:
            # Events published while it was out of its group came by the outbox only up
            # to the last round: catch up once more, in a round after the join.
            watched.tail_due = 0.0

    # --- clearing events for delivery ----------------------------------------------

    async def clear_to_send(self, connection: WatchedConnection, seq: int) -> bool:
        """Whether `connection` may send event `seq` of its stream: a check has seen the
        stream at `seq` or later with the connection's token still valid. Waits for the
        running or the next check when needed (three at most); False when revoked or a
        check fails, and the event then stays in the outbox for a later catch-up."""
        for _ in range(3):
            watched = self.connections.get(connection)
            if watched is None or connection.revoked:
                return False
            if (
                self.checks_done >= watched.first_check
                and self.cleared.get(connection.stream, 0) >= seq
            ):
                return True
            if self._checking is not None and watched.first_check <= self.checks_started:
                # The running check may do: its cursor read may already show the event
                # (arriving copies of one event share one check, not one each).
                future = self._checking
            else:
                future = self._next_check()
            # shielded: a connection that goes away must not cancel the others' wait
            if not await asyncio.shield(future):
                return False
        return False  # not even a fresh read shows it: not from this database's outbox

    def _next_check(self) -> asyncio.Future:
        """The result of a check that starts after this call: False when it failed."""
        if self._requested is None:
            self._requested = asyncio.get_running_loop().create_future()
            self._wake.set()
        self._ensure_running()
        return self._requested

    # --- the check loop --------------------------------------------------------------

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    def _tick(self) -> float:
        return min(
            _seconds("HUB_STREAM_TOKEN_CHECK_SECONDS", 1),
            _seconds("HUB_STREAM_FALLBACK_SECONDS", 1),
            _seconds("HUB_STREAM_TAIL_CHECK_SECONDS", 15),
        )

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_round = loop.time()
        try:
            while self.connections:
                try:
                    async with asyncio.timeout(max(0.0, next_round - loop.time())):
                        await self._wake.wait()
                except TimeoutError:
                    pass
                self._wake.clear()
                if not self.connections:
                    break
                now = loop.time()
                periodic = now >= next_round
                if periodic:
                    next_round = now + self._tick()
                self._checking = self._requested or loop.create_future()
                self._requested = None
                try:
                    done = await self._check(periodic)
                except Exception:  # a bug here must not leave every socket waiting
                    log.exception("connection watch check failed")
                    done = False
                _resolve(self._checking, done)
                self._checking = None
                if periodic:
                    self._maintain_layer_soon()
                if not done:  # the database is in trouble: do not spin on every event
                    await asyncio.sleep(self._tick())
        finally:
            _resolve(self._checking, False)
            _resolve(self._requested, False)
            self._checking = self._requested = None
            if not self.connections and _watches.get(loop) is self:
                del _watches[loop]  # its tasks and events hold the loop: let both go

    async def _check(self, periodic: bool) -> bool:
        connections = [c for c in self.connections if c.stream is not None]
        self.checks_started += 1
        generation = self.checks_started
        now = asyncio.get_running_loop().time()
        mark_used = periodic and now >= self._mark_used_due
        if mark_used:
            self._mark_used_due = now + MARK_USED_EVERY_SECONDS
        try:
            cursors, invalid = await _cursors_then_invalid_tokens(
                {c.stream for c in connections}, {c.token_id for c in connections}, mark_used
            )
        except Exception as error:
            if not self._check_failing:
                self._check_failing = True
                log.warning("token and stream check failed (%s); retrying", error)
            return False
        self._check_failing = False
        for connection in connections:
            if connection.token_id in invalid and connection in self.connections:
                connection.revoke()
        for stream, seq in cursors.items():
            if seq > self.cleared.get(stream, 0):
                self.cleared[stream] = seq
        self.checks_done = generation
        if periodic:
            self._catch_up_where_due(cursors)
            self._beat_screens_soon(now)
        return True

    def _beat_screens_soon(self, now: float) -> None:
        """Refresh the kitchen screens this worker holds (GET /kitchens counts them), one
        UPDATE for all of them every HUB_KITCHEN_SCREEN_BEAT_SECONDS, beside the check (a
        live event waiting for the check must not wait for it too)."""
        if now < self._screens_beat_due:
            return
        if self._beat_task is not None and not self._beat_task.done():
            return
        self._screens_beat_due = now + kitchen_screen_beat_seconds()
        screens = [
            c.screen_connection
            for c in self.connections
            if getattr(c, "screen_connection", None) and not c.revoked
        ]
        if screens:
            self._beat_task = asyncio.ensure_future(self._beat_screens(screens))

    async def _beat_screens(self, screens: list[str]) -> None:
        try:
            await _screens_beat(screens)
        except Exception as error:  # the next beat tries again; rows go stale meanwhile
            log.warning("kitchen screen beat failed (%s)", error)

    def _catch_up_where_due(self, cursors: dict[str, int]) -> None:
        now = asyncio.get_running_loop().time()
        fallback_due = now >= self._fallback_due
        if fallback_due:
            self._fallback_due = now + _seconds("HUB_STREAM_FALLBACK_SECONDS", 1)
        # this process could not publish: its own screens surely missed those events
        publishing_fails = publisher_failing()
        tail_every = _seconds("HUB_STREAM_TAIL_CHECK_SECONDS", 15)
        for connection, watched in self.connections.items():
            tail_due = now >= watched.tail_due
            if tail_due:
                watched.tail_due = now + tail_every
            degraded = publishing_fails or not connection.layer_ok
            if not (tail_due or (degraded and fallback_due)):
                continue
            if connection.revoked or connection.last_sent is None:
                continue
            if cursors.get(connection.stream, 0) <= connection.last_sent:
                continue
            if watched.catching_up is None or watched.catching_up.done():
                watched.catching_up = asyncio.ensure_future(connection.catch_up())

    # --- the channel layer ------------------------------------------------------------

    def _maintain_layer_soon(self) -> None:
        if self._layer_task is None or self._layer_task.done():
            self._layer_task = asyncio.ensure_future(self._maintain_layer())

    async def _maintain_layer(self) -> None:
        try:
            lost = [c for c in self.connections if not c.layer_ok and not c.revoked]
            # While Redis is down one probe per round, not one attempt per socket.
            if lost and await lost[0].join_group():
                for connection in lost[1:]:
                    if connection in self.connections and not connection.layer_ok:
                        await connection.join_group()
                if self.layer_failing and all(c.layer_ok or c.revoked for c in self.connections):
                    log.warning("channel layer reachable again; live delivery resumed")
                    self.layer_failing = False
            elif not lost:
                self.layer_failing = False  # those that lost it are gone: nothing to tell
            now = asyncio.get_running_loop().time()
            refresh_every = _seconds("HUB_STREAM_GROUP_REFRESH_SECONDS", 3600)
            for connection, watched in list(self.connections.items()):
                if connection.layer_ok and now >= watched.refresh_due:
                    watched.refresh_due = now + refresh_every
                    await connection.join_group()
        except Exception:  # the next round tries again
            log.exception("channel layer maintenance failed")


def _resolve(future: asyncio.Future | None, result: bool) -> None:
    if future is not None and not future.done():
        future.set_result(result)


# Weak keys: a loop that is gone takes its watch along (tests run one loop per test).
_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ConnectionWatch] = (
    weakref.WeakKeyDictionary()
)


def watch_of_running_loop() -> ConnectionWatch:
    """The watch of the running event loop (one per daphne process)."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = ConnectionWatch()
    return watch
