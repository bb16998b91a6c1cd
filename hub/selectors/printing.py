"""Read queries for printing (docs/printing.md).

The tickets a job prints are built by hub/services/print_tickets.py, in the
transaction that queues the job; these are the reads around it: the printer list,
the KOT or order a print endpoint names, a job of a printer's stream.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from hub.errors import NotFound
from hub.models import Kot, Order, Outlet, Printer, PrintJob


def printers_for_outlet(*, outlet: Outlet) -> QuerySet[Printer]:
    """The outlet's printers with how many jobs wait on each (for GET /printers)."""
    return (
        Printer.objects.filter(outlet=outlet)
        .annotate(
            queued_jobs=Count(
                "jobs", filter=Q(jobs__status__in=[PrintJob.Status.QUEUED, PrintJob.Status.SENT])
            ),
        )
        .prefetch_related("kitchens")
        .order_by("id")
    )


def kot_get(*, outlet: Outlet, kot_id: int) -> Kot:
    kot = Kot.objects.filter(outlet=outlet, pk=kot_id).first()
    if kot is None:
        raise NotFound("No such KOT.")
    return kot


def order_get(*, outlet: Outlet, order_id: int) -> Order:
    order = Order.objects.filter(outlet=outlet, pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def print_job_of_printer(*, printer_id: int, job_id: int) -> PrintJob | None:
    """Job `job_id` if it is one of printer `printer_id`'s (a `print.job` event's job)."""
    return (
        PrintJob.objects.select_related("printer").filter(pk=job_id, printer_id=printer_id).first()
    )
