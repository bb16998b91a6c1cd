"""Print jobs in the admin (docs/admin.md "Printers", docs/printing.md "What a job keeps").

Here, not in hub/admin/printing.py with the printers: a job's page shows its ticket as
the printer gets it, which only printers/ can render (the hub keeps the ticket's values,
never its layout). Jobs are read-only: a reprint is asked for at the till.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from hub.admin.base import VIEW, OutletAdmin
from hub.models import PrintJob

from .jobs import job_rendered


@admin.register(PrintJob)
class PrintJobAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = (
        "id",
        "printer",
        "kind",
        "status",
        "attempts",
        "reprint",
        "created_at",
        "printed_at",
    )
    list_filter = ("status", "kind", ("printer", admin.RelatedOnlyFieldListFilter))
    readonly_fields = ("ticket_preview",)
    exclude = ("payload", "preview", "ticket")

    @admin.display(description="Preview")
    def ticket_preview(self, job: PrintJob) -> str:
        if job.pk is None:
            return ""
        try:
            text = job_rendered(job).preview
        except Exception as exc:  # show the job anyway: its row is what staff came to see
            return f"(this job's ticket cannot be rendered: {exc})"
        return format_html("<pre>{}</pre>", text)
