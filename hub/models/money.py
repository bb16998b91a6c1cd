"""Money columns: Decimal with two places (CONTRACT section 2)."""

from decimal import Decimal

from django.db import models


def MoneyField(**kwargs) -> models.DecimalField:  # noqa: N802 - reads like a field class
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("default", Decimal("0.00"))
    return models.DecimalField(**kwargs)


def PercentField(**kwargs) -> models.DecimalField:  # noqa: N802
    kwargs.setdefault("max_digits", 6)
    kwargs.setdefault("decimal_places", 3)
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(**kwargs)
