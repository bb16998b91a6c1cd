"""API tokens and password sign-in: tokens issued at login, stored as SHA-256, revoked at
logout, optionally expiring when idle; failed logins throttled per username and per
client address (docs/api.md "Auth and tokens", docs/operations.md "Sign-in throttle").
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hub.errors import AuthCode, DomainError
from hub.models import ApiToken, FailedLogin, Staff

# last_used_at is written at most this often per token: a terminal polling every second
# must not turn every read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)
# Expired FailedLogin rows deleted by one failed login (docs/operations.md "Housekeeping").
PRUNE_BATCH = 100


class LoginThrottled(DomainError):
    status = 429
    code = "rate_limited"
    default_message = "Too many failed sign-ins; try again in a few minutes."


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue(*, staff: Staff, label: str = "") -> str:
    """Create a token for staff; returns the raw token (the only time it exists in clear).
    Issuing counts as a use, so the first calls after a login write nothing."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        staff=staff,
        key_hash=hash_token(raw),
        prefix=raw[:8],
        label=label,
        last_used_at=timezone.now(),
    )
    return raw


def _idle_cutoff(now: datetime) -> datetime | None:
    """Tokens last used before this are expired (tokens from before last_used_at was
    written have none: their creation counts); None: no expiry."""
    days = settings.HUB_TOKEN_IDLE_DAYS
    return now - timedelta(days=days) if days else None


def _usable(tokens: QuerySet[ApiToken], now: datetime) -> QuerySet[ApiToken]:
    """The one rule of a usable token, shared by REST, WebSocket connect and the check of
    open sockets: not revoked, staff still active, and not idle past HUB_TOKEN_IDLE_DAYS."""
    tokens = tokens.filter(revoked_at__isnull=True, staff__is_active=True)
    cutoff = _idle_cutoff(now)
    if cutoff is not None:
        tokens = tokens.filter(
            Q(last_used_at__gte=cutoff) | Q(last_used_at__isnull=True, created_at__gte=cutoff)
        )
    return tokens


def token_resolve(raw: str) -> tuple[Staff, ApiToken] | None:
    """The active staff and token for a raw token, or None (unknown, revoked, staff
    deactivated, idle-expired). Marks the token used, writing at most once a minute."""
    if not raw or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        _usable(ApiToken.objects.select_related("staff", "staff__outlet"), now)
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None:
        return None
    stale = now - LAST_USED_GRANULARITY
    if token.last_used_at is None or token.last_used_at < stale:
        # The WHERE repeats the staleness test, so of several workers that read the same
        # stale value at once only the first writes; the others match no row.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token.staff, token


def tokens_mark_used(token_ids: Iterable[int]) -> int:
    """Mark tokens as used now (at most once a minute each), in one UPDATE: for a worker
    whose open sockets hold these tokens, so a screen left connected for longer than
    HUB_TOKEN_IDLE_DAYS does not count as idle. Returns how many rows were written."""
    ids = set(token_ids)
    if not ids:
        return 0
    now = timezone.now()
    stale = now - LAST_USED_GRANULARITY
    return ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk__in=ids
    ).update(last_used_at=now)


def tokens_no_longer_valid(token_ids: Iterable[int]) -> set[int]:
    """Of `token_ids`, those that may no longer be used: revoked (logout), whose staff
    member was deactivated, or idle past HUB_TOKEN_IDLE_DAYS (the rule of token_resolve).
    One query whatever the count, so a worker can check all of its open sockets at once
    (realtime closes theirs with 4401; CONTRACT 6)."""
    ids = set(token_ids)
    if not ids:
        return set()
    still_valid = _usable(ApiToken.objects.filter(pk__in=ids), timezone.now()).values_list(
        "pk", flat=True
    )
    return ids - set(still_valid)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.HUB_LOGIN_WINDOW_SECONDS)


def login_throttled(*, username: str, address: str | None) -> bool:
    """Whether sign-in is refused: HUB_LOGIN_MAX_FAILURES failures in the window for this
    username, or from this client address (None: not known, username only)."""
    limit = settings.HUB_LOGIN_MAX_FAILURES
    recent = FailedLogin.objects.filter(at__gte=_window_start())
    if recent.filter(username=username[:150]).count() >= limit:
        return True
    return address is not None and recent.filter(address=address[:64]).count() >= limit


def login_failure_record(*, username: str, address: str | None) -> None:
    """Record one failed sign-in, and drop a bounded batch of rows past the window:
    nothing else runs in the background yet, and failures are what make rows, so the
    table stays about one window's worth without any cron (which may also run
    `manage.py prune_failed_logins`)."""
    FailedLogin.objects.create(username=username[:150], address=(address or "")[:64])
    failed_logins_prune(limit=PRUNE_BATCH)


def login_attempt(
    *, username: str, address: str | None, check: Callable[[], Staff | None]
) -> Staff | None:
    """The throttle around one credentials check, for every password sign-in (the API
    login below, the admin's through hub/auth_backends.py), sharing one FailedLogin
    table: raises LoginThrottled without checking when over the limit; records a
    failure when `check` answers None. Failures are recorded outside any rollback
    (callers run in autocommit)."""
    if login_throttled(username=username, address=address):
        raise LoginThrottled()
    staff = check()
    if staff is None:
        login_failure_record(username=username, address=address)
    return staff


def login(*, username: str, password: str, address: str, device: str = "") -> tuple[Staff, str]:
    """Check credentials and issue a token labelled with the device (CONTRACT 1).

    Only failures are throttled: after HUB_LOGIN_MAX_FAILURES failures in the window for
    one username or one client address, every attempt answers 429 until the window
    passes. Staff without an outlet cannot use the API and count as a failure.
    """

    def check() -> Staff | None:
        # ModelBackend itself, not authenticate(): the configured backend
        # (hub/auth_backends.py) would throttle and count this attempt a second time.
        staff = ModelBackend().authenticate(None, username=username, password=password)
        return staff if staff is not None and staff.outlet_id is not None else None

    staff = login_attempt(username=username, address=address, check=check)
    if staff is None:
        raise DomainError(
            "Wrong username or password.", code=AuthCode.INVALID_CREDENTIALS, status=401
        )
    with transaction.atomic():
        raw = token_issue(staff=staff, label=device or "login")
    return staff, raw


def failed_logins_prune(*, limit: int | None = None) -> int:
    """Delete failed logins older than the throttle window (they no longer count);
    at most `limit` rows when given. Returns how many were deleted."""
    expired = FailedLogin.objects.filter(at__lt=_window_start())
    if limit is not None:
        expired = FailedLogin.objects.filter(pk__in=expired.order_by("at").values("pk")[:limit])
    deleted, _ = expired.delete()
    return deleted
