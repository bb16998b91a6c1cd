"""KOTs in and out (CONTRACT 5; docs/api.md "Kitchen (KOT)").

Pass KOTs loaded by hub.selectors.kitchen (kots_prefetched): nothing here queries
per ticket or per line. `allowed_statuses` is for the caller: pass them as
`context={"by": staff}` (kot_representation does).
"""

from __future__ import annotations

from rest_framework import serializers

from hub.models import Kot, KotLine, OrderItem, Staff
from hub.selectors.kitchen import kot_line_voided_quantity, kot_sent_by_name, kot_waiter_name
from hub.services.kitchen import ITEM_BUMP_STATUSES
from hub.services.kitchen_ack import kot_unseen_alert

from .orders import (
    AllowedItemStatusesField,
    AllowedKotStatusesField,
    KitchenRefOut,
    RefOut,
    TableRefOut,
)


class KotStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Kot.Status.values)


class KotItemStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[str(s) for s in ITEM_BUMP_STATUSES])


class KitchenKotsQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Kot.Status.values,
        required=False,
        help_text="Only tickets in this status; without it, every ticket not yet served",
    )
    date = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD: only tickets of this outlet-local business day",
    )


class KotLineModifierOut(serializers.Serializer):
    option_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()


class KotLineOut(serializers.Serializer):
    order_item_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField(help_text="As sent: frozen on the ticket")
    note = serializers.CharField()
    status = serializers.ChoiceField(
        source="order_item.status",
        choices=OrderItem.Status.values,
        help_text="The line's own status (item-level bump, CONTRACT 13); void when taken back",
    )
    modifiers = KotLineModifierOut(many=True, help_text="The options chosen, as sent; [] when none")
    voided_quantity = serializers.SerializerMethodField(
        help_text="How much of this line was taken back since (removed or reduced); 0 on void tickets"
    )
    voided = serializers.SerializerMethodField(help_text="The whole line was taken back")

    def get_voided_quantity(self, line: KotLine) -> int:
        return kot_line_voided_quantity(line)

    def get_voided(self, line: KotLine) -> bool:
        voided = kot_line_voided_quantity(line)
        return voided > 0 and voided >= line.quantity


class KotOrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="number")
    status = serializers.CharField()
    order_type = RefOut()
    table = TableRefOut(allow_null=True)
    guests = serializers.IntegerField(allow_null=True)
    platform_name = serializers.SerializerMethodField(
        help_text='The delivery platform of a platform order ("Swiggy"); null otherwise'
    )
    platform_order_ref = serializers.SerializerMethodField(
        help_text="The platform's ref of that order, to match the bag; null otherwise"
    )

    def get_platform_name(self, order) -> str | None:
        return order.platform.name if order.platform_id else None

    def get_platform_order_ref(self, order) -> str | None:
        return (order.platform_order_ref or None) if order.platform_id else None


class KotOut(serializers.Serializer):
    id = serializers.IntegerField()
    kot_number = serializers.CharField(source="number")
    kind = serializers.ChoiceField(choices=Kot.Kind.values)
    status = serializers.ChoiceField(choices=Kot.Status.values)
    course = serializers.IntegerField(help_text="1-5; a held KOT waits for its course to be fired")
    kitchen = KitchenRefOut()
    order = KotOrderOut()
    waiter_name = serializers.SerializerMethodField(help_text="The order's waiter (who opened it)")
    sent_by_name = serializers.SerializerMethodField(help_text="Who sent this ticket")
    voids_kot_id = serializers.IntegerField(source="voids_id", allow_null=True)
    voids_kot_number = serializers.SerializerMethodField()
    reason = serializers.CharField()
    print_count = serializers.IntegerField()
    sent_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it went live in the kitchen (sent, or fired); null while held",
    )
    seen_at = serializers.DateTimeField(
        allow_null=True, help_text="When a screen of its kitchen first drew it (kot.seen)"
    )
    business_date = serializers.DateField()
    items = KotLineOut(source="lines.all", many=True)
    allowed_statuses = AllowedKotStatusesField()
    allowed_item_statuses = AllowedItemStatusesField()
    unseen_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the acknowledgement timer found it unseen (printed, kot.unseen raised)",
    )
    unseen = serializers.SerializerMethodField(
        help_text="NOT SEEN now: kot.unseen was raised for it and it has not moved since "
        "(the expo and the waiter tablet show it loudly)"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_waiter_name(self, kot: Kot) -> str | None:
        return kot_waiter_name(kot.order)

    def get_sent_by_name(self, kot: Kot) -> str | None:
        return kot_sent_by_name(kot)

    def get_voids_kot_number(self, kot: Kot) -> str | None:
        return kot.voids.number if kot.voids_id else None

    def get_unseen(self, kot: Kot) -> bool:
        return kot_unseen_alert(kot)


class KotSendOut(KotOut):
    kots = KotOut(
        many=True, help_text="Every KOT of this send, one per kitchen (the first is `data`)"
    )


def kot_representation(kot: Kot, *, by: Staff) -> dict:
    return KotOut(kot, context={"by": by}).data


def kots_representation(kots, *, by: Staff) -> list[dict]:
    return KotOut(kots, many=True, context={"by": by}).data


def kot_send_representation(kots: list[Kot], *, by: Staff) -> dict:
    """CONTRACT 5: the first KOT, plus `kots` listing every KOT of the send."""
    listed = kots_representation(kots, by=by)
    return {**listed[0], "kots": listed}
