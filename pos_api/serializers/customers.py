"""Customers in and out (docs/api.md "Customers")."""

from __future__ import annotations

from rest_framework import serializers

from .common import MoneyField, StrictCharField


class CustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="As typed")
    phone_digits = serializers.CharField(
        help_text='The E.164 number\'s digits, e.g. "919876543210"; "" without a phone'
    )
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
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "Any format; read in the outlet's country (`+`/`00` and a country code for "
            "another), and it must be a possible number there"
        ),
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    address = StrictCharField(required=False, allow_blank=True, max_length=500)

    def validate_phone(self, value: str) -> str:
        # Whether it is a number depends on the outlet's country: the service decides that.
        if value and any(not (ch.isascii() and (ch.isdigit() or ch in " +-().")) for ch in value):
            raise serializers.ValidationError("Only digits, spaces and + - ( ) . are allowed.")
        return value
