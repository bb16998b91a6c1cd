"""Schemathesis against /api/v1/schema/: no 500, and every answer as the schema says.

docs/performance.md ("Fuzzing"). Every operation of the schema gets a bounded,
derandomized set of generated requests (so CI is stable and under a few
minutes), sent in-process through Django's WSGI handler against the test
database with the demo loaded, signed in as the manager (who may do everything,
so requests reach the views' validation instead of stopping at 403). Each answer
must not be a server error, must carry a status code the schema documents for
that operation, a documented content type, and a body matching the schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from . import schemathesis_checks  # noqa: F401 - registers its check

MAX_EXAMPLES = 5
load_all_checks()
ALL_CHECKS = CHECKS.get_all()  # `--checks all`


@pytest.fixture
def keep_test_connection():
    """Django closes the database connection after each request; inside the test's
    transaction that would end it (as django.test.Client, keep it open)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection (pytest-django has set Django up by then); the schema view reads
# no database. The in-process WSGI handler shares the test's database transaction.
CONFIG = SchemathesisConfig.from_path(Path(__file__).resolve().parents[2] / "schemathesis.toml")
fuzzed = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler(), config=CONFIG)


@fuzzed.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same examples on every run: CI stays stable
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its case
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema(case, demo, keep_test_connection):
    from hub.models import Staff
    from hub.services.tokens import token_issue

    # a fresh token per request: the fuzzer may well call POST /auth/logout
    token = token_issue(staff=Staff.objects.get(username="manager"))
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=ALL_CHECKS)
