"""hub/checks.py: `manage.py check` reports outlets whose time zone is not one
(docs/operations.md "Outlet time zones")."""

import os
import sqlite3
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.core import checks
from django.db import ProgrammingError

from hub.checks import outlet_time_zones
from hub.models import Outlet


@pytest.mark.embedded
def test_check_reports_an_outlet_with_a_misspelt_zone(demo):
    assert outlet_time_zones() == []
    Outlet.objects.filter(pk=2).update(timezone="Asia/Calcuta")
    [warning] = outlet_time_zones()
    assert (warning.id, warning.level) == ("hub.W001", checks.WARNING)
    assert warning.obj == Outlet.objects.get(pk=2)
    assert "'Asia/Calcuta'" in warning.msg and "admin" in warning.hint


def test_manage_py_check_reports_it(tmp_path):
    # A real `manage.py check`: the check must be registered by the app itself, not by
    # this module's import of hub.checks. Its database holds just the outlet columns
    # the check reads (a full migrate would take most of this test's time).
    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        db.execute("CREATE TABLE hub_outlet (id INTEGER PRIMARY KEY, code, name, timezone)")
        db.execute("INSERT INTO hub_outlet VALUES (9, '009', 'Typo', 'Asia/Calcuta')")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HUB_VAR_DIR"] = str(tmp_path)
    checked = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr  # a warning: the hub still starts
    assert "hub.W001" in checked.stderr and "'Asia/Calcuta'" in checked.stderr


def test_check_is_quiet_before_the_database_is_migrated(demo):
    # makemigrations and a first migrate run the checks before the outlet table exists
    with mock.patch.object(Outlet.objects, "order_by", side_effect=ProgrammingError("no table")):
        assert outlet_time_zones() == []
