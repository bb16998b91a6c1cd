"""Reads for operations: what /metrics exposes from the database (hub/metrics.py,
docs/operations.md "Metrics"). Every read is one query, whatever the number of
printers or subscriptions, except the webhook backlog (one bounded count per active
subscription: a restaurant has a handful)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Min, Q, QuerySet

from hub.models import (
    Event,
    Printer,
    PrintJob,
    WebhookCursor,
    WebhookSubscription,
    WorkerHeartbeat,
)

WEBHOOK_BACKLOG_CAP = 10_000


def webhook_pending_queryset(subscription: WebhookSubscription) -> QuerySet[Event]:
    """The events the subscription has still to receive (also its backlog, /metrics)."""
    cursors = dict(
        WebhookCursor.objects.filter(subscription=subscription).values_list("stream", "last_seq")
    )
    events = Event.objects.filter(
        outlet_id=subscription.outlet_id, id__gt=subscription.start_event_id
    )
    if subscription.event_types:
        events = events.filter(type__in=subscription.event_types)
    if cursors:
        after = reduce(or_, (Q(stream=s, seq__gt=seq) for s, seq in cursors.items()))
        events = events.filter(after | ~Q(stream__in=list(cursors)))
    return events


def print_queue_by_printer() -> list[dict]:
    """Per printer: outlet code, id, name, queued jobs, oldest queued job's time, offline."""
    queued = Q(jobs__status=PrintJob.Status.QUEUED)
    rows = (
        Printer.objects.annotate(
            queued=Count("jobs", filter=queued), oldest=Min("jobs__created_at", filter=queued)
        )
        .values("id", "name", "outlet__code", "status", "queued", "oldest")
        .order_by("id")
    )
    return [
        {
            "printer": row["id"],
            "name": row["name"],
            "outlet": row["outlet__code"],
            "queued": row["queued"],
            "oldest": row["oldest"],
            "offline": row["status"] == Printer.Status.OFFLINE,
        }
        for row in rows
    ]


def webhook_backlogs() -> list[dict]:
    """Per active subscription: events it has still to receive (capped)."""
    subscriptions = WebhookSubscription.objects.filter(
        is_active=True, deleted_at__isnull=True, disabled_at__isnull=True
    ).select_related("outlet")
    return [
        {
            "subscription": sub.pk,
            "outlet": sub.outlet.code,
            "pending": webhook_pending_queryset(sub)[:WEBHOOK_BACKLOG_CAP].count(),
        }
        for sub in subscriptions
    ]


def worker_heartbeats() -> list[dict]:
    return list(WorkerHeartbeat.objects.values("name", "beat_at"))
