"""The tax lines of each issued invoice (CONTRACT 15 "GET /reports/gst"; docs/api.md "Reports").

Written once, when the invoice number is issued (hub/services/printing.py
invoice_number_issue), from the figures printed on it: one row per tax component and
rate, with the value it was charged on. The GST report sums these rows, so it
reconciles to the paisa with the invoices as printed.
"""

from __future__ import annotations

from django.db import models

from .money import MoneyField, PercentField


class InvoiceTaxLine(models.Model):
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("hub.Order", on_delete=models.PROTECT, related_name="invoice_taxes")
    invoice_number = models.CharField(max_length=40)
    issued_at = models.DateTimeField()
    business_date = models.DateField(help_text="The outlet-local day the invoice was issued")
    name = models.CharField(max_length=40)
    rate = PercentField()
    taxable_value = MoneyField()
    amount = MoneyField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["outlet", "business_date"])]


class GstDaySummary(models.Model):
    """The tax lines of one outlet's invoices issued on one business day, per component
    and rate, summed when each invoice is issued (hub/services/sales_summary.py
    `gst_summary_add`), so `GET /reports/gst` reads one row per day and component
    instead of every invoice's lines (docs/performance.md "Reports"). The row with
    `name` "" (rate 0) counts the day's invoices once each, whatever their components:
    the report's `totals.invoices`."""

    ALL = ""

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    business_date = models.DateField()
    name = models.CharField(max_length=40, blank=True)
    rate = PercentField()
    invoices = models.BigIntegerField(default=0)
    taxable_value = MoneyField(max_digits=18)
    amount = MoneyField(max_digits=18)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "business_date", "name", "rate"], name="uniq_gst_day_summary"
            )
        ]
