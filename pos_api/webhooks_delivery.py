"""hub_worker's `webhooks` job: POST each pending event to its subscriptions (CONTRACT 16;
docs/integrations.md "Webhooks").

One pass claims up to 8 due subscriptions (hub/services/webhooks.py, SKIP LOCKED with a
lease) and delivers to each in its own thread, so a slow or hanging receiver holds up
only its own queue (connect timeout 3 s, read 5 s). Per subscription the events go one
at a time in order; the first failure stops that subscription until its next retry.
The attempt is recorded after the HTTP answer, so a worker killed mid-delivery leaves
the event pending: it is sent again (at least once; receivers deduplicate by `id`).

Why requests: the well-kept synchronous HTTP client (already in the test environment);
the worker is a plain thread pool, so an async client (httpx) would buy nothing, and
requests' Session gives connection reuse, timeouts and redirects off in one place.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection

from hub.secrets import secret_open, signature_of
from hub.services import webhooks as svc

log = logging.getLogger("pos_api.webhooks")

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
BATCH = 20
PARALLEL = 8


def webhook_body(event) -> bytes:
    """The wire message of CONTRACT 6 plus the event's `id`, as sent and signed."""
    message = {
        "id": event.pk,
        "type": event.type,
        "stream": event.stream,
        "seq": event.seq,
        "at": event.created_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def _post(session: requests.Session, url: str, body: bytes, secret: str, event) -> tuple:
    refusal = svc.webhook_url_refusal(url)  # again at send time: DNS may have changed
    if refusal:
        return None, refusal, False
    try:
        response = session.post(
            url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature": signature_of(secret, body),
                "X-Hub-Event": event.type,
                "X-Hub-Event-Id": str(event.pk),
                "User-Agent": "pos-hub-webhooks/1",
            },
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300], False
    ok = 200 <= response.status_code < 300
    return response.status_code, "" if ok else f"HTTP {response.status_code}", ok


def deliver_to(subscription) -> int:
    """Send the subscription's pending events in order until one fails; how many went."""
    sent = 0
    started = time.monotonic()
    try:
        close_old_connections()
        secret = secret_open(subscription.secret_sealed)
        with requests.Session() as session:
            while time.monotonic() - started < svc.LEASE.total_seconds() / 2:
                events = svc.webhook_pending_events(subscription, limit=BATCH)
                if not events:
                    break
                for event in events:
                    if secret is None:
                        status, error, ok = (
                            None,
                            "the secret cannot be read (secret key changed?)",
                            False,
                        )
                    else:
                        status, error, ok = _post(
                            session, subscription.url, webhook_body(event), secret, event
                        )
                    still = svc.webhook_attempt_record(
                        subscription_id=subscription.pk,
                        event=event,
                        status_code=status,
                        error=error,
                        delivered=ok,
                    )
                    if still is None or still.disabled_at or not still.is_active:
                        return sent + int(ok)  # deleted, disabled or paused meanwhile
                    if not ok:
                        log.warning(
                            "webhook %s: event %s to %s failed (%s); retrying later",
                            subscription.pk,
                            event.pk,
                            subscription.url,
                            error,
                        )
                        return sent
                    sent += 1
        return sent
    finally:
        svc.webhook_release(subscription_id=subscription.pk)
        connection.close()


def webhooks_pass() -> int:
    """One pass of the job: how many events were delivered."""
    subscriptions = svc.webhooks_claim(limit=PARALLEL)
    if not subscriptions:
        return 0
    with ThreadPoolExecutor(max_workers=len(subscriptions), thread_name_prefix="webhook") as pool:
        return sum(pool.map(deliver_to, subscriptions))
