"""Print jobs and printers out (CONTRACT 4a "Print endpoints", section 7; docs/printing.md)."""

from rest_framework import serializers

from hub.upi import upi_qr_svg

from .orders import IdField


class PrinterRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PrintJobOut(serializers.Serializer):
    """What a print endpoint answers at once: the job, not the printer's outcome."""

    job_id = serializers.IntegerField(source="pk")
    printer = PrinterRefOut()
    status = serializers.CharField(
        help_text="queued for a new job; a returned earlier job shows its own"
    )
    kind = serializers.CharField(help_text="kot, void, cancellation, bill or invoice")
    reprint = serializers.IntegerField(help_text="0 for the first print; n for REPRINT n")


class BillPrintJobOut(PrintJobOut):
    """POST /orders/{id}/print-bill: the job, and the UPI QR the bill carries, so the
    screen that printed it can show the same code (CONTRACT 17; docs/screens.md)."""

    upi_uri = serializers.SerializerMethodField(
        help_text="The link the printed bill's QR carries (what was due when it was "
        "printed, the check's on a split bill); null when nothing is due or no UPI id"
    )
    upi_qr_svg = serializers.SerializerMethodField(
        help_text="That QR code as an SVG document (show it as an image); null with no link"
    )

    def get_upi_uri(self, job) -> str | None:
        return (job.ticket or {}).get("upi_uri")

    def get_upi_qr_svg(self, job) -> str | None:
        return upi_qr_svg(self.get_upi_uri(job))


class InvoicePrintJobOut(PrintJobOut):
    invoice_number = serializers.CharField(source="order.invoice_number")


class PrinterOut(serializers.Serializer):
    """A printer as staff see it. Never the address: it can carry hosts and device paths."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="kitchen or receipt")
    connection = serializers.CharField(help_text="network, usb, serial, file or agent")
    paper_width_mm = serializers.IntegerField()
    status = serializers.CharField(help_text="online, offline or unknown")
    last_contact_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(help_text="Why it is offline, for staff; empty when fine")
    queued_jobs = serializers.IntegerField(help_text="Jobs waiting for this printer")
    kitchen_ids = serializers.SerializerMethodField()

    def get_kitchen_ids(self, printer) -> list[int]:
        return [k.pk for k in printer.kitchens.all()]


class PrintBillIn(serializers.Serializer):
    """The body of POST /orders/{id}/print-bill: none, or one check of a split bill."""

    check_id = IdField(
        required=False,
        help_text="Print this check of a split bill alone (CONTRACT 12): its lines, taxes "
        "and total, headed Check n of N",
    )
