"""Customers in and out (docs/api.md "Customers")."""

from __future__ import annotations

from rest_framework import serializers

from hub.selectors.customers import phone_digits
from hub.services.customers import MAX_PHONE_DIGITS, MIN_PHONE_DIGITS

from .common import MoneyField, StrictCharField


class CustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    phone_digits = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    created_at = serializers.DateTimeField()


class CustomerOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="number")
    status = serializers.CharField()
    payment_status = serializers.CharField()
    total = MoneyField()
    created_at = serializers.DateTimeField()


class CustomerDetailOut(CustomerOut):
    visits = serializers.IntegerField(help_text="Paid orders")
    total_spent = MoneyField(max_digits=14, help_text="Sum of the totals of paid orders")
    last_orders = CustomerOrderOut(many=True, help_text="The last 5 orders, newest first")


def customer_detail_data(detail) -> dict:
    """CustomerDetailOut from a hub.selectors.customers.CustomerDetail."""
    return CustomerDetailOut(
        {
            **{f: getattr(detail.customer, f) for f in CustomerOut().fields},
            "visits": detail.visits,
            "total_spent": detail.total_spent,
            "last_orders": detail.last_orders,
        }
    ).data


class CustomerSearchQuery(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="Name, phone (any format, partial) or email",
    )


class CustomerIn(serializers.Serializer):
    name = StrictCharField(max_length=120)
    phone = StrictCharField(
        required=False, allow_blank=True, max_length=32, help_text="Any format; 7 to 15 digits"
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    address = StrictCharField(required=False, allow_blank=True, max_length=500)

    def validate_phone(self, value: str) -> str:
        if value and not MIN_PHONE_DIGITS <= len(phone_digits(value)) <= MAX_PHONE_DIGITS:
            raise serializers.ValidationError(
                f"Must have {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits."
            )
        if value and any(not (ch.isascii() and (ch.isdigit() or ch in " +-().")) for ch in value):
            raise serializers.ValidationError("Only digits, spaces and + - ( ) . are allowed.")
        return value
