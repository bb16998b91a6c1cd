"""GET /api/v1/pos/me out (docs/api.md "Screens")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.models import Kot, Order
from hub.selectors.screens import ScreenContext
from hub.services.delivery import delivery_own_statuses
from hub.services.kitchen import kot_role_statuses
from hub.services.order_actions import ORDER_ACTIONS, order_role_actions

from .common import OutletOut


class ScreenOutletOut(OutletOut):
    timezone = serializers.CharField()
    currency = serializers.CharField()
    locale = serializers.CharField(
        help_text="How money reads at the outlet (en_IN: ₹12,34,567.00): the screens format "
        "the API's plain amounts with Intl.NumberFormat(locale, currency), the paper with "
        'Babel, so both group alike (docs/screens.md "Money on screens")'
    )
    kds_warn_minutes = serializers.IntegerField(
        help_text="A kitchen ticket older than this shows as warning (amber)"
    )
    kds_late_minutes = serializers.IntegerField(
        help_text="A kitchen ticket older than this shows as late (red)"
    )
    kot_ack_seconds = serializers.IntegerField(
        help_text="A ticket no kitchen screen drew within this long is printed and raised "
        "as unseen (0: off)"
    )


class ScreenStaffOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    username = serializers.CharField()
    role = serializers.CharField()


class ScreenKitchenOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeOut(serializers.Serializer):
    staff = ScreenStaffOut()
    outlet = ScreenOutletOut(source="staff.outlet")
    kitchens = ScreenKitchenOut(
        many=True, help_text="Kitchens this user may watch: a kitchen user's own, else all"
    )
    driver_id = serializers.IntegerField(
        allow_null=True, help_text="The user's driver profile (their /ws/v1/drivers/{id}/ stream)"
    )
    kot_statuses = serializers.SerializerMethodField(
        help_text="Per kitchen id and KOT kind, the statuses you may move such a ticket to: "
        "a screen intersects a kot.* event's allowed_statuses with it (docs/screens.md)"
    )
    order_actions = serializers.SerializerMethodField(
        help_text="The order actions your role may do on some order: a screen drawing an "
        "action from an event (the expo's serve) intersects the event's facts with it"
    )
    delivery_statuses = serializers.SerializerMethodField(
        help_text="The delivery statuses you may set on deliveries assigned to you: a phone "
        "intersects a delivery.* event's allowed_delivery_statuses with it"
    )

    @extend_schema_field(
        serializers.DictField(
            child=serializers.DictField(
                child=serializers.ListField(
                    child=serializers.ChoiceField(choices=Kot.Status.values)
                )
            )
        )
    )
    def get_kot_statuses(self, context: ScreenContext) -> dict:
        statuses = kot_role_statuses(
            by=context.staff, kitchen_ids=[kitchen.pk for kitchen in context.kitchens]
        )
        return {str(kitchen_id): kinds for kitchen_id, kinds in statuses.items()}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ORDER_ACTIONS)))
    def get_order_actions(self, context: ScreenContext) -> list[str]:
        return order_role_actions(by=context.staff)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Order.DeliveryStatus.values))
    )
    def get_delivery_statuses(self, context: ScreenContext) -> list[str]:
        return delivery_own_statuses(by=context.staff, driver_id=context.driver_id)
