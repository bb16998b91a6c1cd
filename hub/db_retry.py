"""Retrying a whole transaction that lost a lock race (docs/architecture.md "Lock order").

Services take their locks in one documented order, so two changes of the same rows
wait for each other instead of deadlocking. What may still happen (a lock order we
have not foreseen, PostgreSQL's serialization failures) is not the client's fault and
must not reach it as 503: the API runs the request's transaction again, a few times
with a short jittered pause, and answers 409 `concurrent_update` (retry) if it still
loses. Only the outermost caller may retry: after a deadlock PostgreSQL has aborted
the whole transaction, savepoints included.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLSTATEs of a transaction that lost a race and would succeed if run again:
# 40P01 deadlock_detected, 40001 serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 4
PAUSE_SECONDS = 0.02


def is_lost_race(exc: BaseException) -> bool:
    """Whether `exc` (as Django raises it) is a deadlock or serialization failure."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_retrying(run: Callable[[], T], *, what: str = "transaction") -> T:
    """Call `run` (which must own its whole transaction) again when it lost a race.

    Raises the last error after ATTEMPTS tries; any other error at once."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run()
        except OperationalError as exc:
            if not is_lost_race(exc) or attempt == ATTEMPTS or connection.in_atomic_block:
                raise
            log.warning("%s lost a lock race (%s); running it again (%d)", what, exc, attempt)
            time.sleep(PAUSE_SECONDS * attempt * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover
