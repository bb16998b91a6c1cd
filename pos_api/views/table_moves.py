"""Moving an order to another table and merging two orders (docs/api.md "Moving and
merging tables"). Both answer with the full order representation (the target's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import CheckCode, OrderCode, TableCode
from hub.services import table_moves as services

from ..routes import api_path
from ..serializers import table_moves as io
from ..serializers.orders import OrderOut
from .orders import IF_MATCH, OrderApiView


class TransferTableApi(OrderApiView):
    permission = "order.transfer"
    error_codes = {
        409: [TableCode.TABLE_OCCUPIED, OrderCode.ORDER_CLOSED, OrderCode.VERSION_CONFLICT],
        422: [TableCode.NOT_A_DINE_IN_ORDER],
    }

    @extend_schema(
        request=io.TransferTableIn,
        responses=OrderOut,
        parameters=[IF_MATCH],
        examples=[OpenApiExample("To table 8", value={"table_id": 8}, request_only=True)],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.TransferTableIn)
        order = services.order_transfer_table(
            order_id=order_id,
            outlet=self.outlet,
            table_id=data["table_id"],
            by=self.staff,
            expected_version=self.expected_version(data),
        )
        return self.answer(order)


class MergeApi(OrderApiView):
    permission = "order.transfer"
    error_codes = {
        409: [
            OrderCode.ORDER_CLOSED,
            OrderCode.ORDER_BILLED,
            CheckCode.ORDER_HAS_PAYMENTS,
            OrderCode.VERSION_CONFLICT,
        ],
        422: [TableCode.NOT_A_DINE_IN_ORDER],
    }

    @extend_schema(
        request=io.MergeIn,
        responses=OrderOut,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Bring order 124 into this one",
                value={"source_order_id": 124},
                description="source_order_id: another open dine-in order of the outlet.",
                request_only=True,
            )
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.MergeIn)
        order = services.order_merge(
            order_id=order_id,
            outlet=self.outlet,
            source_order_id=data["source_order_id"],
            by=self.staff,
            expected_version=self.expected_version(data),
        )
        return self.answer(order)


urlpatterns = [
    *api_path(
        "orders/<int:order_id>/transfer-table", TransferTableApi.as_view(), "order-transfer-table"
    ),
    *api_path("orders/<int:order_id>/merge", MergeApi.as_view(), "order-merge"),
]
