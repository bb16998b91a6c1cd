"""Reports in and out (CONTRACT 15; docs/api.md "Reports")."""

from __future__ import annotations

from rest_framework import serializers

from hub.models import AuditEntry
from hub.selectors.reports import GROUPS

from .common import MoneyField
from .orders import ChoiceField
from .shifts import StaffRefOut

FORMATS = ("json", "csv")


def _range(**extra) -> dict:
    return {
        "from": serializers.DateField(
            required=False,
            help_text="First business day, YYYY-MM-DD (outlet time); default: `to`, else today",
        ),
        "to": serializers.DateField(
            required=False,
            help_text="Last business day, inclusive, at most 365 after `from`; default: "
            "`from`, else today",
        ),
        "format": ChoiceField(
            choices=FORMATS, required=False, help_text="csv: text/csv with a header row"
        ),
        **extra,
    }


SalesQuery = type(
    "SalesQuery",
    (serializers.Serializer,),
    _range(group_by=ChoiceField(choices=GROUPS, help_text="What each row is")),
)
GstQuery = type("GstQuery", (serializers.Serializer,), _range())
AuditQuery = type(
    "AuditQuery",
    (serializers.Serializer,),
    _range(
        kind=ChoiceField(choices=AuditEntry.Kind.values, required=False, help_text="Only this kind")
    ),
)


class SalesFiguresOut(serializers.Serializer):
    quantity = serializers.IntegerField(help_text="Items sold (void lines excluded)")
    orders = serializers.IntegerField()
    subtotal = MoneyField(max_digits=16)
    discount_amount = MoneyField(max_digits=16)
    tax_total = MoneyField(max_digits=16)
    total = MoneyField(max_digits=16)


class SalesRowOut(SalesFiguresOut):
    key = serializers.JSONField(
        help_text="The item, category, staff, order type, payment method or platform id; "
        "the hour (0-23); null for none"
    )
    name = serializers.CharField()


class SalesTotalsOut(SalesFiguresOut):
    average_ticket = MoneyField(
        max_digits=16,
        allow_null=True,
        help_text="total / orders, rounded half-up to the cent (hub.pricing.average_ticket); "
        "null with no order paid",
    )


class SalesReportOut(serializers.Serializer):
    rows = SalesRowOut(many=True)
    totals = SalesTotalsOut()


class GstRowOut(serializers.Serializer):
    tax = serializers.CharField(help_text="The component: CGST, SGST, IGST ...")
    rate = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    invoices = serializers.IntegerField()
    taxable_value = MoneyField(max_digits=16)
    amount = MoneyField(max_digits=16)


class GstTotalsOut(serializers.Serializer):
    invoices = serializers.IntegerField()
    amount = MoneyField(max_digits=16)


class GstReportOut(serializers.Serializer):
    rows = GstRowOut(many=True)
    totals = GstTotalsOut()


class AuditRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    order_id = serializers.IntegerField(allow_null=True)
    kot_id = serializers.IntegerField(allow_null=True)
    shift_id = serializers.IntegerField(allow_null=True)
    staff = StaffRefOut(allow_null=True)
    approved_by = StaffRefOut(allow_null=True)
    reason = serializers.CharField()
    amount = MoneyField(max_digits=14, allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class AuditReportOut(serializers.Serializer):
    rows = AuditRowOut(many=True)
