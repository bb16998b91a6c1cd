"""Payments in and out (CONTRACT 4a; docs/api.md "Payments")."""

from __future__ import annotations

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.services.payments import PaymentRequest

from .common import MoneyField
from .orders import IdField, PaymentOut, TextField

MAX_SPLIT = 10


# A method's code is a slug (hub.models.PaymentMethod.code); the schema says exactly what
# this field takes, so a value it allows is never a 400.
METHOD_CODE_PATTERN = r"^[-a-zA-Z0-9_]{1,40}$"
_METHOD_CODE = re.compile(METHOD_CODE_PATTERN)
MAX_METHOD_ID = 2**31 - 1


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": METHOD_CODE_PATTERN, "example": "card"},
            {"type": "integer", "minimum": 1, "maximum": MAX_METHOD_ID},
        ],
        "description": 'A payment method\'s code ("card") or id (2)',
    },
    component_name="PaymentMethodRef",
)
class PaymentMethodRefField(serializers.Field):
    """A payment method's `code` ("card") or `id` (2), as the reference allows both."""

    default_error_messages = {"invalid": 'Give a payment method code (e.g. "card") or id.'}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            if not 1 <= data <= MAX_METHOD_ID:
                self.fail("invalid")
            return data
        if isinstance(data, str) and _METHOD_CODE.fullmatch(data):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class PaymentIn(serializers.Serializer):
    payment_method = PaymentMethodRefField()
    amount = MoneyField(min_value=Decimal("0.01"))
    tip_amount = MoneyField(min_value=Decimal("0"), required=False, default=Decimal("0"))
    transaction_id = TextField(max_length=120, required=False, allow_blank=True, default="")
    check_id = IdField(
        required=False,
        allow_null=True,
        help_text="On a split bill, the check this pays (required there; CONTRACT 12)",
    )


def payment_request(data: dict) -> PaymentRequest:
    return PaymentRequest(
        payment_method=data["payment_method"],
        amount=data["amount"],
        tip_amount=data.get("tip_amount") or Decimal("0"),
        transaction_id=data.get("transaction_id", ""),
        check_id=data.get("check_id"),
    )


class SplitPaymentIn(serializers.Serializer):
    payments = PaymentIn(many=True, min_length=1, max_length=MAX_SPLIT)


class RefundIn(serializers.Serializer):
    payment_id = IdField()
    amount = MoneyField(min_value=Decimal("0.01"))
    reason = TextField(max_length=300)


class PaymentResultOut(serializers.Serializer):
    payment_id = serializers.IntegerField()
    status = serializers.CharField(help_text="The order's payment_status after this payment")
    balance_due = MoneyField()
    change_due = MoneyField()


class SplitPaymentResultOut(serializers.Serializer):
    payment_ids = serializers.ListField(child=serializers.IntegerField())
    status = serializers.CharField()
    balance_due = MoneyField()
    change_due = MoneyField()


class PaymentStatusOut(serializers.Serializer):
    order_id = serializers.IntegerField(source="pk")
    total = MoneyField()
    paid_total = MoneyField()
    tip_total = MoneyField()
    refunded_total = MoneyField()
    balance_due = MoneyField()
    payment_status = serializers.CharField()
    payments = PaymentOut(source="payments.all", many=True)


class RefundOut(serializers.Serializer):
    refund_id = serializers.IntegerField(source="pk")
    payment_id = serializers.IntegerField()
    amount = MoneyField()
    reason = serializers.CharField()
    status = serializers.CharField(source="payment.order.payment_status")
    refunded_total = MoneyField(source="payment.order.refunded_total")
