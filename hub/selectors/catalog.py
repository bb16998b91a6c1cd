"""Read queries for reference data, scoped to the caller's outlet where the data is per outlet."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.models import OrderType, PaymentMethod


def payment_methods_active() -> QuerySet[PaymentMethod]:
    return PaymentMethod.objects.filter(is_active=True).order_by("id")


def order_types_all() -> QuerySet[OrderType]:
    return OrderType.objects.order_by("id")
