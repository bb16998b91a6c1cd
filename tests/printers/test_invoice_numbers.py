"""Invoice numbers under concurrent invoice prints: unique and without gaps (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from hub.models import Order, PrintJob
from hub.services import printing as svc

from .conftest import billed, job_preview, paid


def _run_all(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                fn()
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def _seq(number: str) -> int:
    return int(number.rsplit("/", 1)[1])


@pytest.mark.postgres
def test_concurrent_invoice_prints_get_consecutive_numbers_without_gaps(transactional_demo):
    orders = [billed() for _ in range(12)]

    def print_invoice(order):
        return lambda: svc.print_job_create_for_invoice(order=order, by=None)

    class Boom(Exception):
        pass

    def issue_then_fail(order):
        # takes a number, then its transaction fails: the number must go back
        def run():
            with transaction.atomic():
                locked = Order.objects.select_for_update().get(pk=order.pk)
                svc.invoice_number_issue(order=locked)
                raise Boom

        return run

    doomed = [billed() for _ in range(4)]
    errors = _run_all([print_invoice(o) for o in orders] + [issue_then_fail(o) for o in doomed])
    assert len(errors) == 4 and all(isinstance(e, Boom) for e in errors)

    numbers = sorted(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("invoice_number", flat=True)
    )
    assert all(numbers)
    prefix = numbers[0].rsplit("/", 1)[0]
    assert all(n.startswith(prefix + "/") for n in numbers)
    assert [_seq(n) for n in numbers] == list(range(1, 13))  # 1..12: no gap, no duplicate
    assert (
        not Order.objects.filter(pk__in=[o.pk for o in doomed]).exclude(invoice_number="").exists()
    )
    # every invoice job carries its own order's number
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        job = PrintJob.objects.get(order=order, kind="invoice")
        assert order.invoice_number in job_preview(job)
    # and the next invoice continues right after
    later = paid()
    svc.print_job_create_for_invoice(order=later, by=None)
    later.refresh_from_db()
    assert _seq(later.invoice_number) == 13


@pytest.mark.postgres
def test_concurrent_invoice_prints_of_one_order_issue_one_number(transactional_demo):
    order = billed()
    errors = _run_all([lambda: svc.print_job_create_for_invoice(order=order, by=None)] * 6)
    assert errors == []
    order.refresh_from_db()
    assert _seq(order.invoice_number) == 1
    reprints = sorted(
        PrintJob.objects.filter(order=order, kind="invoice").values_list("reprint", flat=True)
    )
    assert reprints == [0, 1, 2, 3, 4, 5]
