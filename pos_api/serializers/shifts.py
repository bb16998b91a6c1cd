"""Shifts, the cash drawer and the X/Z report in and out (CONTRACT 14; docs/api.md "Shifts")."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from hub.models import CashMovement

from .common import MoneyField
from .orders import ChoiceField, TextField


class ShiftOpenIn(serializers.Serializer):
    opening_float = MoneyField(min_value=Decimal("0"), help_text="Cash in the drawer at the open")


class CashMovementIn(serializers.Serializer):
    kind = ChoiceField(choices=CashMovement.Kind.values, help_text="paid_in or paid_out")
    amount = MoneyField(min_value=Decimal("0.01"))
    reason = TextField(max_length=300, help_text="Why the cash goes in or out (required)")


class ShiftCloseIn(serializers.Serializer):
    counted_cash = MoneyField(min_value=Decimal("0"), help_text="Cash counted in the drawer")


class StaffRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ShiftOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.SerializerMethodField(help_text="open or closed")
    opened_at = serializers.DateTimeField()
    opened_by = StaffRefOut()
    opening_float = MoneyField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = StaffRefOut(allow_null=True)
    z_number = serializers.IntegerField(allow_null=True)

    def get_status(self, shift) -> str:
        return "open" if shift.closed_at is None else "closed"


class CashMovementOut(serializers.Serializer):
    id = serializers.IntegerField()
    shift_id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = MoneyField()
    reason = serializers.CharField()
    created_by = StaffRefOut()
    created_at = serializers.DateTimeField()


# --- the report (a dict: live figures, or the JSON frozen at the close) ---------------


class ReportShiftOut(serializers.Serializer):
    id = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    opened_by = StaffRefOut()
    closed_by = StaffRefOut(allow_null=True)


class ReportOrdersOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="Orders paid in the shift")
    cancelled = serializers.IntegerField(help_text="Orders cancelled in the shift")
    void_lines = serializers.IntegerField(help_text="Void lines of the orders paid")
    void_amount = MoneyField()
    discounts = serializers.IntegerField(help_text="Orders paid with a discount")
    discount_amount = MoneyField()


class ReportTaxOut(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    amount = MoneyField(max_digits=14)


class ReportSalesOut(serializers.Serializer):
    subtotal = MoneyField(max_digits=14)
    discount_amount = MoneyField(max_digits=14)
    taxes = ReportTaxOut(many=True)
    tax_total = MoneyField(max_digits=14)
    service_charge = MoneyField(max_digits=14)
    round_off = MoneyField(max_digits=14)
    total = MoneyField(max_digits=14)


class ReportPaymentOut(serializers.Serializer):
    method = serializers.CharField(help_text="The payment method's code")
    name = serializers.CharField()
    count = serializers.IntegerField()
    amount = MoneyField(max_digits=14, help_text="Applied to bills (change excluded)")
    tips = MoneyField(max_digits=14)


class ReportRefundsOut(serializers.Serializer):
    count = serializers.IntegerField()
    amount = MoneyField(max_digits=14)


class ReportCashOut(serializers.Serializer):
    opening_float = MoneyField(max_digits=14)
    cash_payments = MoneyField(max_digits=14, help_text="Cash tendered, change included")
    change_given = MoneyField(max_digits=14)
    cash_refunds = MoneyField(max_digits=14)
    paid_in = MoneyField(max_digits=14)
    paid_out = MoneyField(max_digits=14)
    expected = MoneyField(
        max_digits=14,
        help_text="opening_float + cash_payments - change_given - cash_refunds + paid_in - paid_out",
    )
    counted = MoneyField(max_digits=14, allow_null=True, help_text="null in an X report")
    difference = MoneyField(max_digits=14, allow_null=True, help_text="counted - expected")


class ShiftReportOut(serializers.Serializer):
    shift = ReportShiftOut()
    z_number = serializers.IntegerField(allow_null=True, help_text="null for an X report")
    orders = ReportOrdersOut()
    sales = ReportSalesOut()
    payments = ReportPaymentOut(many=True)
    refunds = ReportRefundsOut()
    cash = ReportCashOut()
