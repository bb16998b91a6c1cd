"""The POS session in and out (CONTRACT 4a "Session"; docs/api.md "POS session")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..schema import boolean, null_only, request_shapes
from .catalog import StrictBooleanField
from .orders import IdField, OrderItemOut, TextField


@extend_schema_field({"type": "object", "additionalProperties": True})
class CartField(serializers.JSONField):
    """Any JSON object the terminal keeps (the hub does not read it): documented as one."""


NOT_WITH_RESUME = {"resume_held_id": null_only("integer")}


@request_shapes(
    {  # save the cart
        "required": ["cart"],
        "properties": {
            **NOT_WITH_RESUME,
            "hold": boolean(False),
            "order_id": null_only("integer"),
        },
    },
    {"required": ["hold"], "properties": {**NOT_WITH_RESUME, "hold": boolean(True)}},
    {  # resume a parked cart
        "required": ["resume_held_id"],
        "not": {"required": ["cart"]},
        "properties": {
            "resume_held_id": {"type": "integer"},
            "hold": boolean(False),
            "order_id": null_only("integer"),
        },
    },
)
class SessionSaveIn(serializers.Serializer):
    """One of three shapes: `{cart}`, `{hold: true, label?, cart? | order_id?}`, `{resume_held_id}`."""

    cart = CartField(required=False, help_text="The terminal's cart, a JSON object (<= 64 KB)")
    hold = StrictBooleanField(required=False, default=False)
    label = TextField(max_length=80, required=False, allow_blank=True, allow_null=True)
    order_id = IdField(
        required=False, allow_null=True, help_text="With hold: park this draft order"
    )
    resume_held_id = IdField(required=False, allow_null=True)

    def validate(self, attrs):
        resume = attrs.get("resume_held_id") is not None
        hold = attrs.get("hold")
        if resume and (hold or "cart" in attrs or attrs.get("order_id") is not None):
            raise serializers.ValidationError(
                {"resume_held_id": ["Send resume_held_id alone, without cart, hold or order_id."]}
            )
        if not resume and not hold:
            if attrs.get("order_id") is not None:
                raise serializers.ValidationError(
                    {"order_id": ["order_id is parked with hold: true."]}
                )
            if "cart" not in attrs:
                raise serializers.ValidationError({"cart": ["This field is required."]})
        if "cart" in attrs and not isinstance(attrs["cart"], dict):
            raise serializers.ValidationError({"cart": ["Must be a JSON object."]})
        return attrs


class StaffRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HeldOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    cart = serializers.JSONField()
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.SerializerMethodField()
    held_by = StaffRefOut()
    held_at = serializers.DateTimeField()
    items = serializers.SerializerMethodField(
        help_text="A parked order's lines as the order shows them (options, note, price); "
        "[] for a parked cart, whose lines are in `cart` as the terminal sent them"
    )

    def get_order_number(self, held) -> str | None:
        return held.order.number if held.order_id else None

    @extend_schema_field(OrderItemOut(many=True))
    def get_items(self, held) -> list:
        if not held.order_id:
            return []
        return OrderItemOut(held.order.items.all(), many=True).data


class SessionOut(serializers.Serializer):
    cart = serializers.JSONField()
    updated_at = serializers.DateTimeField(allow_null=True)
    held_count = serializers.IntegerField(help_text="Held orders of the outlet not yet resumed")
    device_id = serializers.CharField()


class SessionSaveOut(SessionOut):
    held = HeldOrderOut(required=False, help_text="With hold: the parked entry")
    resumed = HeldOrderOut(required=False, help_text="With resume_held_id: the entry resumed")
