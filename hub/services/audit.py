"""The audit register: one row per sensitive action (CONTRACT 15; docs/api.md "Reports").

`audit_record` is called by the service that does the action, inside its transaction,
so the row commits (or rolls back) with the action. Rows are never changed or pruned
(hub/models/shifts.py AuditEntry). Kinds: void (lines of a sent order taken back),
discount, price_override, refund, reprint, cancel, cash_movement, shift_close.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from hub.models import AuditEntry, Kot, Order, Outlet, Shift, Staff


def _json(value: Any) -> Any:
    """before/after as plain JSON (Decimal as a string, times in ISO 8601)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *,
    outlet: Outlet | int,
    kind: str,
    by: Staff | None,
    order: Order | int | None = None,
    kot: Kot | int | None = None,
    shift: Shift | int | None = None,
    reason: str = "",
    amount: Decimal | None = None,
    before: Any = None,
    after: Any = None,
    approved_by: Staff | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the action's transaction."""
    if kind not in AuditEntry.Kind.values:
        raise ValueError(f"unknown audit kind {kind!r}")
    return AuditEntry.objects.create(
        outlet_id=outlet if isinstance(outlet, int) else outlet.pk,
        kind=kind,
        order_id=order if isinstance(order, int) or order is None else order.pk,
        kot_id=kot if isinstance(kot, int) or kot is None else kot.pk,
        shift_id=shift if isinstance(shift, int) or shift is None else shift.pk,
        staff=by,
        approved_by=approved_by,
        reason=(reason or "")[:300],
        amount=amount,
        before=_json(before),
        after=_json(after),
    )
