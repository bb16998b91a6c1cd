"""Split bills in (CONTRACT 12; docs/api.md "Checks (split bill)"); the checks go out in the
order representation (pos_api/serializers/orders.py CheckOut)."""

from __future__ import annotations

from rest_framework import serializers

from hub.services.checks import MAX_PARTS, MIN_PARTS, CheckPart

from ..schema import request_shapes
from .common import StrictIntegerField
from .orders import IdField, VersionField

MAX_LINES_PER_CHECK = 200


class CheckPartIn(serializers.Serializer):
    item_id = IdField(help_text="The order line's id (items[].id)")
    quantity = StrictIntegerField(min_value=1, max_value=999)


class CheckIn(serializers.Serializer):
    items = CheckPartIn(many=True, max_length=MAX_LINES_PER_CHECK, allow_empty=False)


@request_shapes(
    {"required": ["equal"], "properties": {"equal": {"type": "integer"}}},
    {"required": ["checks"], "properties": {"checks": {"type": "array"}}},
    exactly_one=True,  # equal parts or explicit checks, never both (CONTRACT 12)
)
class OrderSplitIn(serializers.Serializer):
    equal = StrictIntegerField(
        min_value=MIN_PARTS,
        max_value=MAX_PARTS,
        required=False,
        help_text=f"{MIN_PARTS}-{MAX_PARTS} equal parts",
    )
    checks = CheckIn(
        many=True,
        required=False,
        min_length=MIN_PARTS,
        max_length=MAX_PARTS,
        help_text="Every non-void line's whole quantity placed exactly once",
    )
    version = VersionField()

    def validate(self, attrs):
        if ("equal" in attrs) == ("checks" in attrs):
            raise serializers.ValidationError("Send equal (a number of parts) or checks.")
        return attrs


def check_parts(data: dict) -> list[list[CheckPart]] | None:
    if "checks" not in data:
        return None
    return [
        [CheckPart(item_id=p["item_id"], quantity=p["quantity"]) for p in check["items"]]
        for check in data["checks"]
    ]
