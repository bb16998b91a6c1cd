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


def validate_locale(value: str) -> None:
    """A locale Babel knows (en_IN, hi_IN, ta_IN, de_DE): how money reads on paper."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValidationError(f"{value!r} is not a locale (e.g. en_IN).") from exc


def validate_upi_id(value: str) -> None:
    """A UPI virtual payment address: `name@handle` (desibits@upi, 9876543210@ybl)."""
    import re

    if value and not re.fullmatch(r"[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9.\-]{1,63}", value):
        raise ValidationError(f"{value!r} is not a UPI id (name@bank, e.g. desibits@upi).")


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
    auto_accept_platform_orders = models.BooleanField(
        default=True, help_text="Send a delivery platform's orders to the kitchen as they arrive"
    )
    kds_warn_minutes = models.PositiveIntegerField(default=10)
    kds_late_minutes = models.PositiveIntegerField(default=20)
    kot_ack_seconds = models.PositiveIntegerField(
        default=30,
        help_text="A KOT no screen of its kitchen has drawn within this many seconds is "
        "printed and raised as unseen (CONTRACT 13); 0 turns the timer off",
    )
    financial_year_start_month = models.PositiveSmallIntegerField(default=4)
    # Bills Indian guests need (CONTRACT 17, docs/printing.md "UPI QR", "Logo", "Money")
    upi_id = models.CharField(
        max_length=320,
        blank=True,
        validators=[validate_upi_id],
        help_text="UPI id (name@bank): bills print a QR to pay the balance due; empty: none",
    )
    locale = models.CharField(
        max_length=16,
        default="en_IN",
        validators=[validate_locale],
        help_text="How money reads on paper: en_IN prints 12,34,567.00 and the rupee sign",
    )
    logo = models.ImageField(
        upload_to="logos/",
        blank=True,
        help_text="Printed at the top of bills and invoices, dithered to the paper's width",
    )
    requires_open_shift = models.BooleanField(
        default=False, help_text="Refuse payments while no shift is open (CONTRACT 14)"
    )

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
