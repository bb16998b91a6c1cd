"""Retention rules for the tables that grow (docs/operations.md "Housekeeping").

Each rule is one function deleting what its rule lets go, in batches of short
transactions (a prune never holds locks a cashier's write would wait on), returning how
many rows went. hub_worker runs each as a job of its own every HUB_PRUNE_EVERY_SECONDS
(hourly; registered in hub/apps.py and, for idempotency keys, pos_api/apps.py); the
prune_* commands run the same functions by hand or from a timer.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from hub.events.outbox import events_prune
from hub.models import ApiToken, PrintJob, WebhookDelivery
from hub.services.operations import worker_heartbeats_prune
from hub.services.tokens import failed_logins_prune

BATCH = 2000
PRUNE_EVERY_SECONDS = float(os.environ.get("HUB_PRUNE_EVERY_SECONDS", "3600"))
PRINT_JOB_RETENTION_DAYS = int(os.environ.get("HUB_PRINT_JOB_RETENTION_DAYS", "30"))
TOKEN_RETENTION_DAYS = int(os.environ.get("HUB_TOKEN_RETENTION_DAYS", "30"))
WEBHOOK_DELIVERY_RETENTION_DAYS = int(os.environ.get("HUB_WEBHOOK_DELIVERY_RETENTION_DAYS", "14"))

# Bills, tax invoices and shift reports stay: a reprint counts the earlier prints of its
# order or shift to mark itself DUPLICATE n, and a tax invoice's copies must stay marked.
PRUNABLE_PRINT_KINDS = (
    PrintJob.Kind.KOT,
    PrintJob.Kind.VOID,
    PrintJob.Kind.CANCELLATION,
    PrintJob.Kind.TEST_PAGE,
)


def _delete_in_batches(queryset: QuerySet) -> int:
    model = queryset.model
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return deleted
        count, _ = model.objects.filter(pk__in=ids).delete()
        deleted += count


def print_jobs_prune(*, now=None) -> int:
    """Finished (printed or failed) kitchen tickets and test pages older than 30 days."""
    cutoff = (now or timezone.now()) - timedelta(days=PRINT_JOB_RETENTION_DAYS)
    return _delete_in_batches(
        PrintJob.objects.filter(
            kind__in=PRUNABLE_PRINT_KINDS,
            status__in=(PrintJob.Status.PRINTED, PrintJob.Status.FAILED),
            created_at__lt=cutoff,
        )
    )


def tokens_prune(*, now=None) -> int:
    """Tokens revoked more than 30 days ago, and, with HUB_TOKEN_IDLE_DAYS set, tokens
    unused for that long plus 30 days (they answer 401 already; the rows only show in
    the admin's token list for a while)."""
    now = now or timezone.now()
    keep = timedelta(days=TOKEN_RETENTION_DAYS)
    gone = Q(revoked_at__lt=now - keep)
    idle_days = getattr(settings, "HUB_TOKEN_IDLE_DAYS", 0) or 0
    if idle_days:
        idle_cutoff = now - timedelta(days=idle_days) - keep
        gone |= Q(last_used_at__lt=idle_cutoff) | Q(
            last_used_at__isnull=True, created_at__lt=idle_cutoff
        )
    return _delete_in_batches(ApiToken.objects.filter(gone))


def webhook_deliveries_prune(*, now=None) -> int:
    """The delivery log (each attempt's status) older than 14 days."""
    cutoff = (now or timezone.now()) - timedelta(days=WEBHOOK_DELIVERY_RETENTION_DAYS)
    return _delete_in_batches(WebhookDelivery.objects.filter(at__lt=cutoff))


def failed_logins_prune_all() -> int:
    return failed_logins_prune()


def events_prune_default() -> int:
    return events_prune()


# name -> (prune function, the rule in words): hub_worker's jobs, docs, `housekeeping`.
# Outer layers add their own tables' rules with housekeeping_rule_register.
RULES: dict[str, tuple] = {}
BUILT_IN = {
    "prune_events": (events_prune_default, "events older than HUB_EVENT_RETENTION_HOURS (48 h, at least 24)"),
    "prune_failed_logins": (failed_logins_prune_all, "failed sign-ins older than the throttle window (5 min)"),
    "prune_print_jobs": (print_jobs_prune, "printed or failed KOT, void, cancellation and test-page jobs older than 30 days"),
    "prune_tokens": (tokens_prune, "tokens revoked 30 days ago; with HUB_TOKEN_IDLE_DAYS, unused that long + 30 days"),
    "prune_webhook_deliveries": (webhook_deliveries_prune, "webhook delivery attempts older than 14 days"),
    "prune_worker_heartbeats": (worker_heartbeats_prune, "heartbeats of hub_worker processes silent for a day"),
}  # fmt: skip


def housekeeping_rule_register(name: str, prune, rule: str) -> None:
    """A retention rule, for the `housekeeping` command and the docs; the app that owns
    it also registers `prune_job(prune)` as a hub_worker job (hub/apps.py)."""
    RULES[name] = (prune, rule)


def prune_job(prune):
    """`prune` as a hub_worker job that reports 0: a big first prune must not make the
    loop run it again at once (hub/worker.py re-runs a job after a busy pass)."""

    def job() -> int:
        prune()
        return 0

    job.__name__ = getattr(prune, "__name__", "prune")
    return job
