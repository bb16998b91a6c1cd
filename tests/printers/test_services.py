"""Print jobs in the database: creation, reprint, invoice numbers, acks (hub/services/printing.py)."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.utils import timezone

from hub.errors import Conflict, NotFound, ValidationFailed
from hub.models import Event, Kitchen, Kot, Printer, PrintJob, Sequence, Staff
from hub.services import printing as svc
from hub.services.clock import outlet_today

from .conftest import make_kot, make_order


def waiter():
    return Staff.objects.get(username="waiter")


@pytest.mark.embedded
def test_kot_job_is_queued_on_the_kitchens_printer_with_the_rendered_ticket(demo):
    order = make_order()
    kot = make_kot(order, kitchen_id=1)
    job = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert job.created_now
    assert (job.printer_id, job.kind, job.status, job.reprint) == (1, "kot", "queued", 0)
    assert job.next_attempt_at <= timezone.now()
    assert kot.number in job.preview and "TABLE T5" in job.preview
    assert "2 x Paneer Tikka" in job.preview and "> no onions" in job.preview
    assert bytes(job.payload).startswith(b"\x1b@")
    assert kot.number.encode() in bytes(job.payload)
    kot.refresh_from_db()
    assert kot.print_count == 1


def test_a_second_first_print_returns_the_same_job_and_prints_nothing_more(demo):
    kot = make_kot(make_order())
    first = svc.print_job_create_for_kot(kot=kot, by=waiter())
    again = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert again.pk == first.pk and not again.created_now
    assert PrintJob.objects.filter(kot=kot).count() == 1
    kot.refresh_from_db()
    assert kot.print_count == 1


def test_a_failed_first_print_can_be_asked_again(demo):
    kot = make_kot(make_order())
    first = svc.print_job_create_for_kot(kot=kot, by=waiter())
    PrintJob.objects.filter(pk=first.pk).update(status="failed")
    second = svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert second.pk != first.pk and second.created_now and second.reprint == 0


def test_reprints_count_up_and_are_marked(demo):
    kot = make_kot(make_order())
    svc.print_job_create_for_kot(kot=kot, by=waiter())
    one = svc.print_job_create_for_kot(kot=kot, by=waiter(), reprint=True)
    two = svc.print_job_create_for_kot(kot=kot, by=waiter(), reprint=True)
    assert (one.reprint, two.reprint) == (1, 2)
    assert "REPRINT 1" in one.preview and "REPRINT 2" in two.preview
    assert b"REPRINT 2" in bytes(two.payload)
    kot.refresh_from_db()
    assert kot.print_count == 3


@pytest.mark.parametrize("kind", ["void", "cancellation"])
def test_void_and_cancellation_kots_print_as_their_own_kind(demo, kind):
    order = make_order()
    original = make_kot(order)
    ticket = make_kot(order, kind=kind, voids=original, reason="guest left")
    job = svc.print_job_create_for_kot(kot=ticket, by=waiter())
    assert job.kind == kind
    assert f"Takes back {original.number}" in job.preview
    assert "Reason: guest left" in job.preview


def test_no_printer_for_the_kitchen_is_a_conflict_and_queues_nothing(demo):
    Kitchen.objects.filter(pk=1).update(printer=None)
    kot = make_kot(make_order())
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_kot(kot=kot, by=waiter())
    assert err.value.code == "no_printer"
    assert not PrintJob.objects.filter(kot=kot).exists()
    # the auto print of a KOT send just skips it
    assert svc.kot_auto_print(kot=kot, by=waiter()) is None


def test_auto_print_follows_the_outlet_setting(demo):
    kot = make_kot(make_order())
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
    kot = make_kot(make_order())
    job = svc.print_job_create_for_kot(kot=kot, by=waiter())
    event = Event.objects.get(stream="printer.1", type="print.job")
    assert event.data["job_id"] == job.pk
    assert event.data["kind"] == "kot" and event.data["reprint"] == 0
    assert base64.b64decode(event.data["payload_b64"]) == bytes(job.payload)
    # the dispatcher leaves it to the agent until the ack is late
    assert job.next_attempt_at > timezone.now()
    assert svc.print_jobs_claim() == []


def test_agent_ack_printed_finishes_the_job_and_shows_the_printer_online(demo):
    Printer.objects.filter(pk=1).update(connection="agent", address="", status="unknown")
    job = svc.print_job_create_for_kot(kot=make_kot(make_order()), by=waiter())
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
    job = svc.print_job_create_for_kot(kot=make_kot(make_order()), by=waiter())
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
    job = svc.print_job_create_for_kot(kot=make_kot(make_order()), by=waiter())
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
    first, second = make_order(status="billed"), make_order(status="paid")
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
    assert first.invoice_number in job1.preview and "TAX INVOICE" in job1.preview
    assert "DUPLICATE 1" in again.preview and first.invoice_number in again.preview
    assert second.invoice_number in job2.preview


def test_invoice_needs_a_billed_order_and_uses_no_number_otherwise(demo):
    order = make_order(status="kot")
    before = list(Sequence.objects.filter(outlet=demo).values_list("key", "value"))
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_invoice(order=order, by=None)
    assert err.value.code == "order_not_billed"
    assert list(Sequence.objects.filter(outlet=demo).values_list("key", "value")) == before
    order.refresh_from_db()
    assert order.invoice_number == ""


def test_bill_prints_on_the_receipt_printer_and_counts_copies(demo):
    order = make_order(status="kot", customer_id=10)
    one = svc.print_job_create_for_bill(order=order, by=None)
    two = svc.print_job_create_for_bill(order=order, by=None)
    assert (one.printer_id, one.kind, one.reprint, two.reprint) == (2, "bill", 0, 1)
    assert "Subtotal" in one.preview and "CGST 2.5%" in one.preview
    assert "Customer: Priya Kapoor" in one.preview
    assert "REPRINT 1" in two.preview


def test_no_receipt_printer_or_cancelled_order_cannot_print_a_bill(demo):
    order = make_order(status="cancelled")
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_bill(order=order, by=None)
    assert err.value.code == "order_cancelled"
    Printer.objects.filter(pk=2).update(role="kitchen")
    with pytest.raises(Conflict) as err:
        svc.print_job_create_for_bill(order=make_order(), by=None)
    assert err.value.code == "no_printer"


def test_jobs_older_than_the_age_limit_fail_with_their_error(demo):
    job = svc.print_job_create_for_kot(kot=make_kot(make_order()), by=waiter())
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
    job = svc.print_job_create_for_kot(kot=make_kot(make_order()), by=waiter())
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
    assert f"Waiter: {waiter.name}" in job.preview and f"Sent by: {cashier.name}" in job.preview
