"""Backup and restore (hub/backups.py, docs/operations.md "Backups"): a backup of a
service's data, restored into a wiped database, holds every order, payment, invoice
number and event. The commands run as processes, like cron or a systemd timer runs them.
On PostgreSQL the restore goes into a scratch database of this test run only."""

import sqlite3
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connection

from hub.models import Event, Order, Payment
from tests.given import order_given
from tests.liveserver import ROOT, server_env

QUERIES = {
    "orders": "SELECT id, number, status FROM hub_order ORDER BY id",
    "payments": "SELECT id, order_id, amount, method_id FROM hub_payment ORDER BY id",
    "invoices": "SELECT id, invoice_number FROM hub_order WHERE invoice_number <> '' ORDER BY id",
    "events": "SELECT stream, seq, type FROM hub_event ORDER BY stream, seq",
}


def _manage(*args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=server_env(**env), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def _rows(run_sql) -> dict[str, list[tuple]]:
    return {
        name: [tuple(str(v) for v in row) for row in run_sql(sql)] for name, sql in QUERIES.items()
    }


@pytest.mark.embedded
def test_a_backup_restored_into_a_wiped_database_has_every_order_payment_invoice_and_event(
    transactional_demo, tmp_path
):
    from hub.services.printing import print_job_create_for_invoice

    for status in ("paid", "paid", "kot", "cancelled"):
        order = order_given(status=status)
        if status == "paid":  # the tax invoice: its number is issued once, gap-free
            print_job_create_for_invoice(order=order, by=None)
    assert Payment.objects.count() >= 2 and Event.objects.count() > 10
    assert Order.objects.exclude(invoice_number="").count() >= 2

    def here(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    before = _rows(here)
    # retention: three backups, keep two
    for _ in range(3):
        path = _manage("backup", "--dir", str(tmp_path), "--keep", "2")
    backups = sorted(p.name for p in tmp_path.iterdir())
    assert len(backups) == 2 and path.endswith(backups[-1])

    if connection.vendor == "postgresql":
        scratch = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(
            host=connection.settings_dict["HOST"] or "127.0.0.1",
            port=connection.settings_dict["PORT"] or 5432,
            user=connection.settings_dict["USER"],
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{scratch}"')
        url = server_env()["DATABASE_URL"].rsplit("/", 1)[0] + "/" + scratch
        try:
            _manage("restore", path, "--yes", DATABASE_URL=url)
            with psycopg.connect(url) as conn:
                # wipe what matters, then restore over it: everything is back
                conn.execute("TRUNCATE hub_event, hub_payment, hub_order CASCADE")
                conn.commit()
                assert conn.execute("SELECT count(*) FROM hub_order").fetchone()[0] == 0
            _manage("restore", path, "--yes", DATABASE_URL=url)
            with psycopg.connect(url) as conn:
                after = _rows(lambda sql: conn.execute(sql).fetchall())
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            admin.close()
    else:
        target = tmp_path / "wiped.sqlite3"
        sqlite3.connect(target).close()  # an empty database file, nothing in it
        _manage("restore", path, "--yes", DATABASE_URL=f"sqlite:///{target}")
        with sqlite3.connect(target) as conn:
            after = _rows(lambda sql: conn.execute(sql).fetchall())
    assert after == before
    assert all(before[name] for name in QUERIES), before


@pytest.mark.embedded
@pytest.mark.django_db
def test_restore_refuses_without_yes_and_a_wrong_file(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.dump"))
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "x.dump"), "--yes")
