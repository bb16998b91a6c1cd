"""Shifts and the cash drawer: open, cash in and out, X report, close into a Z report
(CONTRACT 14; docs/api.md "Shifts").

- One open shift per outlet: `shift_open` takes the outlet row's lock and answers 409
  `shift_open` when one is open (a partial unique index says the same in the database).
- Payments, refunds and orders becoming paid or cancelled record the open shift with
  `shift_attributed`, which takes the shift row FOR SHARE and re-reads it under the lock.
  `shift_close` takes the row FOR UPDATE, so the two never pass each other: a payment
  that committed first is in the Z report; one that waited sees the shift closed and
  belongs to none (or, with `requires_open_shift`, answers 409 `no_open_shift`).
- `shift_close` freezes the figures of hub/selectors/shifts.py into `Shift.report` and
  gives the Z number from the outlet's counter (the same UPSERT as invoice numbers, held
  to COMMIT: numbers without gaps or duplicates, whatever runs at once).

Lock order (docs/architecture.md, 2a): the order rows first (payments, cancels), then
the shift row, then tables and KOTs; a close takes the shift row, then the Z counter.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from hub import pricing
from hub.errors import Conflict, Forbidden, NotFound, ShiftCode, ValidationFailed
from hub.events import orders_stream, record_event, service_transaction
from hub.models import AuditEntry, CashMovement, Outlet, PrintJob, Shift, Staff
from hub.roles import role_may
from hub.selectors.shifts import shift_figures, shift_of, shift_open_of
from hub.services.audit import audit_record
from hub.services.numbering import sequence_next
from hub.services.print_tickets import outlet_info
from hub.services.printing import print_job_create_for_shift_report
from hub.tickets import ShiftPaymentLine, ShiftReportTicket, TaxLine

MAX_CASH = Decimal("9999999.99")
Z_COUNTER = "z_report"


def no_open_shift() -> Conflict:
    return Conflict(
        "No shift is open; open one first (POST /shifts/open).", code=ShiftCode.NO_OPEN_SHIFT
    )


def _cash(value: Decimal, field: str, *, positive: bool) -> Decimal:
    if value is None or value != pricing.money(value) or value > MAX_CASH:
        raise ValidationFailed(fields={field: ["An amount with at most two decimals."]})
    if value < 0 or (positive and value == 0):
        raise ValidationFailed(
            fields={field: ["Must be greater than 0." if positive else "May not be negative."]}
        )
    return value


def _may(by: Staff, permission: str) -> None:
    if not role_may(by.role, permission):
        raise Forbidden("Your role may not do this with shifts.")


def _open_shift_locked(outlet_id: int, *, share: bool) -> int | None:
    """The id of the outlet's open shift, its row locked (FOR SHARE or FOR UPDATE) and
    re-read under the lock: a shift another transaction was closing is seen closed."""
    lock = ""
    if connection.vendor == "postgresql":
        lock = " FOR SHARE" if share else " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM hub_shift WHERE outlet_id = %s AND closed_at IS NULL{lock}",
            [outlet_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def shift_attributed(*, outlet: Outlet, required: bool = False) -> int | None:
    """For the payment and order services, inside their transaction after the order's
    lock: the id of the shift open now (its row held FOR SHARE until commit), or None.
    `required` (a payment at an outlet with `requires_open_shift`): none open answers
    409 `no_open_shift`."""
    shift_id = _open_shift_locked(outlet.pk, share=True)
    if shift_id is None and required:
        raise no_open_shift()
    return shift_id


def _event_staff(staff: Staff | None) -> dict[str, Any] | None:
    return {"id": staff.pk, "name": staff.name} if staff is not None else None


@service_transaction
def shift_open(*, outlet: Outlet, by: Staff, opening_float: Decimal) -> Shift:
    """Open the outlet's shift with the cash in the drawer. Locks the outlet row (NO KEY),
    so two opens run one after the other: the second answers 409 `shift_open`.
    Records shift.opened on the orders stream."""
    _may(by, "shift.open")
    opening_float = _cash(opening_float, "opening_float", positive=False)
    Outlet.objects.select_for_update(no_key=True).filter(pk=outlet.pk).first()
    if Shift.objects.filter(outlet=outlet, closed_at__isnull=True).exists():
        raise Conflict(
            "A shift is already open at this outlet; close it first.", code=ShiftCode.SHIFT_OPEN
        )
    shift = Shift.objects.create(
        outlet=outlet, opened_by=by, opened_at=timezone.now(), opening_float=opening_float
    )
    record_event(
        outlet=outlet.pk,
        streams=[orders_stream(outlet.pk)],
        type="shift.opened",
        data={
            "shift_id": shift.pk,
            "opened_at": shift.opened_at,
            "opened_by": _event_staff(by),
            "opening_float": opening_float,
        },
    )
    return shift


@service_transaction
def cash_movement_record(
    *, outlet: Outlet, by: Staff, kind: str, amount: Decimal, reason: str
) -> CashMovement:
    """Cash put in (`paid_in`) or taken out (`paid_out`) of the open shift's drawer, with a
    reason. Holds the shift row FOR SHARE (a close waits for it); none open: 409
    `no_open_shift`. Writes an audit entry (`cash_movement`)."""
    _may(by, "shift.cash_movement")
    if kind not in CashMovement.Kind.values:
        raise ValidationFailed(fields={"kind": ["paid_in or paid_out."]})
    amount = _cash(amount, "amount", positive=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Say why the cash goes in or out."]})
    shift_id = _open_shift_locked(outlet.pk, share=True)
    if shift_id is None:
        raise no_open_shift()
    movement = CashMovement.objects.create(
        shift_id=shift_id, kind=kind, amount=amount, reason=reason[:300], created_by=by
    )
    audit_record(
        outlet=outlet,
        kind=AuditEntry.Kind.CASH_MOVEMENT,
        by=by,
        shift=shift_id,
        reason=reason,
        amount=amount,
        after={"kind": kind, "amount": amount, "cash_movement_id": movement.pk},
    )
    return movement


def shift_current(*, outlet: Outlet) -> Shift:
    """The open shift, or NotFound (404)."""
    shift = shift_open_of(outlet_id=outlet.pk)
    if shift is None:
        raise NotFound("No shift is open.")
    return shift


def shift_x_report(*, outlet: Outlet) -> dict[str, Any]:
    """The report of the open shift so far (`z_number` null); changes nothing. 404 when no
    shift is open."""
    return shift_figures(shift_current(outlet=outlet))


def shift_report(*, outlet: Outlet, shift_id: int) -> dict[str, Any]:
    """A closed shift's Z report as frozen at its close; an open shift's X report now.
    Another outlet's shift: 404."""
    shift = shift_of(outlet_id=outlet.pk, shift_id=shift_id)
    if shift is None:
        raise NotFound("No such shift.")
    if shift.report is not None:
        return shift.report
    return shift_figures(shift)


@service_transaction
def shift_close(*, outlet: Outlet, by: Staff, counted_cash: Decimal) -> dict[str, Any]:
    """Close the open shift with the cash counted in the drawer; answers its Z report.

    Locks the shift row FOR UPDATE (payments and cash movements holding it FOR SHARE
    commit first and are counted; later ones see it closed), computes the figures,
    takes the next Z number, and stores the report as it is now, forever. Writes an
    audit entry (`shift_close`, amount the difference) and records shift.closed on the
    orders stream. None open: 409 `no_open_shift`."""
    _may(by, "shift.close")
    counted_cash = _cash(counted_cash, "counted_cash", positive=False)
    shift_id = _open_shift_locked(outlet.pk, share=False)
    if shift_id is None:
        raise no_open_shift()
    shift = Shift.objects.select_related("opened_by").get(pk=shift_id)
    shift.closed_at = timezone.now()
    shift.closed_by = by
    shift.counted_cash = counted_cash
    shift.z_number = sequence_next(outlet=outlet, key=Z_COUNTER)
    report = shift_figures(shift, counted=counted_cash)
    shift.report = _stored(report)
    shift.save(update_fields=["closed_at", "closed_by", "counted_cash", "z_number", "report"])
    cash = report["cash"]
    audit_record(
        outlet=outlet,
        kind=AuditEntry.Kind.SHIFT_CLOSE,
        by=by,
        shift=shift,
        amount=cash["difference"],
        after={
            "z_number": shift.z_number,
            "expected": cash["expected"],
            "counted": cash["counted"],
            "difference": cash["difference"],
        },
    )
    record_event(
        outlet=outlet.pk,
        streams=[orders_stream(outlet.pk)],
        type="shift.closed",
        data={
            "shift_id": shift.pk,
            "z_number": shift.z_number,
            "opened_at": shift.opened_at,
            "closed_at": shift.closed_at,
            "closed_by": _event_staff(by),
            "total": report["sales"]["total"],
            "expected": cash["expected"],
            "counted": cash["counted"],
            "difference": cash["difference"],
        },
    )
    return shift.report


def _stored(report: dict[str, Any]) -> dict[str, Any]:
    """The report as JSON values (money and rates as strings, times ISO 8601): what a
    closed shift answers forever after."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(report, cls=DjangoJSONEncoder))


# --- printing ---------------------------------------------------------------------


def _d(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def _time(value: Any):
    from django.utils.dateparse import parse_datetime

    if value is None or not isinstance(value, str):
        return value
    return parse_datetime(value)


def shift_report_ticket(
    *, outlet: Outlet, report: dict[str, Any], printed_at, reprint: int
) -> ShiftReportTicket:
    """The paper X or Z report: the figures of `report` (stored or live) as plain values."""
    shift, orders, sales, cash = report["shift"], report["orders"], report["sales"], report["cash"]
    return ShiftReportTicket(
        outlet=outlet_info(outlet),
        shift_id=shift["id"],
        z_number=report["z_number"],
        opened_at=_time(shift["opened_at"]),
        closed_at=_time(shift["closed_at"]),
        opened_by=shift["opened_by"]["name"],
        closed_by=shift["closed_by"]["name"] if shift["closed_by"] else "",
        printed_at=printed_at,
        orders=orders["count"],
        cancelled=orders["cancelled"],
        void_lines=orders["void_lines"],
        void_amount=_d(orders["void_amount"]),
        discounts=orders["discounts"],
        discount_amount=_d(orders["discount_amount"]),
        subtotal=_d(sales["subtotal"]),
        taxes=tuple(
            TaxLine(name=t["name"], rate=_d(t["rate"]), amount=_d(t["amount"]))
            for t in sales["taxes"]
        ),
        tax_total=_d(sales["tax_total"]),
        service_charge=_d(sales["service_charge"]),
        round_off=_d(sales["round_off"]),
        total=_d(sales["total"]),
        payments=tuple(
            ShiftPaymentLine(
                method=p.get("name") or p["method"],
                count=p["count"],
                amount=_d(p["amount"]),
                tips=_d(p["tips"]),
            )
            for p in report["payments"]
        ),
        refunds=report["refunds"]["count"],
        refund_amount=_d(report["refunds"]["amount"]),
        opening_float=_d(cash["opening_float"]),
        cash_payments=_d(cash["cash_payments"]),
        change_given=_d(cash["change_given"]),
        cash_refunds=_d(cash["cash_refunds"]),
        paid_in=_d(cash["paid_in"]),
        paid_out=_d(cash["paid_out"]),
        expected=_d(cash["expected"]),
        counted=_d(cash["counted"]) if cash["counted"] is not None else None,
        difference=_d(cash["difference"]) if cash["difference"] is not None else None,
        reprint=reprint,
    )


@service_transaction
def shift_report_print(*, outlet: Outlet, shift_id: int, by: Staff) -> PrintJob:
    """Queue the shift's report on the outlet's receipt printer: the Z report of a closed
    shift as frozen, the X report of the open one as it is now. Copies after the first
    are marked REPRINT n (and audited as reprints). Locks the shift row. 404 for another
    outlet's shift; 409 `no_printer` without a receipt printer."""
    _may(by, "shift.print")
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("opened_by", "closed_by")
        .filter(outlet_id=outlet.pk, pk=shift_id)
        .first()
    )
    if shift is None:
        raise NotFound("No such shift.")
    report = shift.report if shift.report is not None else _stored(shift_figures(shift))
    copies = PrintJob.objects.filter(
        outlet_id=outlet.pk, kind=PrintJob.Kind.SHIFT_REPORT, ticket__shift_id=shift.pk
    ).count()
    ticket = shift_report_ticket(
        outlet=outlet, report=report, printed_at=timezone.now(), reprint=copies
    )
    job = print_job_create_for_shift_report(outlet_id=outlet.pk, ticket=ticket)
    if copies:
        audit_record(
            outlet=outlet,
            kind=AuditEntry.Kind.REPRINT,
            by=by,
            shift=shift,
            after={"shift_report": shift.pk, "z_number": shift.z_number, "copy": copies},
        )
    return job
