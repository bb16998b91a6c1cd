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
