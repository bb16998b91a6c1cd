"""Shifts, the cash drawer and the audit register (CONTRACT 14 and 15; docs/api.md "Shifts",
"Reports").

A Shift is the outlet's till from `POST /shifts/open` to its close. Payments and refunds
record the shift open when they were taken, and an order the shift it was paid or
cancelled in, so every figure of the shift's report is one SQL aggregate over rows that
name it (hub/selectors/shifts.py). At the close the Z report's figures are frozen into
`report`: whatever happens to the shift's orders later (a refund next morning) falls in
the next shift and leaves the Z report as printed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .money import MoneyField


class Shift(models.Model):
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.PROTECT, related_name="shifts")
    opened_by = models.ForeignKey("hub.Staff", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    opening_float = MoneyField()
    closed_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    counted_cash = MoneyField(null=True, blank=True, default=None)
    z_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="1, 2, ... per outlet without gaps, given at the close"
    )
    report = models.JSONField(
        null=True, blank=True, help_text="The Z report's figures as they were at the close"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # CONTRACT 14: one open shift per outlet (hub/services/shifts.py also checks
            # under the outlet's row lock; this is the database's word on it).
            models.UniqueConstraint(
                fields=["outlet"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_shift_per_outlet",
            ),
            models.UniqueConstraint(fields=["outlet", "z_number"], name="uniq_z_number"),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __str__(self) -> str:
        return f"shift {self.pk} of {self.outlet_id}" + (
            f" (Z {self.z_number})" if self.z_number else ""
        )


class CashMovement(models.Model):
    """Cash put into the drawer (`paid_in`, e.g. more change) or taken out (`paid_out`)."""

    class Kind(models.TextChoices):
        PAID_IN = "paid_in"
        PAID_OUT = "paid_out"

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="cash_movements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = MoneyField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey("hub.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


def audit_now():
    """`timezone.now()` looked up when a row is written (a test's clock applies too)."""
    return timezone.now()


class AuditEntry(models.Model):
    """One sensitive action (CONTRACT 15), written by the service that did it, in its
    transaction. Never changed or pruned: save() refuses an update, the queryset refuses
    update() and delete(), and on PostgreSQL a trigger refuses UPDATE and DELETE
    (migration 0012_shifts)."""

    class Kind(models.TextChoices):
        VOID = "void"
        DISCOUNT = "discount"
        PRICE_OVERRIDE = "price_override"
        REFUND = "refund"
        REPRINT = "reprint"
        CANCEL = "cancel"
        CASH_MOVEMENT = "cash_movement"
        SHIFT_CLOSE = "shift_close"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=audit_now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.ForeignKey(
        "hub.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kot = models.ForeignKey(
        "hub.Kot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    amount = MoneyField(null=True, blank=True, default=None)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class AppendOnly(models.QuerySet):
        def update(self, **kwargs):
            raise TypeError("audit entries are never changed (CONTRACT 15)")

        def delete(self):
            raise TypeError("audit entries are never deleted (CONTRACT 15)")

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["outlet", "-at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("audit entries are never changed (CONTRACT 15)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit entries are never deleted (CONTRACT 15)")


class SalesDaySummary(models.Model):
    """One outlet's paid sales of one business day, per report group and key (CONTRACT
    15; docs/performance.md "Reports"). Written by hub/services/sales_summary.py in the
    transaction that makes an order paid (a paid order never changes again), so
    `GET /reports/sales` sums at most one row per day and key instead of every order
    and line of the range. `dimension` is a `group_by` of the report, or `total`;
    `group_key` the row's key (a menu item, category, hour, staff, order type, payment
    method or platform id), -1 for none. Figures keep ten decimals: item, category and
    payment method rows hold each order's shares unrounded, rounded once per report row.
    """

    NONE_KEY = -1  # "no staff", "no platform", "no category": a key no id has

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    business_date = models.DateField()
    dimension = models.CharField(max_length=20)
    group_key = models.BigIntegerField()
    quantity = models.BigIntegerField(default=0)
    orders = models.BigIntegerField(default=0)
    covers = models.BigIntegerField(default=0, help_text="Guests of the orders (order-level rows)")
    subtotal = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    discount_amount = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    tax_total = models.DecimalField(max_digits=30, decimal_places=10, default=0)
    total = models.DecimalField(max_digits=30, decimal_places=10, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "dimension", "business_date", "group_key"],
                name="uniq_sales_day_summary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.business_date} {self.dimension} {self.group_key}"
