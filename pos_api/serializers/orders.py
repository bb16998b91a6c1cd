"""Orders in and out: input serializers per endpoint and the full order representation
(CONTRACT 4; docs/api.md "Orders and money").

`order_representation(order, by=staff)` is the one shape every endpoint answers with
(orders, payments, KOTs): pass an order loaded by hub.selectors.orders.order_get
so nothing is queried per row. What the caller may do next (`allowed_actions`,
`allowed_statuses`, and each KOT's `allowed_statuses`) comes from hub/services, for
the staff in `context["by"]` (docs/api.md "What the caller may do next").
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.models import Kot, Order, OrderItem, Staff
from hub.services.checks import check_data
from hub.services.kitchen import (
    ITEM_BUMP_STATUSES,
    course_to_fire,
    kot_item_statuses_for,
    kot_statuses_for,
    staff_kitchen_ids,
)
from hub.services.order_actions import (
    ORDER_ACTIONS,
    order_allowed_actions,
    order_allowed_statuses,
)
from hub.services.order_lines import MAX_COURSE, MAX_OPTION_QUANTITY, MIN_COURSE, ModifierInput
from hub.services.order_pricing import item_line_total
from hub.services.orders import MAX_GUESTS, MAX_QUANTITY, ItemInput
from hub.upi import order_upi_uri

from ..schema import NOT_BLANK, null_only, request_shapes
from .common import MoneyField, StrictCharField, StrictIntegerField

MAX_ID = 2**63 - 1
MAX_LINES = 200


def _no_lone_surrogates(value: str) -> None:
    # JSON may carry "\ud800"; PostgreSQL cannot store it, so refuse it here (400, not 500).
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise serializers.ValidationError("Contains characters that are not valid text.") from exc


class TextField(StrictCharField):
    """Text as a JSON string only (`"note": 12` is a client bug, not a note)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_no_lone_surrogates)


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField echoes a bad value in its message; a lone surrogate there would
    make the error response itself unrenderable (a 500), so refuse it first."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            _no_lone_surrogates(data)
        return super().to_internal_value(data)


def IdField(**kwargs) -> StrictIntegerField:  # noqa: N802 - reads like a field class
    return StrictIntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def VersionField() -> StrictIntegerField:  # noqa: N802
    return StrictIntegerField(min_value=1, max_value=2**31 - 1, required=False)


# --- in -------------------------------------------------------------------------------

MAX_MODIFIERS = 30


class ModifierIn(serializers.Serializer):
    option_id = IdField()
    quantity = StrictIntegerField(
        min_value=1, max_value=MAX_OPTION_QUANTITY, required=False, help_text="Default 1"
    )


def ModifiersField(**kwargs) -> ModifierIn:  # noqa: N802 - reads like a field class
    return ModifierIn(
        many=True,
        required=False,
        max_length=MAX_MODIFIERS,
        help_text="Options chosen for this line (CONTRACT 11); on a kept line, leave out to "
        "keep its options",
        **kwargs,
    )


class OrderItemIn(serializers.Serializer):
    menu_item_id = IdField()
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    price = MoneyField(
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="The item's own price (the menu's); chosen options are priced on top",
    )
    note = TextField(max_length=300, required=False, allow_blank=True)
    modifiers = ModifiersField()
    course = StrictIntegerField(
        min_value=MIN_COURSE,
        max_value=MAX_COURSE,
        required=False,
        help_text="The course this line is served in, 1-5 (default 1, CONTRACT 13)",
    )


@request_shapes(
    {"required": ["id"], "properties": {"id": {"type": "integer"}}},
    {"required": ["menu_item_id"], "properties": {"menu_item_id": {"type": "integer"}}},
)
class OrderItemUpdateIn(serializers.Serializer):
    id = IdField(required=False, allow_null=True, help_text="Keep this line; leave out to add one")
    menu_item_id = IdField(required=False, allow_null=True, help_text="Required for a new line")
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    price = MoneyField(min_value=Decimal("0"), required=False, allow_null=True)
    note = TextField(max_length=300, required=False, allow_blank=True, allow_null=True)
    modifiers = ModifiersField()
    course = StrictIntegerField(
        min_value=MIN_COURSE,
        max_value=MAX_COURSE,
        required=False,
        allow_null=True,
        help_text="1-5; a new line defaults to 1, a kept line keeps its course; a line "
        "already sent cannot change course (409 item_already_sent)",
    )

    def validate(self, attrs):
        if attrs.get("id") is None and attrs.get("menu_item_id") is None:
            raise serializers.ValidationError({"menu_item_id": ["A new line needs menu_item_id."]})
        return attrs


class DiscountFields(serializers.Serializer):
    discount_type = ChoiceField(choices=["percent", "fixed"], required=False, allow_null=True)
    discount_value = MoneyField(min_value=Decimal("0"), required=False, allow_null=True)
    coupon_code = TextField(max_length=40, required=False, allow_null=True, allow_blank=True)


# One discount at most: a manual one (type and value together, a percent at most 100) or
# a coupon, never both. (`not` rather than `enum`: see pos_api/schema.py null_only.)
# DRF trims text: a coupon_code of spaces is no coupon.
NO_COUPON = {"type": "string", "nullable": True, "not": {"pattern": NOT_BLANK}}
MANUAL_DISCOUNTS = [
    {
        "required": ["discount_type", "discount_value"],
        "properties": {
            "discount_type": {"type": "string", "not": {"enum": ["fixed"]}},
            "discount_value": {"type": "number", "maximum": 100},
            "coupon_code": NO_COUPON,
        },
    },
    {
        "required": ["discount_type", "discount_value"],
        "properties": {
            "discount_type": {"type": "string", "not": {"enum": ["percent"]}},
            "discount_value": {"type": "number"},
            "coupon_code": NO_COUPON,
        },
    },
]
NO_MANUAL_DISCOUNT = {
    "properties": {"discount_type": null_only("string"), "discount_value": null_only("number")}
}


@request_shapes(*MANUAL_DISCOUNTS, NO_MANUAL_DISCOUNT)
class OrderCreateIn(DiscountFields):
    order_type_id = IdField()
    table_id = IdField(required=False, allow_null=True)
    customer_id = IdField(required=False, allow_null=True)
    items = OrderItemIn(many=True, required=False, max_length=MAX_LINES)
    notes = TextField(max_length=1000, required=False, allow_blank=True)
    guests = StrictIntegerField(min_value=1, max_value=MAX_GUESTS, required=False, allow_null=True)
    discount_reason = TextField(max_length=200, required=False, allow_blank=True)
    platform_id = IdField(required=False, allow_null=True)
    platform_order_ref = TextField(max_length=80, required=False, allow_blank=True)


class OrderUpdateIn(serializers.Serializer):
    customer_id = IdField(required=False, allow_null=True)
    table_id = IdField(required=False, allow_null=True)
    notes = TextField(max_length=1000, required=False, allow_blank=True)
    guests = StrictIntegerField(min_value=1, max_value=MAX_GUESTS, required=False, allow_null=True)
    items = OrderItemUpdateIn(many=True, required=False, max_length=MAX_LINES)
    void_reason = TextField(max_length=200, required=False, allow_blank=True)
    version = VersionField()


@request_shapes(
    {"properties": {"status": {"type": "string", "not": {"enum": [Order.Status.CANCELLED.value]}}}},
    {"required": ["reason"], "properties": {"reason": {"type": "string", "pattern": NOT_BLANK}}},
)
class OrderStatusIn(serializers.Serializer):
    status = ChoiceField(choices=Order.Status.values)
    reason = TextField(max_length=1000, required=False, allow_blank=True)
    version = VersionField()


class ApprovalIn(serializers.Serializer):
    """A manager's approval in the same request (docs/api.md "Manager approval")."""

    token = StrictCharField(
        max_length=200, help_text="A manager's Bearer token (POST /auth/login as the manager)"
    )


class OrderCancelIn(serializers.Serializer):
    reason = TextField(max_length=1000)
    version = VersionField()
    approved_by = ApprovalIn(
        required=False, help_text="A manager approving the cancellation of a billed order"
    )


@request_shapes(
    *MANUAL_DISCOUNTS,
    {
        "required": ["coupon_code"],
        "properties": {
            **NO_MANUAL_DISCOUNT["properties"],
            "coupon_code": {"type": "string", "pattern": NOT_BLANK},
        },
    },
)
class OrderDiscountIn(DiscountFields):
    reason = TextField(max_length=200, required=False, allow_blank=True)
    version = VersionField()
    approved_by = ApprovalIn(
        required=False,
        help_text="A manager approving a discount above the caller's limit",
    )

    def validate(self, attrs):
        manual = attrs.get("discount_type") is not None or attrs.get("discount_value") is not None
        coupon = bool(attrs.get("coupon_code"))
        if manual == coupon:
            raise serializers.ValidationError(
                "Send discount_type and discount_value, or coupon_code (one of the two)."
            )
        if manual and (attrs.get("discount_type") is None or attrs.get("discount_value") is None):
            raise serializers.ValidationError(
                {"discount_value": ["Send discount_type and discount_value together."]}
            )
        return attrs


class OrderFireIn(serializers.Serializer):
    course = StrictIntegerField(
        min_value=MIN_COURSE, max_value=MAX_COURSE, help_text="Fire courses up to this one"
    )


class OrderListQuery(serializers.Serializer):
    status = ChoiceField(choices=Order.Status.values, required=False)
    table_id = IdField(required=False)
    date = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD, the outlet's local business day",
    )
    payment_status = ChoiceField(choices=Order.PaymentStatus.values, required=False)
    order_type_id = IdField(required=False)
    customer_id = IdField(required=False)


@request_shapes(
    {"required": ["order_id"], "properties": {"order_id": {"type": "integer"}}},
    {"required": ["subtotal"], "properties": {"subtotal": {"type": "number"}}},
)
class CouponValidateIn(serializers.Serializer):
    code = TextField(max_length=40)
    order_id = IdField(required=False, allow_null=True)
    subtotal = MoneyField(min_value=Decimal("0"), required=False, allow_null=True)
    order_type_id = IdField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("order_id") is None and attrs.get("subtotal") is None:
            raise serializers.ValidationError("Send order_id, or subtotal (and order_type_id).")
        return attrs


def item_inputs(lines: list[dict] | None) -> list[ItemInput]:
    return [
        ItemInput(
            id=line.get("id"),
            menu_item_id=line.get("menu_item_id"),
            quantity=line["quantity"],
            price=line.get("price"),
            note=line.get("note"),
            course=line.get("course"),
            modifiers=None if line.get("modifiers") is None else modifier_inputs(line["modifiers"]),
        )
        for line in (lines or [])
    ]


def modifier_inputs(modifiers: list[dict] | None) -> tuple[ModifierInput, ...]:
    return tuple(
        ModifierInput(option_id=m["option_id"], quantity=m.get("quantity", 1))
        for m in (modifiers or ())
    )


# --- out ------------------------------------------------------------------------------


def Money() -> MoneyField:  # noqa: N802
    return MoneyField(max_digits=14, read_only=True)


class RefOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TableRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CustomerRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()


class LineModifierOut(serializers.Serializer):
    """One option chosen for a line, as it was priced when chosen (CONTRACT 11)."""

    option_id = serializers.IntegerField()
    group_id = serializers.IntegerField()
    name = serializers.CharField()
    price = MoneyField(max_digits=14)
    quantity = serializers.IntegerField()


class LinePriceIn(serializers.Serializer):
    """`POST /menu/items/{id}/price`: the options a chooser holds (docs/api.md
    "Pricing a choice")."""

    modifiers = ModifierIn(
        many=True, required=False, max_length=MAX_MODIFIERS, help_text="Options picked so far"
    )
    quantity = StrictIntegerField(
        min_value=1, max_value=MAX_QUANTITY, required=False, help_text="Default 1"
    )


class LinePriceOut(serializers.Serializer):
    """What a line of the item with these options costs, priced as an added line is."""

    menu_item_id = serializers.IntegerField(source="menu_item.pk")
    name = serializers.CharField(source="menu_item.name")
    price = MoneyField(source="menu_item.price", help_text="The item's own price")
    modifiers = LineModifierOut(many=True, help_text="The options, in menu order, with prices")
    unit_price = Money()
    quantity = serializers.IntegerField()
    line_total = Money()


class OrderItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    menu_item_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = Money()
    note = serializers.CharField()
    status = serializers.CharField()
    kot_id = serializers.IntegerField(allow_null=True)
    kitchen_id = serializers.IntegerField()
    price_overridden = serializers.BooleanField()
    void_reason = serializers.CharField()
    modifiers = LineModifierOut(many=True, help_text="Options chosen; [] when none")
    course = serializers.IntegerField(help_text="1-5 (CONTRACT 13)")
    line_total = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    )
    def get_line_total(self, item: OrderItem) -> Decimal:
        return item_line_total(item)


class CheckTaxOut(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=False)
    amount = Money()


class CheckLineOut(serializers.Serializer):
    item_id = serializers.IntegerField()
    quantity = serializers.IntegerField()


class CheckOut(serializers.Serializer):
    """One check of a split bill; the shape is hub.services.checks.check_data's."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    items = CheckLineOut(many=True, help_text="The lines it holds; [] for an equal split")
    subtotal = Money()
    discount_amount = Money()
    taxes = CheckTaxOut(many=True)
    tax_total = Money()
    service_charge = Money()
    round_off = Money()
    total = Money()
    paid_total = Money()
    balance_due = Money()
    payment_status = serializers.ChoiceField(choices=Order.PaymentStatus.values)


class PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    method = RefOut()
    amount = Money()
    tip_amount = Money()
    change_due = Money()
    transaction_id = serializers.CharField()
    refunded_amount = Money()
    check_id = serializers.IntegerField(
        source="split_check_id", allow_null=True, help_text="The check it paid; null when not split"
    )
    created_at = serializers.DateTimeField()


class KotItemOut(serializers.Serializer):
    order_item_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    note = serializers.CharField()


class KitchenRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _memo(serializer: serializers.Field, key: str, compute):
    """A fact about the caller read once per answer, however many rows it has (the
    context dict is shared by every nested and listed serializer of one answer)."""
    context = serializer.context
    if key not in context:
        context[key] = compute()
    return context[key]


@extend_schema_field(
    serializers.ListField(child=serializers.ChoiceField(choices=Kot.Status.values))
)
class AllowedKotStatusesField(serializers.Field):
    """What `PUT /kot/{id}/status` accepts now from the caller (`context["by"]`):
    hub.services.kitchen.kot_statuses_for."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The statuses PUT /kot/{id}/status accepts now from you (empty: nothing to do)",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, kot: Kot) -> list[str]:
        by = self.context["by"]
        works = _memo(self, "_kitchen_ids", lambda: staff_kitchen_ids(by))
        return kot_statuses_for(kot=kot, by=by, kitchen_ids=works)


@extend_schema_field(
    serializers.ListField(
        child=serializers.ChoiceField(choices=[str(s) for s in ITEM_BUMP_STATUSES])
    )
)
class AllowedItemStatusesField(serializers.Field):
    """What `PUT /kot/{id}/items/{item_id}/status` accepts now from the caller for this
    ticket's lines: hub.services.kitchen.kot_item_statuses_for."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The statuses PUT /kot/{id}/items/{item_id}/status accepts now from you for this "
            "ticket's lines (empty while held, once served, or for your role)",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, kot: Kot) -> list[str]:
        by = self.context["by"]
        works = _memo(self, "_kitchen_ids", lambda: staff_kitchen_ids(by))
        return kot_item_statuses_for(kot=kot, by=by, kitchen_ids=works)


class KotRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    kot_number = serializers.CharField(source="number")
    kind = serializers.CharField()
    status = serializers.CharField()
    kitchen = KitchenRefOut()
    course = serializers.IntegerField()
    voids_kot_id = serializers.IntegerField(source="voids_id", allow_null=True)
    reason = serializers.CharField()
    items = KotItemOut(source="lines.all", many=True)
    allowed_statuses = AllowedKotStatusesField()
    created_at = serializers.DateTimeField()


class TaxOut(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class DiscountOut(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=3, coerce_to_string=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    coupon_code = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class DriverRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()


class DeliveryOut(serializers.Serializer):
    driver = DriverRefOut(allow_null=True)
    platform = RefOut(allow_null=True)
    status = serializers.CharField(allow_null=True)
    platform_order_ref = serializers.CharField()
    failed_reason = serializers.CharField()


class OrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="number")
    status = serializers.CharField()
    payment_status = serializers.CharField()
    order_type = RefOut()
    table = TableRefOut(allow_null=True)
    customer = CustomerRefOut(allow_null=True)
    guests = serializers.IntegerField(allow_null=True)
    items = OrderItemOut(source="items.all", many=True)
    subtotal = Money()
    discount = serializers.SerializerMethodField()
    taxes = serializers.SerializerMethodField()
    tax_total = Money()
    prices_include_tax = serializers.BooleanField(source="outlet.prices_include_tax")
    service_charge = Money()
    round_off = Money()
    total = Money()
    tip_total = Money()
    paid_total = Money()
    balance_due = Money()
    upi_uri = serializers.SerializerMethodField(
        help_text="UPI link to pay balance_due (CONTRACT 17), for a QR on screen; null when "
        "the outlet has no UPI id or nothing is due"
    )
    payments = PaymentOut(source="payments.all", many=True)
    kots = KotRefOut(source="kots.all", many=True)
    checks = serializers.SerializerMethodField(
        help_text="The checks of a split bill (CONTRACT 12); [] when the bill is not split"
    )
    delivery = serializers.SerializerMethodField()
    notes = serializers.CharField()
    cancel_reason = serializers.CharField()
    business_date = serializers.DateField()
    fired_course = serializers.IntegerField(
        help_text="Courses up to this one go to the kitchen live; later ones are held (CONTRACT 13)"
    )
    course_to_fire = serializers.SerializerMethodField(
        help_text="The course the `fire` action sends next; null when no later course has a line"
    )
    version = serializers.IntegerField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="What you may do with this order now: each is offered iff its endpoint "
        "would accept it from you (docs/api.md)"
    )
    allowed_statuses = serializers.SerializerMethodField(
        help_text="The statuses PUT /orders/{id}/status accepts now from you"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ORDER_ACTIONS)))
    def get_allowed_actions(self, order: Order) -> list[str]:
        printers = _memo(self, "_receipt_printers", dict)
        return order_allowed_actions(order=order, by=self.context["by"], printers=printers)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_course_to_fire(self, order: Order) -> int | None:
        return course_to_fire(order=order, items=order.items.all())

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Order.Status.values))
    )
    def get_allowed_statuses(self, order: Order) -> list[str]:
        return order_allowed_statuses(order=order, by=self.context["by"])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_upi_uri(self, order: Order) -> str | None:
        return order_upi_uri(order)

    @extend_schema_field(DiscountOut(allow_null=True))
    def get_discount(self, order: Order) -> dict | None:
        if order.coupon_id:
            coupon = order.coupon
            return {
                "type": coupon.discount_type,
                "value": coupon.value,
                "amount": order.discount_amount,
                "coupon_code": coupon.code,
                "reason": "",
            }
        if order.discount_type:
            return {
                "type": order.discount_type,
                "value": order.discount_value,
                "amount": order.discount_amount,
                "coupon_code": None,
                "reason": order.discount_reason,
            }
        return None

    @extend_schema_field(TaxOut(many=True))
    def get_taxes(self, order: Order) -> list[dict]:
        return [
            {
                "name": t["name"],
                "rate": Decimal(str(t["rate"])),
                "amount": Decimal(str(t["amount"])),
            }
            for t in (order.taxes or [])
        ]

    @extend_schema_field(CheckOut(many=True))
    def get_checks(self, order: Order) -> list[dict]:
        return [check_data(check) for check in order.checks.all()]

    @extend_schema_field(DeliveryOut(allow_null=True))
    def get_delivery(self, order: Order) -> dict | None:
        if order.order_type.code != "delivery" and not (order.driver_id or order.platform_id):
            return None
        driver, platform = order.driver, order.platform
        return {
            "driver": {"id": driver.pk, "name": driver.name, "phone": driver.phone}
            if driver
            else None,
            "platform": {"id": platform.pk, "code": platform.code, "name": platform.name}
            if platform
            else None,
            "status": order.delivery_status or None,
            "platform_order_ref": order.platform_order_ref,
            "failed_reason": order.delivery_failed_reason,
        }


def order_representation(order: Order, *, by: Staff) -> dict:
    """The full order of CONTRACT 4, for any endpoint that answers with an order; what
    may be done next is `by`'s."""
    return OrderOut(order, context={"by": by}).data


def orders_representation(orders, *, by: Staff) -> list[dict]:
    return OrderOut(orders, many=True, context={"by": by}).data


class CouponOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    description = serializers.CharField()
    discount_type = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=3, coerce_to_string=False)
    min_subtotal = Money()
    max_discount = MoneyField(max_digits=14, read_only=True, allow_null=True)  # null: no cap
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    usage_limit = serializers.IntegerField(allow_null=True)
    used_count = serializers.IntegerField()
    order_type_ids = serializers.SerializerMethodField()

    def get_order_type_ids(self, coupon) -> list[int]:
        return sorted(t.pk for t in coupon.order_types.all())
