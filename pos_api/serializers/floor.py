"""Tables in and out (docs/api.md "Tables")."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.models import Table
from hub.selectors.floor import table_current_order
from hub.services.tables import MAX_GUESTS

from .common import MoneyField, StrictIntegerField


class TableOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="number")
    status = serializers.CharField()
    total = MoneyField()


class TableOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    seats = serializers.IntegerField()
    area = serializers.CharField()
    status = serializers.ChoiceField(choices=Table.Status.values)
    guests = serializers.IntegerField(allow_null=True)
    status_changed_at = serializers.DateTimeField(allow_null=True)
    occupied_since = serializers.SerializerMethodField()
    occupied_minutes = serializers.SerializerMethodField()
    current_order = serializers.SerializerMethodField()

    def _since(self, table: Table):
        if table.status != Table.Status.OCCUPIED:
            return None
        order = table_current_order(table)
        # A walk-in seated at the host stand has a status change but maybe no order yet;
        # an order opened on a free table counts from the order if the change is older.
        candidates = [
            t for t in (table.status_changed_at, order.created_at if order else None) if t
        ]
        return min(candidates) if candidates else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_occupied_since(self, table: Table) -> str | None:
        since = self._since(table)
        return serializers.DateTimeField().to_representation(since) if since else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_occupied_minutes(self, table: Table) -> int | None:
        since = self._since(table)
        if since is None:
            return None
        return max(0, int((timezone.now() - since).total_seconds() // 60))

    @extend_schema_field(TableOrderOut(allow_null=True))
    def get_current_order(self, table: Table) -> dict | None:
        order = table_current_order(table)
        return TableOrderOut(order).data if order else None


class TableListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Table.Status.values, required=False)
    area = serializers.CharField(required=False, max_length=40)


class TableStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Table.Status.values)
    guests = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_GUESTS,
        help_text="Party size, for `occupied` (walk-in seating)",
    )
