"""Input of platform order intake (CONTRACT 16; docs/integrations.md "Platform intake")."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from hub.services.orders import MAX_QUANTITY
from hub.services.platforms import MAX_LINES, IntakeLine, IntakeOrder

from .common import MoneyField, StrictCharField, StrictIntegerField
from .orders import TextField


class IntakeCustomerIn(serializers.Serializer):
    name = TextField(max_length=120, required=False, allow_blank=True)
    phone = TextField(max_length=32)
    address = TextField(max_length=500, required=False, allow_blank=True)


class IntakeItemIn(serializers.Serializer):
    platform_item_code = StrictCharField(max_length=60)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    price = MoneyField(
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="The platform's price; used only for open-price items (the menu's wins)",
    )
    note = TextField(max_length=300, required=False, allow_blank=True)
    modifiers = serializers.ListField(
        child=StrictCharField(max_length=60),
        required=False,
        max_length=20,
        help_text="Option codes (SWG-OPT-<id>); a code listed twice is a quantity of 2",
    )


class PlatformOrderIn(serializers.Serializer):
    outlet_code = StrictCharField(max_length=10)
    platform_order_ref = StrictCharField(max_length=80)
    customer = IntakeCustomerIn()
    items = IntakeItemIn(many=True, min_length=1, max_length=MAX_LINES)
    prepaid = serializers.BooleanField(required=False, default=False)
    amount = MoneyField(min_value=Decimal("0"), required=False, allow_null=True)
    instructions = TextField(max_length=1000, required=False, allow_blank=True)


def intake_order(data: dict) -> IntakeOrder:
    customer = data["customer"]
    return IntakeOrder(
        platform_order_ref=data["platform_order_ref"],
        customer_name=customer.get("name", ""),
        customer_phone=customer["phone"],
        customer_address=customer.get("address", ""),
        items=[
            IntakeLine(
                platform_item_code=line["platform_item_code"],
                quantity=line["quantity"],
                price=line.get("price"),
                note=line.get("note", ""),
                modifiers=tuple(line.get("modifiers", ())),
            )
            for line in data["items"]
        ],
        prepaid=data.get("prepaid", False),
        amount=data.get("amount"),
        instructions=data.get("instructions", ""),
    )


class PlatformOrderOut(serializers.Serializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    status = serializers.CharField()


class PlatformCancelIn(serializers.Serializer):
    outlet_code = StrictCharField(max_length=10)
    reason = TextField(max_length=500, required=False, allow_blank=True)


class RejectIn(serializers.Serializer):
    reason = TextField(max_length=1000)
