from django.db import models


class Printer(models.Model):
    class Role(models.TextChoices):
        KITCHEN = "kitchen"
        RECEIPT = "receipt"

    class Connection(models.TextChoices):
        NETWORK = "network"
        USB = "usb"
        SERIAL = "serial"
        FILE = "file"
        AGENT = "agent"

    class Status(models.TextChoices):
        ONLINE = "online"
        OFFLINE = "offline"
        UNKNOWN = "unknown"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="printers")
    name = models.CharField(max_length=60)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.KITCHEN)
    connection = models.CharField(
        max_length=10, choices=Connection.choices, default=Connection.FILE
    )
    address = models.CharField(
        max_length=255,
        blank=True,
        help_text="network: host:port; file: path; usb: vendor:product; serial: device",
    )
    paper_width_mm = models.PositiveSmallIntegerField(
        default=80, choices=[(58, "58 mm"), (80, "80 mm")]
    )
    # What the printer can do (python-escpos's printer profiles: its code pages, native
    # QR, its dots per line) and the code page text is sent in; what that page cannot
    # show prints as an image of the line (docs/printing.md "Characters").
    profile = models.CharField(
        max_length=40,
        default="default",
        help_text="python-escpos printer profile (model), e.g. TM-T88V; 'default' if unsure",
    )
    codepage = models.CharField(
        max_length=20,
        default="CP858",
        help_text="Code page text is sent in (one the profile has); other characters print as images",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PrintJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        PRINTED = "printed"
        FAILED = "failed"

    class Kind(models.TextChoices):
        KOT = "kot"
        VOID = "void"
        CANCELLATION = "cancellation"
        BILL = "bill"
        INVOICE = "invoice"
        TEST_PAGE = "test_page"  # "Print a test page" in the admin: no KOT, no order
        SHIFT_REPORT = "shift_report"  # a shift's X or Z report (CONTRACT 14): no order

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="print_jobs")
    printer = models.ForeignKey(Printer, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    kot = models.ForeignKey(
        "hub.Kot", on_delete=models.CASCADE, null=True, blank=True, related_name="print_jobs"
    )
    order = models.ForeignKey(
        "hub.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="print_jobs"
    )
    reprint = models.PositiveIntegerField(
        default=0, help_text="0 for the first print, n for REPRINT n"
    )
    # What the job prints, kept when it was queued (hub/tickets.py; docs/printing.md "What
    # a job keeps"): printers/ renders it to ESC/POS each time it sends the job.
    ticket = models.JSONField(
        null=True, blank=True, help_text="The ticket's values as queued (null: a job with bytes)"
    )
    paper_width_mm = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The printer's paper when the job was queued"
    )
    # Jobs queued before tickets were kept: their bytes and preview, rendered back then.
    payload = models.BinaryField(
        default=b"", blank=True, help_text="ESC/POS bytes of a job queued without a ticket"
    )
    preview = models.TextField(blank=True, help_text="Text preview of a job without a ticket")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
