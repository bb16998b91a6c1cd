"""Moving and merging tables in (docs/api.md "Moving and merging tables")."""

from __future__ import annotations

from rest_framework import serializers

from .orders import IdField, VersionField


class TransferTableIn(serializers.Serializer):
    table_id = IdField()
    version = VersionField()


class MergeIn(serializers.Serializer):
    source_order_id = IdField(help_text="The order whose items move into this one; it is cancelled")
    version = VersionField()
