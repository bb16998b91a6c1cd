"""Retention rules (hub/services/housekeeping.py, docs/operations.md "Housekeeping"):
each growing table loses what its rule lets go and keeps the rest; hub_worker runs
every rule as an hourly job."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.models import (
    ApiToken,
    Event,
    FailedLogin,
    IdempotencyRecord,
    PrintJob,
    WebhookDelivery,
    WorkerHeartbeat,
)
from hub.services.housekeeping import RULES
from hub.worker import worker_jobs
from tests.given import order_given, pay_in_full, staff

RULE_NAMES = {
    "prune_events",
    "prune_idempotency",
    "prune_failed_logins",
    "prune_print_jobs",
    "prune_tokens",
    "prune_webhook_deliveries",
    "prune_worker_heartbeats",
}


@pytest.mark.embedded
@pytest.mark.django_db
def test_every_growing_table_has_a_rule_that_hub_worker_runs_hourly():
    assert set(RULES) == RULE_NAMES
    jobs = {job.name: job for job in worker_jobs()}
    for name in RULE_NAMES:
        assert jobs[name].every == 3600
        assert jobs[name].run() == 0  # never asks to be run again at once


@pytest.mark.embedded
def test_housekeeping_deletes_what_the_rules_let_go_and_keeps_the_rest(demo, settings):
    from hub.services.printing import print_job_create_for_invoice
    from hub.services.tokens import token_issue, token_revoke
    from hub.services.webhooks import webhook_subscribe

    now = timezone.now()
    order = order_given(status="billed")  # KOT jobs, queued
    print_job_create_for_invoice(order=order, by=None)
    pay_in_full(order)
    kot_jobs = PrintJob.objects.filter(kind=PrintJob.Kind.KOT)
    invoice = PrintJob.objects.get(kind=PrintJob.Kind.INVOICE)
    queued_kot = kot_jobs.first()
    # Rows as old as the rules talk about: no service backdates, so the test does.
    old = now - timedelta(days=40)
    done_kot = PrintJob.objects.create(
        outlet=queued_kot.outlet, printer=queued_kot.printer, kind=PrintJob.Kind.KOT,
        kot=queued_kot.kot, status=PrintJob.Status.PRINTED, ticket=queued_kot.ticket, reprint=1,
    )  # fmt: skip
    PrintJob.objects.filter(pk__in=[done_kot.pk, queued_kot.pk, invoice.pk]).update(
        created_at=old, status=PrintJob.Status.PRINTED
    )
    PrintJob.objects.filter(pk=queued_kot.pk).update(status=PrintJob.Status.QUEUED)

    waiter = staff("waiter")
    token_issue(staff=waiter, label="old revoked")
    token_issue(staff=waiter, label="fresh revoked")
    for token in ApiToken.objects.filter(label__in=["old revoked", "fresh revoked"]):
        token_revoke(token=token)
    ApiToken.objects.filter(label="old revoked").update(revoked_at=old)

    settings.HUB_WEBHOOK_DENY_PRIVATE = False
    sub = webhook_subscribe(
        outlet=waiter.outlet, by=staff("manager"), url="http://127.0.0.1:9/hook",
        secret="s" * 20, event_types=["*"],
    )  # fmt: skip
    for day in (20, 1):
        delivery = WebhookDelivery.objects.create(subscription=sub, event_id=1, attempt=1)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(at=now - timedelta(days=day))

    FailedLogin.objects.create(username="x", address="10.0.0.1")
    FailedLogin.objects.update(at=now - timedelta(hours=1))
    IdempotencyRecord.objects.filter(pk__in=[]).delete()
    WorkerHeartbeat.objects.create(name="gone:1", host="gone", pid=1, started_at=old, beat_at=old)
    WorkerHeartbeat.objects.create(name="here:2", host="here", pid=2, started_at=now, beat_at=now)
    events_before = Event.objects.count()
    Event.objects.filter(pk=Event.objects.order_by("id").first().pk).update(created_at=old)

    call_command("housekeeping")

    assert not PrintJob.objects.filter(pk=done_kot.pk).exists()  # printed KOT, 40 days
    assert PrintJob.objects.filter(pk=queued_kot.pk).exists()  # still waiting: never
    assert PrintJob.objects.filter(pk=invoice.pk).exists()  # tax invoices stay
    assert list(
        ApiToken.objects.filter(label__contains="revoked").values_list("label", flat=True)
    ) == ["fresh revoked"]
    assert WebhookDelivery.objects.filter(subscription=sub).count() == 1
    assert FailedLogin.objects.count() == 0
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["here:2"]
    assert Event.objects.count() == events_before - 1
