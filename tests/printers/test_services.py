"""Print jobs in the database: creation, reprint, invoice numbers, acks (hub/services/printing.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hub.errors import Conflict, NotFound, ValidationFailed
from hub.models import Event, Kitchen, Kot, Printer, PrintJob, Sequence, Staff
from hub.services import printing as svc
from hub.services.clock import outlet_today

from .conftest import (
    billed,
    cancelled,
    job_bytes,
    job_preview,
    kitchen_kot,
    paid,
    send,
    take_order,
    taking_back,
)

D = Decimal


def waiter():
    return Staff.objects.get(username="waiter")


@pytest.mark.embedded
def test_kot_job_is_queued_on_the_kitchens_printer_with_the_rendered_ticket(demo):
    kot = kitchen_kot(take_order(table_id=5), kitchen_id=1)
    job = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert job.created_now
    assert (job.printer_id, job.kind, job.status, job.reprint) == (1, "kot", "queued", 0)
    assert job.next_attempt_at <= timezone.now()
    preview = job_preview(job)
    assert kot.number in preview and "TABLE T5" in preview
    assert "2 x Paneer Tikka" in preview and "> no onions" in preview
    assert job_bytes(job).startswith(b"\x1b@")
    assert kot.number.encode() in job_bytes(job)
    kot.refresh_from_db()
    assert kot.print_count == 1


def test_a_second_first_print_returns_the_same_job_and_prints_nothing_more(demo):
    kot = kitchen_kot()
    first = svc.print_job_create_for_kot(kot=kot, by=waiter())
    again = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert again.pk == first.pk and not again.created_now
    assert PrintJob.objects.filter(kot=kot).count() == 1
    kot.refresh_from_db()
    assert kot.print_count == 1


def test_a_failed_first_print_can_be_asked_again(demo):
    kot = kitchen_kot()
    first = svc.print_job_create_for_kot(kot=kot, by=waiter())
    PrintJob.objects.filter(pk=first.pk).update(status="failed")
    second = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert second.pk != first.pk and second.created_now and second.reprint == 0


def test_reprints_count_up_and_are_marked(demo):
    kot = kitchen_kot()
    svc.print_job_create_for_kot(kot=kot, by=waiter())
    one = svc.print_job_create_for_kot(kot=kot, by=waiter(), reprint=True)
    two = svc.print_job_create_for_kot(kot=kot, by=waiter(), reprint=True)
    assert (one.reprint, two.reprint) == (1, 2)
    assert "REPRINT 1" in job_preview(one) and "REPRINT 2" in job_preview(two)
    assert b"REPRINT 2" in job_bytes(two)
    kot.refresh_from_db()
    assert kot.print_count == 3


@pytest.mark.parametrize("kind", ["void", "cancellation"])
def test_void_and_cancellation_kots_print_as_their_own_kind(demo, kind):
    original, ticket = taking_back(kind, reason="guest left")
    job = svc.print_job_create_for_kot(kot=ticket, by=waiter())
    assert job.kind == kind
    assert f"Takes back {original.number}" in job_preview(job)
    assert "Reason: guest left" in job_preview(job)


def test_no_printer_for_the_kitchen_is_a_conflict_and_queues_nothing(demo):
    Kitchen.objects.filter(pk=1).update(printer=None)
    kot = kitchen_kot()
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert err.value.code == "no_printer"
    assert not PrintJob.objects.filter(kot=kot).exists()
    # the auto print of a KOT send just skips it
    assert svc.kot_auto_print(kot=kot, by=waiter()) is None


def test_auto_print_follows_the_outlet_setting(demo):
    kot = kitchen_kot()
    demo.auto_print_kot = False
    demo.save()
    kot = Kot.objects.get(pk=kot.pk)
    assert svc.kot_auto_print(kot=kot, by=None) is None
    demo.auto_print_kot = True
    demo.save()
    kot = Kot.objects.get(pk=kot.pk)
    assert svc.kot_auto_print(kot=kot, by=None).kind == "kot"


def test_agent_printer_jobs_go_out_as_print_job_events_in_the_same_transaction(demo):
    Printer.objects.filter(pk=1).update(connection="agent", address="")
    kot = kitchen_kot()
    job = svc.print_job_create_for_kot(kot=kot, by=waiter())
    event = Event.objects.get(stream="printer.1", type="print.job")
    assert event.data["job_id"] == job.pk
    assert event.data["kind"] == "kot" and event.data["reprint"] == 0
    assert set(event.data) == {"job_id", "kind", "reprint"}  # the bytes are added on the way out
    # the dispatcher leaves it to the agent until the ack is late
    assert job.next_attempt_at > timezone.now()
    assert svc.print_jobs_claim() == []


def test_agent_ack_printed_finishes_the_job_and_shows_the_printer_online(demo):
    Printer.objects.filter(pk=1).update(connection="agent", address="", status="unknown")
    job = svc.print_job_create_for_kot(kot=kitchen_kot(), by=waiter())
    manager = Staff.objects.get(username="manager")
    svc.print_job_ack(printer_id=1, job_id=job.pk, status="printed", by=manager)
    job.refresh_from_db()
    printer = Printer.objects.get(pk=1)
    assert job.status == "printed" and job.printed_at and job.sent_at
    assert printer.status == "online" and printer.last_contact_at
    status_event = Event.objects.filter(stream="orders.1", type="print.job_status").last()
    assert status_event.data == {"job_id": job.pk, "printer_id": 1, "status": "printed"}
    # a repeated ack changes nothing
    again = svc.print_job_ack(printer_id=1, job_id=job.pk, status="failed", by=manager)
    assert again.status == "printed"


def test_agent_ack_failed_requeues_with_backoff_and_is_resent_later(demo):
    Printer.objects.filter(pk=1).update(connection="agent", address="")
    job = svc.print_job_create_for_kot(kot=kitchen_kot(), by=waiter())
    svc.print_job_ack(printer_id=1, job_id=job.pk, status="failed", error="paper out", by=None)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == ("queued", 1, "paper out")
    assert Printer.objects.get(pk=1).status == "offline"
    # once due, the dispatcher sends the job's event again
    PrintJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    assert svc.print_jobs_resend_to_agents() == 1
    assert Event.objects.filter(stream="printer.1", type="print.job").count() == 2


def test_ack_of_another_printers_or_outlets_job_is_not_found(demo):
    Printer.objects.filter(pk=1).update(connection="agent", address="")
    job = svc.print_job_create_for_kot(kot=kitchen_kot(), by=waiter())
    with pytest.raises(NotFound):
        svc.print_job_ack(printer_id=2, job_id=job.pk, status="printed", by=None)
    with pytest.raises(NotFound):
        svc.print_job_ack(
            printer_id=1, job_id=job.pk, status="printed", by=Staff.objects.get(username="manager2")
        )
    with pytest.raises(ValidationFailed):
        svc.print_job_ack(printer_id=1, job_id=job.pk, status="done", by=None)


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        (date(2026, 3, 31), 4, "2025-26"),
        (date(2026, 4, 1), 4, "2026-27"),
        (date(2099, 12, 31), 4, "2099-00"),
        (date(2026, 6, 1), 1, "2026"),
        (date(2026, 6, 1), 7, "2025-26"),
    ],
)
def test_financial_year_label(day, start, label):
    assert svc.financial_year_label(day, start) == label


def test_invoice_number_is_issued_once_per_order_in_sequence(demo):
    fy = svc.financial_year_label(outlet_today(demo), demo.financial_year_start_month)
    first, second = billed(), paid()
    job1 = svc.print_job_create_for_invoice(order=first, by=None)
    job2 = svc.print_job_create_for_invoice(order=second, by=None)
    again = svc.print_job_create_for_invoice(order=first, by=None)
    first.refresh_from_db()
    second.refresh_from_db()
    start = int(first.invoice_number.rsplit("/", 1)[1])
    assert first.invoice_number == f"INV/001/{fy}/{start:06d}"
    assert second.invoice_number == f"INV/001/{fy}/{start + 1:06d}"
    assert first.invoice_issued_at is not None
    assert (job1.kind, job1.printer_id, job1.reprint, again.reprint) == ("invoice", 2, 0, 1)
    assert first.invoice_number in job_preview(job1) and "TAX INVOICE" in job_preview(job1)
    assert "DUPLICATE 1" in job_preview(again) and first.invoice_number in job_preview(again)
    assert second.invoice_number in job_preview(job2)


def test_invoice_needs_a_billed_order_and_uses_no_number_otherwise(demo):
    order = take_order()
    send(order)
    before = list(Sequence.objects.filter(outlet=demo).values_list("key", "value"))
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_invoice(order=order, by=None)
    assert err.value.code == "order_not_billed"
    assert list(Sequence.objects.filter(outlet=demo).values_list("key", "value")) == before
    order.refresh_from_db()
    assert order.invoice_number == ""


def test_bill_prints_on_the_receipt_printer_and_counts_copies(demo):
    order = take_order(customer_id=10)
    send(order)
    one = svc.print_job_create_for_bill(order=order, by=None)
    two = svc.print_job_create_for_bill(order=order, by=None)
    assert (one.printer_id, one.kind, one.reprint, two.reprint) == (2, "bill", 0, 1)
    assert "Subtotal" in job_preview(one) and "CGST 2.5%" in job_preview(one)
    assert "Customer: Priya Kapoor" in job_preview(one)
    assert "REPRINT 1" in job_preview(two)


def test_no_receipt_printer_or_cancelled_order_cannot_print_a_bill(demo):
    order = cancelled()
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_bill(order=order, by=None)
    assert err.value.code == "order_cancelled"
    Printer.objects.filter(pk=2).update(role="kitchen")
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_bill(order=take_order(), by=None)
    assert err.value.code == "no_printer"


def test_jobs_older_than_the_age_limit_fail_with_their_error(demo):
    job = svc.print_job_create_for_kot(kot=kitchen_kot(), by=waiter())
    PrintJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - svc.MAX_AGE - timedelta(seconds=1),
        attempts=7,
        last_error="cannot connect to the printer: timed out",
    )
    assert svc.print_jobs_expire() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.last_error.startswith("gave up after 7 attempts")
    assert "timed out" in job.last_error
    assert Event.objects.filter(
        stream="orders.1", type="print.job_status", data__status="failed"
    ).exists()


def test_a_job_stuck_in_sent_is_failed_not_sent_twice(demo):
    job = svc.print_job_create_for_kot(kot=kitchen_kot(), by=waiter())
    PrintJob.objects.filter(pk=job.pk).update(
        status="sent", sent_at=timezone.now() - timedelta(minutes=5)
    )
    assert svc.print_jobs_expire() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "unconfirmed" in job.last_error


def test_backoff_doubles_up_to_the_cap():
    assert [svc.backoff_seconds(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_kot_the_cashier_sends_prints_the_orders_waiter_and_the_cashier(demo):
    from hub.services.kitchen import kot_send
    from hub.services.orders import ItemInput, order_create

    waiter = Staff.objects.get(username="waiter")
    cashier = Staff.objects.get(username="cashier")
    order = order_create(
        outlet=demo, by=waiter, order_type_id=1, table_id=9, items=[ItemInput(15, 1)]
    )
    (kot,) = kot_send(order_id=order.pk, outlet=demo, by=cashier)
    job = PrintJob.objects.get(kot=kot)
    assert f"Waiter: {waiter.name}" in job_preview(job)
    assert f"Sent by: {cashier.name}" in job_preview(job)


# --- what a job keeps: the ticket, rendered when it is sent ----------------------------


NOW = datetime(2026, 3, 14, 14, 12, 5, 123456, tzinfo=UTC)  # the clock the jobs are asked at


def _ticket_rendered_now(job):
    """The old path: the ticket built from the rows (at NOW) and rendered at once, what a
    job stored as bytes before it kept its ticket; nothing read from the job's snapshot."""
    from hub.services.print_tickets import bill_ticket, kot_ticket, test_page_ticket
    from printers.render import render_bill, render_kot, render_test_page

    width = job.printer.paper_width_mm
    if job.kind in ("kot", "void", "cancellation"):
        return render_kot(kot_ticket(kot_id=job.kot_id, reprint=job.reprint), paper_width_mm=width)
    if job.kind == "test_page":
        ticket = test_page_ticket(printer=job.printer, printed_at=NOW, by=waiter())
        return render_test_page(ticket, paper_width_mm=width)
    if job.kind == "shift_report":
        from hub.services.shifts import shift_report, shift_report_ticket
        from printers.render import render_shift_report

        shift_id = job.ticket["shift_id"]
        ticket = shift_report_ticket(
            outlet=job.outlet,
            report=shift_report(outlet=job.outlet, shift_id=shift_id),
            printed_at=NOW,
            reprint=job.reprint,
        )
        return render_shift_report(ticket, paper_width_mm=width)
    ticket = bill_ticket(
        order_id=job.order_id, printed_at=NOW, reprint=job.reprint, invoice=job.kind == "invoice"
    )
    return render_bill(ticket, paper_width_mm=width)


def test_a_job_keeps_its_ticket_and_prints_the_bytes_the_ticket_renders_to(demo, monkeypatch):
    from types import SimpleNamespace

    from hub.services import shifts
    from hub.tickets import ticket_from_snapshot

    monkeypatch.setattr(svc, "timezone", SimpleNamespace(now=lambda: NOW))
    monkeypatch.setattr(shifts, "timezone", SimpleNamespace(now=lambda: NOW))
    manager = Staff.objects.get(username="manager")
    shift = shifts.shift_open(outlet=demo, by=manager, opening_float=D("500"))
    original, void = taking_back("void")
    order = billed(take_order(customer_id=10))
    paid(take_order())  # a sale in the shift, by cash
    Printer.objects.filter(pk=2).update(paper_width_mm=58)  # and the narrow paper
    jobs = [
        svc.print_job_create_for_kot(
            kot=kitchen_kot(take_order(table_id=5, guests=3)), by=waiter()
        ),
        svc.print_job_create_for_kot(kot=original, by=waiter(), reprint=True),
        svc.print_job_create_for_kot(kot=void, by=waiter()),
        svc.print_job_create_for_kot(kot=taking_back("cancellation")[1], by=waiter()),
        svc.print_job_create_for_bill(order=order, by=None),
        svc.print_job_create_for_invoice(order=order, by=None),
        svc.print_job_create_test_page(printer_id=2, outlet=demo, by=waiter()),
    ]
    # the X report, as the rows stand before the close
    x_job = shifts.shift_report_print(outlet=demo, shift_id=shift.pk, by=manager)
    x_job = PrintJob.objects.select_related("printer", "outlet").get(pk=x_job.pk)
    assert job_bytes(x_job) == _ticket_rendered_now(x_job).payload
    assert "X REPORT" in job_preview(x_job) and "Cash (1)" in job_preview(x_job)
    shifts.shift_close(outlet=demo, by=manager, counted_cash=D("520"))
    jobs += [
        shifts.shift_report_print(outlet=demo, shift_id=shift.pk, by=manager),  # its Z report
        shifts.shift_report_print(outlet=demo, shift_id=shift.pk, by=manager),  # a copy
    ]
    assert [j.kind for j in jobs] == [
        "kot", "kot", "void", "cancellation", "bill", "invoice", "test_page",
        "shift_report", "shift_report",
    ]  # fmt: skip
    assert [j.reprint for j in [x_job, *jobs[-2:]]] == [0, 1, 2]
    assert "Z REPORT 1" in job_preview(jobs[-1]) and "REPRINT 2" in job_preview(jobs[-1])
    for job in jobs:
        job = PrintJob.objects.select_related("printer", "outlet").get(pk=job.pk)
        # the row keeps the ticket's values and the paper, no bytes
        assert isinstance(job.ticket, dict) and bytes(job.payload) == b""
        assert job.paper_width_mm == job.printer.paper_width_mm
        # read back it is the same ticket, and it prints byte for byte what the ticket
        # rendered at once prints
        rendered = _ticket_rendered_now(job)
        assert job_bytes(job) == rendered.payload, job.kind
        assert job_preview(job) == rendered.preview, job.kind
        if job.kind != "test_page":
            assert ticket_from_snapshot(job.kind, job.ticket).reprint == job.reprint


def test_a_queued_job_prints_the_ticket_as_it_was_asked(demo):
    from hub.services.orders import order_update

    order = take_order(table_id=5)
    kot = kitchen_kot(order)
    job = svc.print_job_create_for_kot(kot=kot, by=waiter())  # the printer is off, say
    before = job_bytes(job)
    # then the line is voided: the job already queued still prints what was sent
    order_update(order_id=order.pk, outlet=demo, by=waiter(), items=[], void_reason="no")
    job.refresh_from_db()
    assert job_bytes(job) == before and b"VOIDED" not in before


def test_a_reprint_says_what_was_taken_back_since_the_kot_was_sent(demo):
    from hub.services.orders import ItemInput, order_update

    order = take_order(table_id=5, items=((15, 3, ""), (12, 2, "")))
    kot = kitchen_kot(order)
    paneer, naan = order.items.order_by("id")
    # one Paneer Tikka taken off, the naan removed
    order_update(
        order_id=order.pk,
        outlet=demo,
        by=waiter(),
        items=[ItemInput(id=paneer.pk, quantity=2)],
        void_reason="changed mind",
    )
    preview = job_preview(svc.print_job_create_for_kot(kot=kot, by=waiter(), reprint=True))
    lines = preview.splitlines()
    # the lines as sent, each followed by what was taken back since
    assert lines[lines.index("3 x Paneer Tikka") + 1] == "VOIDED SINCE: 1"
    assert lines[lines.index("2 x Butter Naan") + 1] == "VOIDED SINCE: all"
    assert "REPRINT 1" in preview and "Items: 5" in preview


def test_a_ticket_that_printers_could_not_read_back_fails_the_print_and_queues_nothing(
    demo, monkeypatch
):
    from hub.tickets import TicketSnapshotError

    kot = kitchen_kot()
    real = svc.ticket_snapshot
    monkeypatch.setattr(svc, "ticket_snapshot", lambda t: {**real(t), "colour": "red"})
    with pytest.raises(TicketSnapshotError, match="colour"):
        svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert not PrintJob.objects.filter(kot=kot).exists()
    kot.refresh_from_db()
    assert kot.print_count == 0
