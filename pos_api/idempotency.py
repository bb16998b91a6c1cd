"""Idempotency-Key for every POST and PUT under /api/v1/ (CONTRACT 3; docs/api.md "Idempotency").

One mechanism, called by HubApiView.dispatch, so no view can forget it:

1. A signed-in request with an `Idempotency-Key` header claims the key: the row
   (staff, key) is INSERTed and committed on its own, before the view runs. The
   unique constraint means only one request can create it.
2. The request then runs inside one transaction that first locks that row
   (SELECT ... FOR UPDATE). The view's changes and the stored response commit
   together, so a key is never "done" without its change, nor the reverse.
3. A second request with the same key and the same body blocks on that lock
   until the first commits, then replays the stored response with
   `Idempotent-Replayed: true`. So concurrent duplicates wait for the first
   answer instead of failing; if the lock is not granted within
   IDEMPOTENCY_WAIT_SECONDS the caller gets 409 `idempotency_in_progress` and
   may retry.
4. If the first request died before committing (crash, 500), its transaction
   rolled back: the row is still unfinished and unlocked, so the retry runs the
   view itself. 5xx answers are never stored.
5. The same key with a different method, path or body answers 409
   `idempotency_key_reused`. Keys are kept 24 h (`manage.py prune_idempotency`);
   an older key counts as new.

Requests without the header, or without a signed-in user (login), run as usual, and so
does a method the view does not have: it answers 405 (HubApiView.dispatch).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from hub.db_retry import is_lost_race, run_retrying
from hub.errors import Conflict, IdempotencyCode, ValidationFailed
from hub.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT"})
MAX_KEY_LENGTH = 255
# Visible ASCII, spaces only between (HTTP trims them at the ends anyway); the schema
# documents exactly this (pos_api/schema.py), so a key the schema allows is never a 400.
KEY_PATTERN = rf"^[!-~](?:[ -~]{{0,{MAX_KEY_LENGTH - 2}}}[!-~])?$"
KEY_FORMAT = re.compile(KEY_PATTERN)
IDEMPOTENCY_WAIT_SECONDS = 15


class _RollBack(Exception):
    """Carries an error response out of the savepoint so the view's writes roll back."""

    def __init__(self, response: Response) -> None:
        self.response = response


def request_key(request) -> str | None:
    """The header's key for a POST/PUT by a signed-in user, else None (not idempotent)."""
    if request.method not in METHODS or getattr(request, "user", None) is None:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_FORMAT.fullmatch(key):
        raise ValidationFailed(
            fields={
                HEADER: [
                    f"Send 1 to {MAX_KEY_LENGTH} visible ASCII characters, spaces only inside "
                    "(a UUID is best)."
                ]
            }
        )
    return key


def request_hash(request) -> str:
    """sha256 of method, path (trailing slash ignored) and the canonical JSON body."""
    raw = request._request.body or b""
    try:
        body = json.dumps(
            json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        body_bytes = body.encode("utf-8", "surrogatepass")
    except (ValueError, UnicodeDecodeError):
        body_bytes = raw  # malformed JSON: hash the bytes; the view will answer 400 anyway
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.rstrip("/").encode(), body_bytes):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _expired_before():
    return timezone.now() - timedelta(hours=settings.HUB_IDEMPOTENCY_RETENTION_HOURS)


def _claim(*, staff, key: str, method: str, path: str, digest: str) -> IdempotencyRecord:
    """Create the key's row in its own committed transaction, or return the existing one."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    staff=staff, key=key, method=method, path=path[:255], request_hash=digest
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(staff=staff, key=key).first()
            if existing is None:
                continue  # pruned between the insert and the read: try again
            if existing.created_at < _expired_before():
                # Older than the retention window: the key is free again.
                IdempotencyRecord.objects.filter(
                    pk=existing.pk, created_at=existing.created_at
                ).delete()
                continue
            return existing
    raise Conflict("This Idempotency-Key is busy; retry shortly.", code=IdempotencyCode.IN_PROGRESS)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    """The first answer, byte for byte (stored as its rendered text), marked as a replay."""
    body = record.response_body
    if not isinstance(body, str):  # a row written as parsed JSON
        body = JSONRenderer().render(body).decode("utf-8")
    response = HttpResponse(
        body.encode("utf-8"), status=record.response_status, content_type="application/json"
    )
    response[REPLAY_HEADER] = "true"
    return response


def _storable(response: Response) -> str:
    """The body exactly as the client gets it: rendered JSON text (jsonb would reorder keys)."""
    return JSONRenderer().render(response.data).decode("utf-8")


def _lock(record_pk: int) -> IdempotencyRecord:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{IDEMPOTENCY_WAIT_SECONDS}s'")
    try:
        record = IdempotencyRecord.objects.select_for_update().get(pk=record_pk)
    except OperationalError as exc:  # lock_timeout (PostgreSQL) or busy (SQLite)
        raise Conflict(
            "A request with this Idempotency-Key is still running; retry shortly.",
            code=IdempotencyCode.IN_PROGRESS,
        ) from exc
    if connection.vendor == "postgresql":
        # the view's own row locks wait as they would without a key
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return record


def run_idempotent(
    request,
    key: str,
    run: Callable[[], Response],
    handle_exception: Callable[[Exception], Response],
) -> Response:
    """Run `run` once per (staff, key); replay its stored response afterwards.

    `run` is the view's handler; `handle_exception` turns a raised error into its
    response (the view's own handler), so errors the view answers are stored and
    replayed like successes, while the view's writes for them roll back.
    """
    digest = request_hash(request)
    record = _claim(
        staff=request.user, key=key, method=request.method, path=request.path, digest=digest
    )
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was used for a different request; use a new key.",
            code=IdempotencyCode.KEY_REUSED,
        )
    if record.completed:
        return _replay(record)

    def attempt() -> Response:
        with transaction.atomic():
            locked = _lock(record.pk)
            if locked.completed:  # the first request finished while we waited
                return _replay(locked)
            try:
                with transaction.atomic():
                    response = run()
                    if response.status_code >= 400:
                        raise _RollBack(response)
            except _RollBack as rollback:
                response = rollback.response
            except Exception as exc:
                if is_lost_race(exc):
                    raise  # the whole transaction is aborted: run_retrying runs it again
                response = handle_exception(exc)  # re-raises what it cannot answer
            if response.status_code >= 500:
                raise _RollBack(response)
            locked.completed = True
            locked.response_status = response.status_code
            locked.response_body = _storable(response)
            locked.save(update_fields=["completed", "response_status", "response_body"])
            return response

    try:
        return run_retrying(attempt, what=f"{request.method} {request.path}")
    except _RollBack as rollback:  # a 5xx: not stored, the key may be retried
        return rollback.response


def prune(*, older_than_hours: int | None = None) -> int:
    """Delete keys past the retention window; returns how many."""
    hours = (
        settings.HUB_IDEMPOTENCY_RETENTION_HOURS if older_than_hours is None else older_than_hours
    )
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
