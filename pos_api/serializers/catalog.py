"""Reference data out: payment methods, order types, menu, kitchens, drivers, platforms."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .common import MoneyField


class PaymentMethodOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()


class OrderTypeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    requires_table = serializers.BooleanField()
    requires_customer = serializers.BooleanField()


class MenuTaxComponentOut(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.DecimalField(
        max_digits=6, decimal_places=3, coerce_to_string=False, help_text="Percent, e.g. 2.5"
    )


class MenuTaxOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rate = serializers.SerializerMethodField(help_text="Sum of the components, percent")
    components = MenuTaxComponentOut(many=True, source="components.all")

    @extend_schema_field(
        serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=False)
    )
    def get_rate(self, tax) -> Decimal:
        return sum((c.rate for c in tax.components.all()), Decimal("0"))


class MenuKitchenOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ModifierOptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = MoneyField()
    is_available = serializers.BooleanField()


class ModifierGroupOut(serializers.Serializer):
    """CONTRACT 11: min 0 optional, min 1 max 1 a required single choice (a variant);
    max bounds the count of options chosen, quantities included."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    min = serializers.IntegerField(source="min_choices")
    max = serializers.IntegerField(source="max_choices")
    options = ModifierOptionOut(many=True, source="options.all")


class MenuItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = MoneyField()
    tax = MenuTaxOut(source="tax_category", allow_null=True, help_text="null: tax-free")
    kitchen = MenuKitchenOut()
    is_open_price = serializers.BooleanField()
    is_available = serializers.BooleanField()
    modifier_groups = ModifierGroupOut(many=True, source="modifier_groups.all")


class MenuSectionOut(serializers.Serializer):
    id = serializers.IntegerField(
        source="category.id", allow_null=True, help_text="null for items without a category"
    )
    name = serializers.SerializerMethodField()
    items = MenuItemOut(many=True)

    def get_name(self, section) -> str:
        return section.category.name if section.category else "Other"


class KitchenItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category_id = serializers.IntegerField(allow_null=True)
    price = MoneyField()
    is_available = serializers.BooleanField()
    modifier_groups = ModifierGroupOut(many=True, source="modifier_groups.all")


class KitchenPrinterOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KitchenWithItemsOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    printer = KitchenPrinterOut(allow_null=True)
    items = KitchenItemOut(many=True, source="menu_items.all")
    screens_connected = serializers.IntegerField(
        help_text="Kitchen screens connected to its stream now, on every hub worker; "
        "0 means tickets reach the kitchen only on paper (docs/realtime.md)"
    )
    last_seen_at = serializers.DateTimeField(
        source="screens_last_seen_at",
        allow_null=True,
        help_text="When a screen of it was last connected (now-ish while one is); null if never",
    )


class DeliveryDriverOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    staff_id = serializers.IntegerField(allow_null=True)
    is_available = serializers.BooleanField()
    active_deliveries = serializers.IntegerField(
        help_text="Orders assigned to the driver, not delivered or failed, not cancelled"
    )


class DeliveryPlatformOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class StrictBooleanField(serializers.BooleanField):
    """true or false as JSON booleans only: "no", 0 or "false" are a 400, not a guess."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class MenuItemAvailabilityIn(serializers.Serializer):
    is_available = StrictBooleanField()


class MenuItemAvailabilityOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kitchen_id = serializers.IntegerField()
    is_available = serializers.BooleanField()


class ModifierOptionAvailabilityOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    group_id = serializers.IntegerField()
    menu_item_id = serializers.IntegerField(source="group.menu_item_id")
    is_available = serializers.BooleanField()
