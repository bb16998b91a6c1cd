from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models

from .money import PercentField


def validate_timezone(value: str) -> None:
    """An IANA zone name that zoneinfo knows: a typo must not silently become UTC and
    shift business dates and the daily KOT numbers (docs/operations.md)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValidationError(
            f"{value!r} is not a time zone (use an IANA name such as Asia/Kolkata)."
        ) from exc


def validate_region(value: str) -> None:
    """ISO 3166-1 alpha-2 country code, the default region of phone numbers."""
    import phonenumbers

    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(f"{value!r} is not a country code (e.g. IN).")


class Outlet(models.Model):
    """One restaurant. Every other row belongs to an outlet, directly or through its parent."""

    class TableRelease(models.TextChoices):
        CLEANING = "cleaning"
        FREE = "free"

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(
        max_length=64, default="Asia/Kolkata", validators=[validate_timezone]
    )
    country = models.CharField(
        max_length=2,
        default="IN",
        validators=[validate_region],
        help_text="ISO country code: the region of phone numbers typed without +",
    )
    currency = models.CharField(max_length=3, default="INR")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    tax_id = models.CharField(
        max_length=32, blank=True, help_text="GSTIN or VAT number on invoices"
    )
    prices_include_tax = models.BooleanField(default=False)
    round_off = models.BooleanField(default=False, help_text="Round totals to a whole unit")
    cashier_max_discount_percent = PercentField(default=Decimal("10"))
    waiter_max_discount_percent = PercentField(default=Decimal("0"))
    table_release_status = models.CharField(
        max_length=10, choices=TableRelease.choices, default=TableRelease.CLEANING
    )
    auto_print_kot = models.BooleanField(default=True)
    kds_warn_minutes = models.PositiveIntegerField(default=10)
    kds_late_minutes = models.PositiveIntegerField(default=20)
    kot_ack_seconds = models.PositiveIntegerField(
        default=30,
        help_text="A KOT no screen of its kitchen has drawn within this many seconds is "
        "printed and raised as unseen (CONTRACT 13); 0 turns the timer off",
    )
    financial_year_start_month = models.PositiveSmallIntegerField(default=4)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Sequence(models.Model):
    """Gap-free counters per outlet: order numbers, KOT numbers per day, invoices per FY.

    Incremented with one UPSERT statement (hub/services/numbering.py), so two
    transactions can never read the same value.
    """

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outlet", "key"], name="uniq_sequence")]

    def __str__(self) -> str:
        return f"{self.outlet_id}:{self.key}={self.value}"
