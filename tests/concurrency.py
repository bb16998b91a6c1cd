"""Run one callable from several threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_concurrently(fn: Callable[[int], Any], n: int, *, timeout: float = 60) -> list[Any]:
    """Call fn(i) for i in range(n) from n threads released together.

    Returns each call's result, or the exception it raised, in index order.
    Every thread closes its connection, so the test database can be dropped.
    """
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout)
            results[index] = fn(index)
        except Exception as exc:  # the caller asserts on what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a concurrent call did not finish in time"
    return results
