"""Fails fast, with a clear message, when the PostgreSQL or Redis the suite needs is not there.

Usage: python -m tests.services_check DATABASE_URL REDIS_URL
"""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} ({exc})"


def main(argv: list[str]) -> int:
    database_url, redis_url = argv[1], argv[2]
    failures = []
    for name, url, port in (("PostgreSQL", database_url, 5432), ("Redis", redis_url, 6379)):
        ok, where = reachable(url, port)
        print(f"{name}: {'reachable' if ok else 'NOT reachable'} at {where}")
        if not ok:
            failures.append(name)
    if failures:
        print(
            "The test suite runs on real PostgreSQL and Redis; start them (see README) and retry."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
