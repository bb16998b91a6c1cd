"""Read queries on the event outbox, for replay and resume (docs/realtime.md "seq, resume
and resync" and "How the hub keeps the promise").

The outbox is the source of truth for live streams: the channel layer is only
the fast path. Events of one stream commit in `seq` order (hub/events/outbox.py's
record_event holds the stream's cursor row locked until commit), so "every event
after N" read here never has a hole that a later commit could fill. The realtime
consumers and their connection watch read through these.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.models import Event, StreamCursor

REPLAY_PAGE = 500


def stream_last_seq(stream: str) -> int:
    """The last seq handed out on `stream` (0 for a stream that never had an event)."""
    return (
        StreamCursor.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0
    )


def stream_last_seqs(streams: Iterable[str]) -> dict[str, int]:
    """The last seq of each of `streams` (0 for one without events), in one query: a
    worker reads every stream its sockets follow at once (realtime/watch.py)."""
    wanted = set(streams)
    if not wanted:
        return {}
    found = dict(StreamCursor.objects.filter(stream__in=wanted).values_list("stream", "last_seq"))
    return {stream: found.get(stream, 0) for stream in wanted}


def stream_oldest_seq(stream: str) -> int | None:
    """The oldest seq still kept for `stream`, or None when nothing is kept."""
    return Event.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True).first()


def stream_resume_check(*, stream: str, since: int) -> tuple[bool, int]:
    """(resync_required, last_seq) for a client that has seen `stream` up to `since`.

    A resync is required when the events after `since` cannot all be replayed:
    the oldest kept event is newer than since + 1 (pruned after the retention
    period), or `since` is ahead of the stream (the client's seq comes from
    another database, e.g. after a restore).
    """
    last = stream_last_seq(stream)
    if since > last:
        return True, last
    if since == last:
        return False, last
    oldest = stream_oldest_seq(stream)
    return (oldest is None or oldest > since + 1), last


def events_after(
    *, stream: str, after: int, before: int | None = None, limit: int = REPLAY_PAGE
) -> list[Event]:
    """Events of `stream` with after < seq (< before), in seq order, at most `limit`."""
    query = Event.objects.filter(stream=stream, seq__gt=after)
    if before is not None:
        query = query.filter(seq__lt=before)
    return list(query.order_by("seq")[:limit])
