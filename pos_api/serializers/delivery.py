"""Delivery actions in and out (docs/api.md "Delivery"): assign a driver, move the
delivery status, and the rows of a driver's own deliveries list (their
`allowed_delivery_statuses` are for the caller: `context={"by": staff}`)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.models import Order
from hub.services.delivery import delivery_statuses_for, staff_driver_ids

from ..schema import NOT_BLANK, request_shapes
from .common import MoneyField
from .orders import IdField, TextField


class AssignDriverIn(serializers.Serializer):
    driver_id = IdField()


@request_shapes(
    {
        "properties": {
            "status": {"type": "string", "not": {"enum": [Order.DeliveryStatus.FAILED.value]}}
        }
    },
    {"required": ["reason"], "properties": {"reason": {"type": "string", "pattern": NOT_BLANK}}},
)
class DeliveryStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.DeliveryStatus.values)
    reason = TextField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Required with status failed",
    )


class MyDeliveriesQuery(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=["today", "active", "all"],
        required=False,
        default="today",
        help_text="today (default): active ones plus those of today; active: only active; all",
    )


class DeliveryCustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()


class DeliveryRowOut(serializers.Serializer):
    order_id = serializers.IntegerField(source="pk")
    order_number = serializers.CharField(source="number")
    status = serializers.CharField()
    payment_status = serializers.CharField()
    delivery_status = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()
    customer = DeliveryCustomerOut(allow_null=True)
    total = MoneyField(max_digits=14, read_only=True)
    balance_due = serializers.SerializerMethodField()
    notes = serializers.CharField()
    platform = serializers.SerializerMethodField()
    platform_order_ref = serializers.CharField()
    failed_reason = serializers.CharField(source="delivery_failed_reason")
    version = serializers.IntegerField()
    allowed_delivery_statuses = serializers.SerializerMethodField(
        help_text="The statuses PUT /orders/{id}/delivery-status accepts now from you"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Order.DeliveryStatus.values))
    )
    def get_allowed_delivery_statuses(self, order: Order) -> list[str]:
        by = self.context["by"]
        if "_own_driver_ids" not in self.context:  # once per answer, not per row
            self.context["_own_driver_ids"] = staff_driver_ids(by)
        return delivery_statuses_for(
            order=order, by=by, own_driver_ids=self.context["_own_driver_ids"]
        )

    def get_delivery_status(self, order: Order) -> str:
        return order.delivery_status or Order.DeliveryStatus.PENDING

    def get_active(self, order: Order) -> bool:
        return getattr(order, "active_rank", 1) == 0

    @extend_schema_field(
        serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    )
    def get_balance_due(self, order: Order) -> Decimal:
        """What to collect at the door (0 for a prepaid order)."""
        return max(order.balance_due, Decimal("0")).quantize(Decimal("0.01"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_platform(self, order: Order) -> str | None:
        return order.platform.name if order.platform_id else None
