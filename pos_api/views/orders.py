"""Orders, discounts and coupons over REST (CONTRACT 4 and 4a; docs/api.md "Orders and money").

Thin: validate, call one service, answer with the full order representation
re-read through hub.selectors.orders (a fixed number of queries).
"""

from __future__ import annotations

import re

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from hub.errors import (
    ApprovalCode,
    CheckCode,
    KitchenCode,
    OrderCode,
    PaymentCode,
    RequestCode,
    TableCode,
    ValidationFailed,
)
from hub.models import Order
from hub.selectors import orders as selectors
from hub.services import coupons as coupon_services
from hub.services import orders as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers import orders as io
from .base import HubApiView

# `"3"`, `W/"3"` or `3`; empty or `*` mean "any version". The schema documents exactly
# this, so a header it allows is never a 400 (docs/api.md "Versions").
IF_MATCH_PATTERN = r'^(?:\*|(?:W/)?"[0-9]{1,9}"|[0-9]{1,9})?$'
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    description='The order version this change is for, e.g. `"3"`: a stale one answers 409 '
    "version_conflict",
)


def if_match_version(request) -> int | None:
    """`If-Match: "3"` (or W/"3", or 3) -> 3; absent, empty or * -> None; anything else is a 400."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    if not _IF_MATCH.fullmatch(raw):
        raise ValidationFailed(fields={"If-Match": ['Send the order version, e.g. If-Match: "3".']})
    digits = raw.removeprefix("W/").strip('"')
    return int(digits) if digits not in ("", "*") else None


class OrderApiView(HubApiView):
    def check_request(self, request) -> None:
        super().check_request(request)
        if_match_version(request)

    def expected_version(self, data: dict) -> int | None:
        header = if_match_version(self.request)
        body = data.get("version")
        if header is not None and body is not None and header != body:
            raise ValidationFailed(fields={"version": ["version and If-Match disagree."]})
        return body if body is not None else header

    def answer(self, order: Order, *, status: int = 200):
        fresh = selectors.order_get(outlet=self.outlet, order_id=order.pk)
        return ok(io.order_representation(fresh, by=self.staff), status=status)


# The refusals of docs/api.md "Error codes of this area", per operation, for the schema.
LINE_RULES = [
    OrderCode.PRICE_MISMATCH,
    OrderCode.ITEM_UNAVAILABLE,
    OrderCode.MODIFIER_RULE,
    OrderCode.DISCOUNT_LIMIT_EXCEEDED,
    OrderCode.COUPON_INVALID,
]


class OrderListCreateApi(OrderApiView):
    permission = {"GET": "order.read", "POST": "order.create"}
    paginated = {"GET": True}
    error_codes = {"POST": {409: [TableCode.TABLE_OCCUPIED], 422: LINE_RULES}}

    @extend_schema(parameters=[io.OrderListQuery], responses=io.OrderOut(many=True))
    def get(self, request):
        query = self.validated_query(io.OrderListQuery)
        page, per_page = self.paging()
        queryset = selectors.orders_list(
            outlet=self.outlet,
            staff=self.staff,
            status=query.get("status"),
            table_id=query.get("table_id"),
            business_date=query.get("date"),
            payment_status=query.get("payment_status"),
            order_type_id=query.get("order_type_id"),
            customer_id=query.get("customer_id"),
        )
        total = queryset.count()
        rows = list(queryset[(page - 1) * per_page : page * per_page])
        return ok_page(
            io.orders_representation(rows, by=self.staff), page=page, per_page=per_page, total=total
        )

    @extend_schema(
        request=io.OrderCreateIn,
        responses={201: io.OrderOut},
        examples=[
            OpenApiExample(
                "Dine-in with a 10% discount (the API reference's own)",
                value={
                    "order_type_id": 1,
                    "table_id": 5,
                    "customer_id": 10,
                    "items": [
                        {"menu_item_id": 15, "quantity": 2, "price": 12.99, "note": "No onions"}
                    ],
                    "discount_type": "percent",
                    "discount_value": 10,
                },
                description="A waiter may give no discount (403); a cashier up to 10%.",
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.validated(io.OrderCreateIn)
        order = services.order_create(
            outlet=self.outlet,
            by=self.staff,
            order_type_id=data["order_type_id"],
            items=io.item_inputs(data.get("items")),
            table_id=data.get("table_id"),
            customer_id=data.get("customer_id"),
            notes=data.get("notes", ""),
            guests=data.get("guests"),
            discount_type=data.get("discount_type"),
            discount_value=data.get("discount_value"),
            discount_reason=data.get("discount_reason", ""),
            coupon_code=data.get("coupon_code") or None,
            platform_id=data.get("platform_id"),
            platform_order_ref=data.get("platform_order_ref", ""),
        )
        return self.answer(order, status=201)


class OrderDetailApi(OrderApiView):
    permission = {"GET": "order.read", "PUT": "order.update"}
    error_codes = {
        "PUT": {
            409: [
                OrderCode.VERSION_CONFLICT,
                TableCode.TABLE_OCCUPIED,
                OrderCode.ORDER_BILLED,
                OrderCode.ORDER_CLOSED,
                OrderCode.ITEM_ALREADY_SENT,
                OrderCode.ITEM_VOID,
                PaymentCode.PAYMENTS_EXCEED_TOTAL,
                CheckCode.CHECK_PAID,
            ],
            422: LINE_RULES,
        }
    }

    @extend_schema(responses=io.OrderOut)
    def get(self, request, order_id: int):
        order = selectors.order_get(outlet=self.outlet, order_id=order_id, staff=self.staff)
        return ok(io.order_representation(order, by=self.staff))

    @extend_schema(
        request=io.OrderUpdateIn,
        responses=io.OrderOut,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Set the customer and a note",
                value={"customer_id": 10, "notes": "Birthday: dessert with a candle"},
                request_only=True,
            )
        ],
    )
    def put(self, request, order_id: int):
        data = self.validated(io.OrderUpdateIn)
        changes = {
            key: data[key] for key in ("customer_id", "table_id", "notes", "guests") if key in data
        }
        if "items" in data:
            changes["items"] = io.item_inputs(data["items"])
        order = services.order_update(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            expected_version=self.expected_version(data),
            void_reason=data.get("void_reason", ""),
            **changes,
        )
        return self.answer(order)


class OrderStatusApi(OrderApiView):
    permission = "order.set_status"
    error_codes = {
        409: [
            OrderCode.VERSION_CONFLICT,
            OrderCode.INVALID_TRANSITION,
            KitchenCode.ITEMS_NOT_SENT,
            OrderCode.ORDER_CLOSED,
        ]
    }

    @extend_schema(
        request=io.OrderStatusIn,
        responses=io.OrderOut,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Bill an order in the kitchen", value={"status": "billed"}, request_only=True
            )
        ],
    )
    def put(self, request, order_id: int):
        data = self.validated(io.OrderStatusIn)
        order = services.order_set_status(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            status=data["status"],
            reason=data.get("reason", ""),
            expected_version=self.expected_version(data),
        )
        return self.answer(order)


class OrderCancelApi(OrderApiView):
    permission = "order.cancel"
    error_codes = {
        403: [ApprovalCode.APPROVAL_INVALID],
        409: [OrderCode.VERSION_CONFLICT, OrderCode.INVALID_TRANSITION, OrderCode.ORDER_CLOSED],
    }

    @extend_schema(
        request=io.OrderCancelIn,
        responses=io.OrderOut,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Cancel", value={"reason": "Guest left before ordering"}, request_only=True
            ),
            OpenApiExample(
                "A cashier cancels a billed order, approved by a manager",
                value={
                    "reason": "Guest disputed the bill",
                    "approved_by": {"token": "<the manager's token>"},
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.OrderCancelIn)
        order = services.order_cancel(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            reason=data["reason"],
            expected_version=self.expected_version(data),
            approval_token=(data.get("approved_by") or {}).get("token"),
        )
        return self.answer(order)


class OrderDiscountApi(OrderApiView):
    permission = "order.discount"
    error_codes = {
        403: [ApprovalCode.APPROVAL_INVALID],
        409: [OrderCode.VERSION_CONFLICT, OrderCode.ORDER_CLOSED, CheckCode.CHECK_PAID],
        422: [OrderCode.DISCOUNT_LIMIT_EXCEEDED, OrderCode.COUPON_INVALID],
    }

    @extend_schema(
        request=io.OrderDiscountIn,
        responses=io.OrderOut,
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "10% off (a cashier's limit)",
                value={"discount_type": "percent", "discount_value": 10, "reason": "Regular guest"},
                request_only=True,
            ),
            OpenApiExample("A coupon", value={"coupon_code": "WELCOME10"}, request_only=True),
            OpenApiExample(
                "25% off, above the cashier's limit, approved by a manager",
                value={
                    "discount_type": "percent",
                    "discount_value": 25,
                    "reason": "Long wait",
                    "approved_by": {"token": "<the manager's token>"},
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.OrderDiscountIn)
        order = services.order_apply_discount(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            discount_type=data.get("discount_type"),
            discount_value=data.get("discount_value"),
            reason=data.get("reason", ""),
            coupon_code=data.get("coupon_code") or None,
            expected_version=self.expected_version(data),
            approval_token=(data.get("approved_by") or {}).get("token"),
        )
        return self.answer(order)


class CouponListApi(HubApiView):
    permission = "coupon.read"

    @extend_schema(responses=io.CouponOut(many=True))
    def get(self, request):
        return ok(io.CouponOut(coupon_services.coupons_active(outlet=self.outlet), many=True).data)


CouponValidateOut = inline_serializer(
    "CouponValidateOut",
    {
        "valid": serializers.BooleanField(),
        "reason": serializers.ChoiceField(
            choices=["not_found", "expired", "below_minimum", "usage_exhausted", "not_applicable"],
            required=False,
        ),
        "discount_amount": serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False
        ),
        "coupon": io.CouponOut(required=False),
    },
)


class CouponValidateApi(HubApiView):
    permission = "coupon.read"
    error_codes = {404: [RequestCode.NOT_FOUND]}  # order_id of no order in the outlet

    @extend_schema(
        request=io.CouponValidateIn,
        responses=CouponValidateOut,
        examples=[
            OpenApiExample(
                "Before the order exists",
                value={"code": "WELCOME10", "subtotal": 25.98, "order_type_id": 1},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.validated(io.CouponValidateIn)
        result = coupon_services.coupon_check(
            outlet=self.outlet,
            staff=self.staff,
            code=data["code"],
            order_id=data.get("order_id"),
            subtotal=data.get("subtotal"),
            order_type_id=data.get("order_type_id"),
        )
        if not result.valid:
            return ok({"valid": False, "reason": result.reason})
        return ok(
            {
                "valid": True,
                "discount_amount": result.discount_amount,
                "coupon": io.CouponOut(result.coupon).data,
            }
        )


urlpatterns = [
    *api_path("orders", OrderListCreateApi.as_view(), "orders"),
    *api_path("orders/<int:order_id>", OrderDetailApi.as_view(), "order-detail"),
    *api_path("orders/<int:order_id>/status", OrderStatusApi.as_view(), "order-status"),
    *api_path("orders/<int:order_id>/cancel", OrderCancelApi.as_view(), "order-cancel"),
    *api_path("orders/<int:order_id>/discount", OrderDiscountApi.as_view(), "order-discount"),
    *api_path("coupons", CouponListApi.as_view(), "coupons"),
    *api_path("coupons/validate", CouponValidateApi.as_view(), "coupon-validate"),
]
