"""API tokens: issued at login, stored as SHA-256, revoked at logout (docs/api.md "Auth")."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from hub.errors import DomainError
from hub.models import ApiToken, FailedLogin, Staff


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue(*, staff: Staff, label: str = "") -> str:
    """Create a token for staff; returns the raw token (the only time it exists in clear)."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(staff=staff, key_hash=hash_token(raw), prefix=raw[:8], label=label)
    return raw


def token_resolve(raw: str) -> tuple[Staff, ApiToken] | None:
    """The active staff and token for a raw token, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("staff", "staff__outlet")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, staff__is_active=True)
        .first()
    )
    if token is None:
        return None
    return token.staff, token


def tokens_no_longer_valid(token_ids: Iterable[int]) -> set[int]:
    """Of `token_ids`, those that may no longer be used: revoked (logout), or whose staff
    member was deactivated. One query whatever the count, so a worker can check all of
    its open sockets at once (realtime closes theirs with 4401; CONTRACT 6)."""
    ids = set(token_ids)
    if not ids:
        return set()
    still_valid = ApiToken.objects.filter(
        pk__in=ids, revoked_at__isnull=True, staff__is_active=True
    ).values_list("pk", flat=True)
    return ids - set(still_valid)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _too_many_failures(username: str, address: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.HUB_LOGIN_WINDOW_SECONDS)
    limit = settings.HUB_LOGIN_MAX_FAILURES
    recent = FailedLogin.objects.filter(at__gte=since)
    return (
        recent.filter(username=username).count() >= limit
        or recent.filter(address=address).count() >= limit
    )


def login(*, username: str, password: str, address: str) -> tuple[Staff, str]:
    """Check credentials and issue a token.

    Only failures are throttled: after HUB_LOGIN_MAX_FAILURES failures in the
    window for one username or one address, every attempt answers 429 until the
    window passes (CONTRACT 1). Failures are recorded outside any rollback.
    """
    if _too_many_failures(username, address):
        raise DomainError(
            "Too many failed logins; try again in a few minutes.", code="rate_limited", status=429
        )
    staff = authenticate(username=username, password=password)
    if staff is None or staff.outlet_id is None:
        FailedLogin.objects.create(username=username[:150], address=address[:64])
        raise DomainError("Wrong username or password.", code="invalid_credentials", status=401)
    with transaction.atomic():
        raw = token_issue(staff=staff, label="login")
    return staff, raw


def failed_logins_prune() -> int:
    since = timezone.now() - timedelta(seconds=settings.HUB_LOGIN_WINDOW_SECONDS)
    deleted, _ = FailedLogin.objects.filter(at__lt=since).delete()
    return deleted
