"""Print jobs: queue, deliver, acknowledge (CONTRACT section 7, docs/printing.md).

Every print is a PrintJob row (`queued -> sent -> printed | failed`), created in
the transaction of the request that asked for it, with a snapshot of the ticket
(hub/services/print_tickets.py builds it, hub/tickets.py defines it) and the paper
width it is for, so the request answers at once whatever the printer is doing and
the job prints what was asked, whatever changes later. printers/ renders the
snapshot to ESC/POS when it sends: the dispatcher (printers/dispatcher.py) delivers
queued jobs with retries and backoff; agent printers get their jobs as `print.job`
events on the printer's stream (the stream's consumer adds the bytes) and answer
with `print_job_ack`.

Never lose, never double: a job leaves `queued` only once its bytes were
handed over completely (or the agent said printed); a failed attempt goes
back to `queued` with a later `next_attempt_at`; only after
HUB_PRINT_MAX_AGE_SECONDS does it become `failed`, with the error, for staff
to see and reprint. Asking again (reprint) is the only way to print twice.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import F, Max, Min
from django.utils import timezone

from hub.errors import Conflict, DomainError, Forbidden, NotFound, PrintingCode, ValidationFailed
from hub.events import orders_stream, printer_stream, record_event, service_transaction
from hub.models import (
    AuditEntry,
    InvoiceTaxLine,
    Kot,
    Order,
    OrderItem,
    Outlet,
    Printer,
    PrintJob,
    Staff,
)
from hub.roles import role_may
from hub.services.audit import audit_record
from hub.services.clock import outlet_zone
from hub.services.numbering import sequence_next
from hub.services.order_core import order_lock
from hub.services.order_pricing import order_taxable_values
from hub.services.print_tickets import bill_ticket, kot_ticket, test_page_ticket
from hub.services.sales_summary import gst_summary_add
from hub.tickets import ShiftReportTicket, Ticket, ticket_from_snapshot, ticket_snapshot

# How long a job keeps being retried before it is marked failed (staff then reprint).
MAX_AGE = timedelta(seconds=int(os.environ.get("HUB_PRINT_MAX_AGE_SECONDS", "1800")))
# Backoff between attempts: 1, 2, 4 ... seconds, capped.
BACKOFF_CAP_SECONDS = int(os.environ.get("HUB_PRINT_BACKOFF_CAP_SECONDS", "60"))
# A claimed job is the dispatcher's for this long; longer than any send's timeouts.
LEASE = timedelta(seconds=60)
# Agent printers: no ack after this long -> the job's event is sent again (agents dedupe).
AGENT_ACK_TIMEOUT = timedelta(seconds=int(os.environ.get("HUB_PRINT_AGENT_ACK_SECONDS", "30")))
AGENT_BACKOFF_CAP_SECONDS = 300
NOTIFY_CHANNEL = "hub_print_jobs"

KOT_KIND_TO_JOB = {
    Kot.Kind.NEW: PrintJob.Kind.KOT,
    Kot.Kind.ADDON: PrintJob.Kind.KOT,
    Kot.Kind.VOID: PrintJob.Kind.VOID,
    Kot.Kind.CANCELLATION: PrintJob.Kind.CANCELLATION,
}
ACTIVE = (PrintJob.Status.QUEUED, PrintJob.Status.SENT, PrintJob.Status.PRINTED)


def backoff_seconds(attempts: int, *, cap: int = BACKOFF_CAP_SECONDS) -> int:
    """Delay after the `attempts`-th failed attempt: 1, 2, 4, 8 ... up to `cap` seconds."""
    return min(cap, 2 ** max(attempts - 1, 0))


# --- choosing the printer ---------------------------------------------------


def no_printer(what: str) -> Conflict:
    return Conflict(
        f"No printer is set up for {what}; set one in the admin.", code=PrintingCode.NO_PRINTER
    )


def printer_for_kot(kot: Kot) -> Printer | None:
    return kot.kitchen.printer if kot.kitchen_id else None


def receipt_printer(outlet: Outlet | int) -> Printer | None:
    outlet_id = outlet if isinstance(outlet, int) else outlet.pk
    return (
        Printer.objects.filter(outlet_id=outlet_id, role=Printer.Role.RECEIPT)
        .order_by("id")
        .first()
    )


# --- creating jobs ----------------------------------------------------------


def _job_status_event(job: PrintJob) -> None:
    record_event(
        outlet=job.outlet_id,
        streams=[orders_stream(job.outlet_id)],
        type="print.job_status",
        data={"job_id": job.pk, "printer_id": job.printer_id, "status": job.status},
    )


def _print_job_event(job: PrintJob) -> None:
    """The job for its agent, on the printer's stream (published after commit). The
    outbox keeps which job; the stream's consumer adds its bytes on the way out
    (printers/jobs.py print_job_wire_data), so agents get the ESC/POS they always got."""
    record_event(
        outlet=job.outlet_id,
        streams=[printer_stream(job.printer_id)],
        type="print.job",
        data={"job_id": job.pk, "kind": job.kind, "reprint": job.reprint},
    )


def _wake_dispatcher() -> None:
    """PostgreSQL delivers NOTIFY at commit (never for a rollback): the dispatcher wakes at once.
    Elsewhere it finds the job on its next poll (1 s)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


def _job_create(
    *,
    printer: Printer,
    kind: str,
    ticket: Ticket,
    reprint: int,
    kot: Kot | None = None,
    order: Order | None = None,
    order_id: int | None = None,
) -> PrintJob:
    now = timezone.now()
    agent = printer.connection == Printer.Connection.AGENT
    snapshot = ticket_snapshot(ticket)
    # Read back now, in the transaction: a snapshot printers/ could not read would fail
    # this request loudly instead of a ticket that never prints (TicketSnapshotError).
    ticket_from_snapshot(kind, snapshot)
    job = PrintJob.objects.create(
        outlet_id=printer.outlet_id,
        printer=printer,
        kind=kind,
        kot=kot,
        order_id=order.pk if order is not None else order_id,
        reprint=reprint,
        ticket=snapshot,
        paper_width_mm=printer.paper_width_mm,
        status=PrintJob.Status.QUEUED,
        next_attempt_at=now + AGENT_ACK_TIMEOUT if agent else now,
    )
    if agent:
        _print_job_event(job)
    else:
        _wake_dispatcher()
    job.created_now = True
    return job


@service_transaction
def print_job_create_for_kot(*, kot: Kot, by: Staff | None, reprint: bool = False) -> PrintJob:
    """Queue `kot` on its kitchen's printer; `reprint=True` prints it again marked REPRINT n.

    A first print is asked once: while an earlier first-print job of this KOT is
    queued, sent or printed, that job is returned (`created_now` False) and nothing
    is queued, so a double tap or the auto-print plus a tap never cooks twice.
    Every job created raises Kot.print_count. Locks the order row, then the KOT row
    (the lock order of every order service, docs/architecture.md "Lock order": a
    reprint racing a cancel or a void waits for it instead of deadlocking).
    Raises Conflict no_printer when the kitchen has no printer.
    """
    order_lock(order_id=kot.order_id, outlet=kot.outlet_id)
    kot = (
        Kot.objects.select_for_update(of=("self",))
        .select_related("kitchen__printer")
        .get(pk=kot.pk)
    )
    printer = printer_for_kot(kot)
    if printer is None:
        raise no_printer(f"the kitchen {kot.kitchen.name}")
    if reprint:
        previous = kot.print_jobs.aggregate(n=Max("reprint"))["n"] or 0
        number = previous + 1
        _audit_reprint(
            outlet_id=kot.outlet_id,
            by=by,
            order_id=kot.order_id,
            kot_id=kot.pk,
            what="kot",
            n=number,
        )
    else:
        existing = kot.print_jobs.filter(reprint=0, status__in=ACTIVE).order_by("id").first()
        if existing is not None:
            existing.created_now = False
            return existing
        number = 0
    return _kot_job_create(kot=kot, printer=printer, number=number)


def _kot_job_create(*, kot: Kot, printer: Printer, number: int) -> PrintJob:
    ticket = kot_ticket(kot_id=kot.pk, reprint=number)
    kot.print_count += 1
    kot.save(update_fields=["print_count", "updated_at"])
    return _job_create(
        printer=printer,
        kind=KOT_KIND_TO_JOB[kot.kind],
        ticket=ticket,
        reprint=number,
        kot=kot,
        order_id=kot.order_id,  # the id is all the job needs: no query for the order
    )


def _audit_reprint(
    *, outlet_id: int, by: Staff | None, order_id: int, what: str, n: int, kot_id: int | None = None
) -> None:
    """CONTRACT 15: every copy after the first is in the audit register."""
    audit_record(
        outlet=outlet_id,
        kind=AuditEntry.Kind.REPRINT,
        by=by,
        order=order_id,
        kot=kot_id,
        after={"ticket": what, "copy": n},
    )


def kot_auto_print(*, kot: Kot, by: Staff | None) -> PrintJob | None:
    """For the KOT-sending and void services: queue the KOT's first print if the outlet
    prints KOTs automatically and the kitchen has a printer; else do nothing.

    Call inside the sending transaction, with the KOT just created by it: the job
    commits (or rolls back) with the KOT. A KOT nobody else can see yet has no jobs
    and needs no lock, so this skips print_job_create_for_kot's lock and double-tap
    check (two queries per KOT on the busiest write; docs/performance.md).
    """
    if not kot.outlet.auto_print_kot or printer_for_kot(kot) is None:
        return None
    return _kot_job_create(kot=kot, printer=printer_for_kot(kot), number=0)


def _order_for_print(order: Order) -> Order:
    order = order_lock(order_id=order.pk, outlet=order.outlet_id)
    if order.status == Order.Status.CANCELLED:
        raise Conflict("A cancelled order has no bill.", code=PrintingCode.ORDER_CANCELLED)
    return order


def bill_print_refusal(
    *, order: Order, by: Staff | None, printer: Printer | None
) -> DomainError | None:
    """Why the order's bill cannot be printed now, or None if it can: the rule
    print_job_create_for_bill applies, and the order representation's `print_bill`
    action. Roles with `bill.print`; not a cancelled order (409 `order_cancelled`); the
    outlet has a receipt printer (`printer`, receipt_printer's answer; 409 `no_printer`)."""
    if by is not None and not role_may(by.role, "bill.print"):
        return Forbidden("Your role may not print bills.")
    if order.status == Order.Status.CANCELLED:
        return Conflict("A cancelled order has no bill.", code=PrintingCode.ORDER_CANCELLED)
    if printer is None:
        return no_printer("bills (a receipt printer)")
    return None


@service_transaction
def print_job_create_for_bill(
    *, order: Order, by: Staff | None, check_id: int | None = None
) -> PrintJob:
    """Queue the order's bill on the outlet's receipt printer, or with `check_id` one check
    of its split bill ("Check 2 of 3", CONTRACT 12; 400 on `check_id` when it is not one
    of the order's checks). Each call prints one more copy (a guest may ask again); copies
    after the first of the same bill or check are marked REPRINT n.
    Locks the order row (its checks cannot change meanwhile). Refusals: bill_print_refusal."""
    order = order_lock(order_id=order.pk, outlet=order.outlet_id)
    printer = receipt_printer(order.outlet_id)
    refusal = bill_print_refusal(order=order, by=by, printer=printer)
    if refusal is not None:
        raise refusal
    ticket = bill_ticket(order_id=order.pk, printed_at=timezone.now(), check_id=check_id)
    # copies of this same bill or check so far (the snapshots say which one each printed)
    printed = order.print_jobs.filter(kind=PrintJob.Kind.BILL).values_list("ticket", flat=True)
    number = sum(1 for t in printed if (t or {}).get("check_number") == ticket.check_number)
    if number:
        _audit_reprint(outlet_id=order.outlet_id, by=by, order_id=order.pk, what="bill", n=number)
    ticket = dataclasses.replace(ticket, reprint=number)
    return _job_create(
        printer=printer,
        kind=PrintJob.Kind.BILL,
        ticket=ticket,
        reprint=number,
        order=order,
    )


def financial_year_label(day: date, start_month: int) -> str:
    """`2026-27` for a year starting in April 2026; the calendar year when it starts in January."""
    start_month = start_month if 1 <= start_month <= 12 else 4
    start = day.year if day.month >= start_month else day.year - 1
    if start_month == 1:
        return str(start)
    return f"{start}-{(start + 1) % 100:02d}"


def invoice_number_issue(*, order: Order, at: datetime | None = None) -> str:
    """Give `order` its invoice number if it has none: `INV/<outlet>/<FY>/<nnnnnn>`.

    Call inside a transaction holding the order row lock. The counter is one
    UPSERT per outlet and financial year whose row stays locked until commit,
    so numbers are unique and, as a rollback also undoes the increment, gap-free.
    """
    if order.invoice_number:
        return order.invoice_number
    outlet = order.outlet
    at = at or timezone.now()
    fy = financial_year_label(
        at.astimezone(outlet_zone(outlet)).date(), outlet.financial_year_start_month
    )
    value = sequence_next(outlet=outlet, key=f"invoice:{fy}")
    order.invoice_number = f"INV/{outlet.code}/{fy}/{value:06d}"
    order.invoice_issued_at = at
    order.save(update_fields=["invoice_number", "invoice_issued_at", "updated_at"])
    _invoice_tax_lines(order, day=at.astimezone(outlet_zone(outlet)).date())
    return order.invoice_number


def _invoice_tax_lines(order: Order, *, day: date) -> None:
    """The invoice's tax table as printed (per component and rate, with its taxable
    value), kept for the GST report (CONTRACT 15: it reconciles with the invoices)."""
    items = [i for i in order.items.all() if i.status != OrderItem.Status.VOID and i.quantity]
    taxable = order_taxable_values(order, items)
    InvoiceTaxLine.objects.bulk_create(
        InvoiceTaxLine(
            outlet_id=order.outlet_id,
            order=order,
            invoice_number=order.invoice_number,
            issued_at=order.invoice_issued_at,
            business_date=day,
            name=str(tax["name"]),
            rate=Decimal(str(tax["rate"])),
            amount=Decimal(str(tax["amount"])),
            taxable_value=taxable.get(
                (str(tax["name"]), Decimal(str(tax["rate"])).normalize()), Decimal("0.00")
            ),
        )
        for tax in (order.taxes or [])
    )
    gst_summary_add(order=order)  # the GST report's day rows (docs/performance.md "Reports")


@service_transaction
def print_job_create_for_invoice(*, order: Order, by: Staff | None) -> PrintJob:
    """Queue the tax invoice on the receipt printer, issuing its number on the first call.

    Only billed or paid orders get an invoice (their items no longer change).
    Later calls print the same number marked DUPLICATE n. Locks the order row.
    Raises Conflict no_printer / order_cancelled / order_not_billed.
    """
    order = _order_for_print(order)
    if order.status not in (Order.Status.BILLED, Order.Status.PAID):
        raise Conflict(
            "Bill the order before printing its tax invoice.", code=PrintingCode.ORDER_NOT_BILLED
        )
    printer = receipt_printer(order.outlet_id)
    if printer is None:
        raise no_printer("invoices (a receipt printer)")
    invoice_number_issue(order=order)
    number = order.print_jobs.filter(kind=PrintJob.Kind.INVOICE).count()
    if number:
        _audit_reprint(
            outlet_id=order.outlet_id, by=by, order_id=order.pk, what="invoice", n=number
        )
    ticket = bill_ticket(order_id=order.pk, printed_at=timezone.now(), reprint=number, invoice=True)
    return _job_create(
        printer=printer,
        kind=PrintJob.Kind.INVOICE,
        ticket=ticket,
        reprint=number,
        order=order,
    )


@service_transaction
def print_job_create_for_shift_report(*, outlet_id: int, ticket: ShiftReportTicket) -> PrintJob:
    """Queue a shift's X or Z report (built by hub/services/shifts.py, which locks the
    shift) on the outlet's receipt printer. Raises Conflict no_printer."""
    printer = receipt_printer(outlet_id)
    if printer is None:
        raise no_printer("shift reports (a receipt printer)")
    return _job_create(
        printer=printer, kind=PrintJob.Kind.SHIFT_REPORT, ticket=ticket, reprint=ticket.reprint
    )


# --- outcomes: shared by the dispatcher and the agent's ack ------------------


def _printer_seen(printer_id: int, *, online: bool, error: str = "", now: datetime) -> None:
    fields = {
        "status": Printer.Status.ONLINE if online else Printer.Status.OFFLINE,
        "last_error": error[:300],
    }
    if online:
        fields["last_contact_at"] = now
    Printer.objects.filter(pk=printer_id).update(**fields)


def _job_printed(job: PrintJob, now: datetime) -> None:
    job.status = PrintJob.Status.PRINTED
    job.sent_at = job.sent_at or now
    job.printed_at = now
    job.last_error = ""
    job.next_attempt_at = None
    job.save(
        update_fields=[
            "status",
            "attempts",
            "sent_at",
            "printed_at",
            "last_error",
            "next_attempt_at",
        ]
    )
    _job_status_event(job)


def _job_retry_later(job: PrintJob, error: str, now: datetime, *, cap: int) -> None:
    job.status = PrintJob.Status.QUEUED
    job.last_error = error[:300]
    job.next_attempt_at = now + timedelta(seconds=backoff_seconds(job.attempts, cap=cap))
    job.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])


@service_transaction
def print_job_ack(
    *, printer_id: int, job_id: int, status: str, error: str = "", by: Staff | None
) -> PrintJob:
    """A print agent's answer for one job (`{"type": "print.ack", ...}` on /ws/v1/printers/{id}/).

    `printed`: the job is done and the printer online. `failed`: the job goes back
    to the queue with backoff and the dispatcher sends its event again later.
    Acking a job twice changes nothing. Raises NotFound for a job of another
    printer or outlet, ValidationFailed for another status.
    """
    if status not in (PrintJob.Status.PRINTED, PrintJob.Status.FAILED):
        raise ValidationFailed(fields={"status": ["Must be printed or failed."]})
    job = PrintJob.objects.select_for_update().filter(pk=job_id, printer_id=printer_id).first()
    if job is None or (
        by is not None and by.outlet_id is not None and job.outlet_id != by.outlet_id
    ):
        raise NotFound("No such print job on this printer.")
    now = timezone.now()
    if job.status == PrintJob.Status.PRINTED:
        return job
    if status == PrintJob.Status.PRINTED:
        _job_printed(job, now)
        _printer_seen(printer_id, online=True, now=now)
        return job
    if job.status == PrintJob.Status.FAILED:
        return job  # already given up on; staff reprint
    job.attempts += 1
    message = (error or "the agent could not print").strip()
    _job_retry_later(job, message, now, cap=AGENT_BACKOFF_CAP_SECONDS)
    Printer.objects.filter(pk=printer_id).update(
        status=Printer.Status.OFFLINE, last_error=message[:300], last_contact_at=now
    )
    return job


# --- dispatcher helpers -------------------------------------------------------


@service_transaction
def print_jobs_claim(*, limit: int = 50, now: datetime | None = None) -> list[PrintJob]:
    """Take the due queued jobs of directly connected printers, oldest first.

    SKIP LOCKED (PostgreSQL) lets two dispatchers run without ever taking the same
    job; the lease (next_attempt_at moved LEASE ahead) keeps it theirs after commit,
    and returns it to the queue by itself if the dispatcher dies mid-send.
    """
    now = now or timezone.now()
    jobs = list(
        PrintJob.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=PrintJob.Status.QUEUED, next_attempt_at__lte=now)
        .exclude(printer__connection=Printer.Connection.AGENT)
        .select_related("printer")
        .order_by("id")[:limit]
    )
    # Keep each printer's tickets in order: a job does not jump ahead of an older one
    # of its printer that is waiting out a backoff (or leased by another dispatcher).
    waiting = dict(
        PrintJob.objects.filter(
            status__in=[PrintJob.Status.QUEUED, PrintJob.Status.SENT],
            printer_id__in={j.printer_id for j in jobs},
        )
        .exclude(pk__in=[j.pk for j in jobs])
        .order_by()
        .values_list("printer_id")
        .annotate(first=Min("id"))
    )
    jobs = [j for j in jobs if j.pk < waiting.get(j.printer_id, j.pk + 1)]
    if jobs:
        PrintJob.objects.filter(pk__in=[j.pk for j in jobs]).update(next_attempt_at=now + LEASE)
    return jobs


@service_transaction
def print_job_mark_sent(*, job_id: int, now: datetime | None = None) -> None:
    """Every byte was handed to the connection (raw TCP: written; not yet closed cleanly)."""
    now = now or timezone.now()
    PrintJob.objects.filter(pk=job_id, status=PrintJob.Status.QUEUED).update(
        status=PrintJob.Status.SENT, sent_at=now, attempts=F("attempts") + 1
    )


@service_transaction
def print_job_mark_printed(*, job_id: int, now: datetime | None = None) -> PrintJob:
    now = now or timezone.now()
    job = PrintJob.objects.select_for_update().get(pk=job_id)
    if job.status in (PrintJob.Status.QUEUED, PrintJob.Status.SENT):
        if job.status == PrintJob.Status.QUEUED:
            job.attempts += 1
        _job_printed(job, now)
    _printer_seen(job.printer_id, online=True, now=now)
    return job


@service_transaction
def print_job_mark_failed(*, job_id: int, error: str, now: datetime | None = None) -> PrintJob:
    """A failed attempt: back to the queue with backoff, the printer shown offline.

    The printer's other queued jobs wait as long, so tickets still come out in
    the order they were asked for once it is back.
    """
    now = now or timezone.now()
    job = PrintJob.objects.select_for_update().get(pk=job_id)
    if job.status not in (PrintJob.Status.QUEUED, PrintJob.Status.SENT):
        return job
    if job.status == PrintJob.Status.QUEUED:
        job.attempts += 1
    _job_retry_later(job, error, now, cap=BACKOFF_CAP_SECONDS)
    PrintJob.objects.filter(
        printer_id=job.printer_id,
        status=PrintJob.Status.QUEUED,
        pk__gt=job.pk,
        next_attempt_at__lt=job.next_attempt_at,
    ).update(next_attempt_at=job.next_attempt_at)
    _printer_seen(job.printer_id, online=False, error=error, now=now)
    return job


@service_transaction
def print_jobs_resend_to_agents(*, now: datetime | None = None) -> int:
    """Agent jobs not acked in time: record their print.job event again.

    Safe because an agent remembers the jobs it printed and only acks a resend.
    Covers an agent that was away so long its replay was cut (resync_required),
    and a failed ack (paper out) once its backoff is over.
    """
    now = now or timezone.now()
    jobs = list(
        PrintJob.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=PrintJob.Status.QUEUED,
            next_attempt_at__lte=now,
            printer__connection=Printer.Connection.AGENT,
        )
        .order_by("id")[:100]
    )
    for job in jobs:
        job.attempts += 1
        job.next_attempt_at = now + timedelta(
            seconds=max(
                backoff_seconds(job.attempts, cap=AGENT_BACKOFF_CAP_SECONDS),
                AGENT_ACK_TIMEOUT.total_seconds(),
            )
        )
        job.last_error = job.last_error or "waiting for the print agent to confirm"
        job.save(update_fields=["attempts", "next_attempt_at", "last_error"])
        _print_job_event(job)
        Printer.objects.filter(pk=job.printer_id).update(
            status=Printer.Status.OFFLINE, last_error="the print agent has not confirmed a job"
        )
    return len(jobs)


@service_transaction
def print_jobs_expire(*, now: datetime | None = None) -> int:
    """Give up, loudly, on jobs that could not be delivered within MAX_AGE.

    Also fails jobs stuck in `sent` past the lease (the dispatcher stopped between
    writing the bytes and confirming): whether they printed is unknown, and
    printing them again could cook twice, so staff check the printer and reprint.
    """
    now = now or timezone.now()
    expired = list(
        PrintJob.objects.select_for_update(skip_locked=True)
        .filter(status=PrintJob.Status.QUEUED, created_at__lt=now - MAX_AGE)
        .order_by("id")[:200]
    )
    stuck = list(
        PrintJob.objects.select_for_update(skip_locked=True)
        .filter(status=PrintJob.Status.SENT, sent_at__lt=now - LEASE)
        .order_by("id")[:200]
    )
    minutes = int(MAX_AGE.total_seconds() // 60)
    for job in expired:
        job.last_error = (
            f"gave up after {job.attempts} attempts in {minutes} min: "
            f"{job.last_error or 'no answer'}"
        )[:300]
    for job in stuck:
        job.last_error = (
            "delivery unconfirmed: the dispatcher stopped after sending; "
            "check the printer and reprint if needed"
        )
    for job in expired + stuck:
        job.status = PrintJob.Status.FAILED
        job.next_attempt_at = None
        job.save(update_fields=["status", "last_error", "next_attempt_at"])
        _job_status_event(job)
    return len(expired) + len(stuck)


# --- test page and printer settings (the admin, docs/admin.md "Printers") ------------
# Imports are local to these functions so that this part stays self-contained.

TEST_PAGE_KIND = PrintJob.Kind.TEST_PAGE  # a test page: no KOT, no order


@service_transaction
def print_job_create_test_page(
    *, printer_id: int, outlet: Outlet | int, by: Staff | None
) -> PrintJob:
    """Queue a test page on a printer of `outlet` (the admin's "Print a test page").

    It goes through the same queue as every ticket (the dispatcher, or the agent's
    `print.job` event), so a printed page proves the whole path, and an unreachable
    printer shows up as the job retrying with the printer's `last_error`. Each call
    prints one page. Locks the printer row. Another outlet's printer is NotFound.
    """
    outlet_id = outlet if isinstance(outlet, int) else outlet.pk
    printer = (
        Printer.objects.select_for_update(of=("self",))
        .select_related("outlet")
        .filter(pk=printer_id, outlet_id=outlet_id)
        .first()
    )
    if printer is None:
        raise NotFound("No such printer.")
    return _job_create(
        printer=printer,
        kind=TEST_PAGE_KIND,
        ticket=test_page_ticket(printer=printer, printed_at=timezone.now(), by=by),
        reprint=0,
    )


# Device nodes a printer may be, besides files in the spool directory.
PRINTER_DEVICE_PREFIXES = ("/dev/usb/lp", "/dev/lp")
SERIAL_DEVICE_PREFIXES = ("/dev/tty", "/dev/serial/")


def printer_target_check(*, connection: str, address: str) -> None:
    """Where an outlet manager may point a printer; raises ValidationFailed on `address`.

    The hub itself writes to file printers and connects to network printers, so a
    printer is a way to make the hub write bytes somewhere. A manager runs one
    outlet, not the machine: a file printer writes inside the spool directory
    (HUB_PRINT_SPOOL_DIR) or to a printer device node, a serial printer is a
    serial device, and a network printer is not on the hub's own machine
    (loopback), where its database and Redis listen. Superusers are not checked.
    """
    from pathlib import Path

    from django.conf import settings

    address = (address or "").strip()
    refuse = None
    if connection == Printer.Connection.FILE:
        path = Path(address)
        spool = Path(settings.HUB_PRINT_SPOOL_DIR).resolve()
        # resolved, so neither `..` nor a symlink leads out of the spool
        inside = bool(address) and path.resolve().is_relative_to(spool)
        device = address.startswith(PRINTER_DEVICE_PREFIXES) and ".." not in address
        if not (inside or device):
            refuse = f"A file printer writes inside {spool} or to a printer device (/dev/usb/lp0)."
    elif connection == Printer.Connection.SERIAL:
        device = address.partition("@")[0]
        if not device.startswith(SERIAL_DEVICE_PREFIXES) or ".." in device:
            refuse = "A serial printer is a serial device, e.g. /dev/ttyUSB0@19200."
    elif connection == Printer.Connection.NETWORK:
        host = address
        if host.startswith("["):
            host = host[1:].partition("]")[0]
        elif host.count(":") == 1:
            host = host.partition(":")[0]
        host = host.strip().lower().rstrip(".")
        if not host:
            refuse = "A network printer needs its address, e.g. 192.168.1.50:9100."
        elif any(ip.is_loopback or ip.is_unspecified for ip in _addresses_of(host)):
            refuse = "A network printer is on the restaurant's network, not on the hub's machine."
    if refuse:
        raise ValidationFailed(fields={"address": [refuse]})


def printer_profiles() -> list[tuple[str, str]]:
    """python-escpos's printer profiles as (name, "name: model"), for the admin's choices."""
    from escpos.capabilities import CAPABILITIES

    profiles = CAPABILITIES["profiles"]
    return sorted((key, f"{key}: {data.get('name', key)}") for key, data in profiles.items())


def profile_codepages(profile: str) -> list[str]:
    """The code pages a printer of `profile` has, by python-escpos's name (CP858...)."""
    from escpos.capabilities import CAPABILITIES

    data = CAPABILITIES["profiles"].get(profile) or {}
    return sorted({p for p in data.get("codePages", {}).values() if p and p != "Unknown"})


def printer_profile_check(*, profile: str, codepage: str) -> None:
    """A profile python-escpos knows, and a code page that profile has (docs/printing.md
    "Characters"); raises ValidationFailed on `profile` or `codepage`."""
    pages = profile_codepages(profile)
    if profile not in dict(printer_profiles()):
        raise ValidationFailed(fields={"profile": ["Not a python-escpos printer profile."]})
    if codepage not in pages:
        raise ValidationFailed(
            fields={
                "codepage": [f"The {profile} profile has no {codepage}: one of {', '.join(pages)}."]
            }
        )


def _addresses_of(host: str) -> list:
    """Every IP address `host` means to the dispatcher's connect(): the literal, the short
    and numeric IPv4 forms (`127.1`, `2130706433`) and what the name resolves to now."""
    import ipaddress
    import socket

    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1")]
    try:
        found = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            found = [ipaddress.IPv4Address(socket.inet_aton(host))]
        except OSError:
            try:
                infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
            except (OSError, UnicodeError):
                return []  # not resolvable here: the dispatcher cannot reach it either
            found = [ipaddress.ip_address(info[4][0].partition("%")[0]) for info in infos]
    # ::ffff:127.0.0.1 is loopback too
    return [getattr(ip, "ipv4_mapped", None) or ip for ip in found]
