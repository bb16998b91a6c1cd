"""Race-free counters: order numbers, KOT numbers per day, invoice numbers per year.

One UPSERT statement increments and returns the value; the row stays locked
until the surrounding transaction ends, so numbers come out without duplicates,
and without gaps when the transaction commits (docs/api.md "Numbering").
"""

from __future__ import annotations

from django.db import connection

from hub.models import Outlet


def sequence_next(*, outlet: Outlet, key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hub_sequence (outlet_id, key, value) VALUES (%s, %s, 1) "
            "ON CONFLICT (outlet_id, key) DO UPDATE SET value = hub_sequence.value + 1 "
            "RETURNING value",
            [outlet.pk, key],
        )
        return int(cursor.fetchone()[0])
