"""Splitting an order's bill into checks (CONTRACT 12; docs/api.md "Checks (split bill)").
Both answer with the full order representation, its `checks` included."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import CheckCode, OrderCode
from hub.services import checks as services

from ..routes import api_path
from ..serializers import checks as io
from ..serializers.orders import OrderOut
from .orders import IF_MATCH, OrderApiView

SPLIT_REFUSALS = [
    CheckCode.CHECK_PAID,
    CheckCode.ORDER_HAS_PAYMENTS,
    OrderCode.ORDER_CLOSED,
    CheckCode.NOTHING_TO_SPLIT,
    OrderCode.VERSION_CONFLICT,
]


class OrderSplitApi(OrderApiView):
    permission = "order.split"
    error_codes = {409: SPLIT_REFUSALS}

    @extend_schema(
        request=io.OrderSplitIn,
        responses=OrderOut,
        parameters=[IF_MATCH],
        examples=[OpenApiExample("Three equal parts", value={"equal": 3}, request_only=True)],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.OrderSplitIn)
        order = services.order_split(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            equal=data.get("equal"),
            checks=io.check_parts(data),
            expected_version=self.expected_version(data),
        )
        return self.answer(order)

    @extend_schema(request=None, responses=OrderOut, parameters=[IF_MATCH])
    def delete(self, request, order_id: int):
        order = services.order_unsplit(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            expected_version=self.expected_version({}),
        )
        return self.answer(order)


urlpatterns = [
    *api_path("orders/<int:order_id>/split", OrderSplitApi.as_view(), "order-split"),
]
