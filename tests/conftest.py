"""Shared fixtures: the demo restaurant, signed-in API clients per role.

The test database is created once per run and the demo is seeded into it; each
`db` test runs in a transaction that is rolled back. Transactional tests (threads,
live servers) flush the database afterwards, so `demo` re-seeds when it is gone.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient


def pytest_configure(config):
    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Note every error code the API answers, to check them against the schema at the end.
    settings.MIDDLEWARE = ["tests.error_codes_seen.ErrorCodeRecorder", *settings.MIDDLEWARE]
    # A channel-layer prefix of this run's own: the live servers the tests start inherit it
    # (tests/liveserver.py), and no other hub on this machine's Redis (a `make run` left
    # running, a bench, another checkout's tests) can put its events on this run's
    # streams. Such a foreign event carries a seq of another database: a screen that
    # applied it would drop this run's real events with lower seqs as already applied.
    layer = settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    if "prefix" in layer:  # the Redis layers (the in-memory one lives in one process)
        layer["prefix"] = f"{layer['prefix']}-test{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def every_error_code_answered_is_in_its_operations_schema():
    """Fails the run (an error at the last test's teardown) when an operation answered an
    error code that its OpenAPI schema does not list (tests/error_codes_seen.py)."""
    yield
    from tests.error_codes_seen import codes_missing_from_the_schema

    missing = codes_missing_from_the_schema()
    if missing:
        pytest.fail(
            "error codes answered but not in the operation's schema (add them to the "
            "view's error_codes):\n  " + "\n  ".join(missing),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from hub.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture
def demo(db):
    """The demo restaurant of CONTRACT section 9 (re-seeded after a flushing test)."""
    from hub.demo import demo_is_loaded, seed_demo

    if not demo_is_loaded():
        seed_demo()
    from hub.models import Outlet

    return Outlet.objects.get(pk=1)


@pytest.fixture
def transactional_demo(transactional_db):
    from hub.demo import demo_is_loaded, seed_demo
    from hub.models import Outlet

    if not demo_is_loaded():
        seed_demo()
    return Outlet.objects.get(pk=1)


def _client_for(username: str) -> APIClient:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    staff = Staff.objects.get(username=username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(staff=staff)}")
    client.staff = staff
    return client


@pytest.fixture
def api_as(demo):
    """api_as("waiter") -> an APIClient signed in as that demo user."""
    return _client_for


@pytest.fixture
def anon():
    return APIClient()


def pytest_collection_modifyitems(config, items):
    """Concurrency tests need PostgreSQL's row locks; on the SQLite default they are
    reported as skipped with the reason. CI runs the suite on PostgreSQL, where they run."""
    if settings.IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it there")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
