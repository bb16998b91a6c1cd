"""Outbound webhooks: subscriptions and the state of their deliveries (CONTRACT 16;
docs/integrations.md "Webhooks").

No second source of truth: what a subscription has still to receive is computed from
the outbox (hub.models.Event) and its cursor: events of its outlet after
`start_event_id` (the newest event when it subscribed), of its types, with a `seq`
above the subscription's WebhookCursor of their stream. They go out in event-id order,
one at a time; within a stream that is `seq` order (a stream's events are written
under its cursor's row lock, so ids and seqs rise together), and an event that fails
holds back the ones after it until it is delivered: at least once, in order.

The HTTP itself is pos_api/webhooks_delivery.py's (hub_worker's `webhooks` job); this
module only claims subscriptions (SKIP LOCKED, with a lease, so several workers never
deliver to one receiver at once) and records each attempt, outside which no lock is
held while a receiver is slow.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from hub.errors import NotFound, ValidationFailed
from hub.events import orders_stream, record_event, service_transaction
from hub.events.registry import REGISTRY
from hub.models import (
    Event,
    Outlet,
    Staff,
    WebhookCursor,
    WebhookDelivery,
    WebhookSubscription,
)
from hub.secrets import secret_seal
from hub.selectors.operations import webhook_pending_queryset

# A claimed subscription is one worker's for this long; a pass stops sending before.
LEASE = timedelta(seconds=int(os.environ.get("HUB_WEBHOOK_LEASE_SECONDS", "60")))
# Retries: 2, 4, 8 ... seconds after each failure, at most an hour apart, for 24 h.
BACKOFF_CAP_SECONDS = int(os.environ.get("HUB_WEBHOOK_BACKOFF_CAP_SECONDS", "3600"))
GIVE_UP_AFTER = timedelta(hours=int(os.environ.get("HUB_WEBHOOK_GIVE_UP_HOURS", "24")))
MAX_SUBSCRIPTIONS = 20


def backoff_seconds(attempts: int) -> int:
    """Delay after the `attempts`-th failure in a row: 2, 4, 8 ... capped (first < 10 s)."""
    return min(BACKOFF_CAP_SECONDS, 2 ** max(min(attempts, 20), 1))


def deny_private() -> bool:
    return bool(getattr(settings, "HUB_WEBHOOK_DENY_PRIVATE", False))


def webhook_url_refusal(url: str) -> str | None:
    """Why the hub will not POST to `url`, or None. Private and loopback receivers (the
    restaurant's LAN, the hub's machine) are allowed unless HUB_WEBHOOK_DENY_PRIVATE."""
    import ipaddress
    import socket

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://[", a port above 65535
        return "An http:// or https:// address."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "An http:// or https:// address."
    if not deny_private():
        return None
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
        except OSError:
            return "The host name does not resolve."
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if any(
        a.is_private or a.is_loopback or a.is_link_local or a.is_unspecified or a.is_reserved
        for a in addresses
    ):
        return "Receivers on private or loopback addresses are not allowed here."
    return None


@transaction.atomic
def webhook_subscribe(
    *, outlet: Outlet, by: Staff, url: str, secret: str, event_types: list[str]
) -> WebhookSubscription:
    """Subscribe `url` to the outlet's events of `event_types` recorded from now on.

    Preconditions (400 `validation_error` otherwise): an http(s) URL the hub may reach
    (webhook_url_refusal); a secret of 16-200 characters; 1-50 known event types (the
    registry's, hub/events/registry.py), or `["*"]` for all; at most MAX_SUBSCRIPTIONS
    per outlet. The secret is stored sealed (hub/secrets.py).
    """
    refusal = webhook_url_refusal(url)
    if refusal:
        raise ValidationFailed(fields={"url": [refusal]})
    if not 16 <= len(secret) <= 200:
        raise ValidationFailed(fields={"secret": ["16 to 200 characters."]})
    types = ["*"] if "*" in event_types else sorted(set(event_types))
    if not types or (types != ["*"] and not set(types) <= set(REGISTRY)):
        unknown = sorted(set(types) - set(REGISTRY))
        raise ValidationFailed(
            fields={"event_types": [f"Known event types, or ['*']. Unknown: {unknown}"]}
        )
    Outlet.objects.select_for_update(no_key=True).filter(pk=outlet.pk).first()
    if WebhookSubscription.objects.filter(outlet=outlet).count() >= MAX_SUBSCRIPTIONS:
        raise ValidationFailed(
            fields={"url": [f"At most {MAX_SUBSCRIPTIONS} subscriptions per outlet."]}
        )
    start = Event.objects.aggregate(last=Max("id"))["last"] or 0
    return WebhookSubscription.objects.create(
        outlet=outlet,
        url=url,
        secret_sealed=secret_seal(secret),
        event_types=[] if types == ["*"] else types,
        start_event_id=start,
        created_by=by,
    )


@transaction.atomic
def webhook_delete(*, outlet: Outlet, subscription_id: int) -> None:
    """Delete a subscription of the outlet (another outlet's: 404), with its attempts."""
    deleted, _ = WebhookSubscription.objects.filter(outlet=outlet, pk=subscription_id).delete()
    if not deleted:
        raise NotFound("No such webhook.")


def webhook_pending_events(subscription: WebhookSubscription, *, limit: int = 20) -> list[Event]:
    """What the subscription has still to receive, oldest first (from the outbox)."""
    return list(webhook_pending_queryset(subscription).order_by("id")[:limit])


def webhooks_claim(*, limit: int = 8, now: datetime | None = None) -> list[WebhookSubscription]:
    """Lease up to `limit` subscriptions that are due (SKIP LOCKED: another worker's are
    passed over; on SQLite the one writer makes that moot). A lease ends when the worker
    releases it, or after LEASE if the worker died."""
    now = now or timezone.now()
    with transaction.atomic():
        subs = list(
            WebhookSubscription.objects.select_for_update(skip_locked=True)
            .filter(is_active=True, disabled_at__isnull=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "id")[:limit]
        )
        if subs:
            WebhookSubscription.objects.filter(pk__in=[s.pk for s in subs]).update(
                lease_until=now + LEASE
            )
    return subs


def webhook_release(*, subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(lease_until=None)


@service_transaction
def webhook_attempt_record(
    *,
    subscription_id: int,
    event: Event,
    status_code: int | None,
    error: str,
    delivered: bool,
    now: datetime | None = None,
) -> WebhookSubscription | None:
    """Record one attempt. Delivered: the stream's cursor moves to the event's seq.
    Failed: the next try is backoff_seconds later; after GIVE_UP_AFTER of failures in a
    row the subscription is disabled (the admin shows it; clearing resumes it)."""
    now = now or timezone.now()
    sub = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
    if sub is None:  # deleted meanwhile
        return None
    attempt = sub.head_attempts + 1
    WebhookDelivery.objects.create(
        subscription=sub,
        event_id=event.pk,
        attempt=attempt,
        status_code=status_code,
        error=error[:300],
        delivered=delivered,
    )
    if delivered:
        WebhookCursor.objects.update_or_create(
            subscription=sub, stream=event.stream, defaults={"last_seq": event.seq}
        )
        sub.head_attempts = 0
        sub.failing_since = None
        sub.next_attempt_at = None
        sub.last_error = ""
    else:
        sub.head_attempts = attempt
        sub.failing_since = sub.failing_since or now
        sub.next_attempt_at = now + timedelta(seconds=backoff_seconds(attempt))
        sub.last_error = (error or f"HTTP {status_code}")[:300]
        if now - sub.failing_since >= GIVE_UP_AFTER:
            sub.disabled_at = now
            record_event(
                outlet=sub.outlet_id,
                streams=[orders_stream(sub.outlet_id)],
                type="webhook.disabled",
                data={
                    "webhook_id": sub.pk,
                    "url": sub.url,
                    "failing_since": sub.failing_since.isoformat(),
                    "last_error": sub.last_error,
                },
            )
    sub.save(
        update_fields=[
            "head_attempts",
            "failing_since",
            "next_attempt_at",
            "last_error",
            "disabled_at",
        ]
    )
    return sub
