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
import logging
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from PIL import Image

from hub.models import PrintJob
from hub.selectors.printing import print_job_of_printer
from hub.tickets import ticket_from_snapshot

from .render import Rendered, render_ticket

log = logging.getLogger(__name__)


def job_rendered(job: PrintJob) -> Rendered:
    """The job's ESC/POS bytes and text preview: its ticket, for its printer's profile and
    code page as they are now (a corrected profile helps the jobs still waiting), and the
    outlet's logo file the ticket names (left out if the file is gone)."""
    if job.ticket is None:  # queued before snapshots: the bytes it was rendered to then
        return Rendered(payload=bytes(job.payload), preview=job.preview)
    ticket = ticket_from_snapshot(job.kind, job.ticket)
    printer = job.printer
    return render_ticket(
        ticket,
        paper_width_mm=job.paper_width_mm,
        profile=printer.profile,
        codepage=printer.codepage,
        logo=logo_image(getattr(getattr(ticket, "outlet", None), "logo", "")),
    )


def logo_image(name: str) -> Image.Image | None:
    """The logo file `name` under the media root (Outlet.logo), or None: no logo, a file
    that is gone or that is not an image never stops a bill."""
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as file:
            image = Image.open(file)
            image.load()
            return image
    except (OSError, ValueError, SuspiciousFileOperation, Image.DecompressionBombError):
        log.warning("the logo %s could not be read; printing without it", name)
        return None


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
