"""GET /api/v1/pos/me out (docs/api.md "Screens")."""

from __future__ import annotations

from rest_framework import serializers

from .common import OutletOut


class ScreenOutletOut(OutletOut):
    timezone = serializers.CharField()
    currency = serializers.CharField()
    kds_warn_minutes = serializers.IntegerField(
        help_text="A kitchen ticket older than this shows as warning (amber)"
    )
    kds_late_minutes = serializers.IntegerField(
        help_text="A kitchen ticket older than this shows as late (red)"
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
