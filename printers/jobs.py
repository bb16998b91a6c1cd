"""A print job's bytes, rendered when it is sent (docs/printing.md "What a job keeps").

A job keeps its ticket as a snapshot (PrintJob.ticket, built by the hub in the
transaction that queued it) and the paper width it was queued for; the bytes are
rendered from those here, by the dispatcher for the printers it reaches itself and by
the printer stream's consumer for print agents, always the same bytes for the same
job. Jobs queued before snapshots existed carry their bytes (PrintJob.payload) and
print those.
"""

from __future__ import annotations

import base64
from typing import Any

from hub.models import PrintJob
from hub.selectors.printing import print_job_of_printer
from hub.tickets import ticket_from_snapshot

from .render import Rendered, render_ticket


def job_rendered(job: PrintJob) -> Rendered:
    """The job's ESC/POS bytes and text preview (a pure function of the job's row)."""
    if job.ticket is None:  # queued before snapshots: the bytes it was rendered to then
        return Rendered(payload=bytes(job.payload), preview=job.preview)
    ticket = ticket_from_snapshot(job.kind, job.ticket)
    return render_ticket(ticket, paper_width_mm=job.paper_width_mm)


def print_job_wire_data(*, printer_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """A `print.job` event's data as an agent receives it: the outbox's
    {job_id, kind, reprint} plus `payload_b64`, the job's bytes (the wire of CONTRACT 6
    and docs/printing.md "The print agent"). Events recorded before snapshots carry
    their bytes already and go out as they are. A job that no longer exists goes out
    without bytes: the agent answers `failed` and the hub `not_found`."""
    if "payload_b64" in data:
        return data
    job = print_job_of_printer(printer_id=printer_id, job_id=data["job_id"])
    if job is None:
        return data
    payload = job_rendered(job).payload
    return {**data, "payload_b64": base64.b64encode(payload).decode("ascii")}
