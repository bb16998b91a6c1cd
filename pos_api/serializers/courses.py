"""The pass out (CONTRACT 13; docs/api.md "Courses, firing and the expo"): one row per
order with every kitchen's KOTs not yet served (the kitchen's KOT representation), and
whether the order is ready at the pass (hub.services.kitchen.kots_ready_at_pass)."""

from __future__ import annotations

from rest_framework import serializers

from hub.models import Kot, Order, Staff
from hub.services.kitchen import COOKING_KINDS, kots_ready_at_pass, order_serve_refusal
from hub.services.order_actions import ORDER_ACTIONS

from .kitchen import KotOut
from .orders import TableRefOut


class ExpoOrderOut(serializers.Serializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    order_type = serializers.CharField(help_text="The order type's code")
    status = serializers.ChoiceField(choices=Order.Status.values)
    table = TableRefOut(allow_null=True)
    fired_course = serializers.IntegerField()
    ready = serializers.BooleanField(
        help_text="Ready at the pass: every fired KOT not yet served is food_ready"
    )
    allowed_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=ORDER_ACTIONS),
        help_text='["serve"] when you may serve its ready KOTs now (POST /orders/{id}/serve)',
    )
    kots = KotOut(many=True, help_text="Its KOTs not yet served, every kitchen, in arrival order")


def expo_representation(orders: list[Order], kots: list[Kot], *, by: Staff) -> list[dict]:
    by_order: dict[int, list[Kot]] = {order.pk: [] for order in orders}
    for kot in kots:
        by_order[kot.order_id].append(kot)
    rows = []
    context = {"by": by}
    for order in orders:
        tickets = by_order[order.pk]
        any_ready = any(
            k.kind in COOKING_KINDS and k.status == Kot.Status.FOOD_READY for k in tickets
        )
        serve = order_serve_refusal(order=order, any_ready=any_ready, by=by) is None
        rows.append(
            {
                "order_id": order.pk,
                "order_number": order.number,
                "order_type": order.order_type.code,
                "status": order.status,
                "table": {"id": order.table.pk, "name": order.table.name}
                if order.table_id
                else None,
                "fired_course": order.fired_course,
                "ready": kots_ready_at_pass((k.kind, k.status) for k in tickets),
                "allowed_actions": ["serve"] if serve else [],
                "kots": KotOut(tickets, many=True, context=context).data,
            }
        )
    return rows
