"""Delivery platform orders in (CONTRACT 16; docs/integrations.md "Platform intake").

Intake has no Bearer token: the platform signs the raw body with its secret
(`X-Hub-Signature: sha256=<hex HMAC-SHA256>`), checked in constant time before any field
is read for anything but finding the account. Accept and reject are staff actions.
"""

from __future__ import annotations

import json

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from hub.errors import DomainError, IntegrationCode, KitchenCode, OrderCode, PaymentCode
from hub.secrets import secret_open, signature_valid
from hub.services import platforms as services

from ..envelope import ok
from ..permissions import PUBLIC
from ..routes import api_path
from ..serializers import platforms as io
from ..serializers.orders import OrderOut
from .base import HubApiView
from .orders import OrderApiView

SIGNATURE = OpenApiParameter(
    "X-Hub-Signature",
    {"type": "string"},
    OpenApiParameter.HEADER,
    description="`sha256=<hex HMAC-SHA256 of the raw body with the platform's secret>`; "
    "without it, or with any other value, the answer is 401 bad_signature",
)

EXAMPLE = {
    "outlet_code": "001",
    "platform_order_ref": "SWG-10001",
    "customer": {"name": "Neha Joshi", "phone": "+91 98450 11111", "address": "7 Lalbagh Rd"},
    "items": [
        {
            "platform_item_code": "SWG-15",
            "quantity": 2,
            "price": 12.99,
            "note": "",
            "modifiers": ["SWG-OPT-1"],
        },
        {"platform_item_code": "SWG-16", "quantity": 1, "price": 4.5},
    ],
    "prepaid": True,
    "amount": 35.16,
    "instructions": "Ring twice",
}


class PlatformOrderIntakeApi(HubApiView):
    permission = PUBLIC
    authentication_classes: list = []
    error_codes = {
        401: [IntegrationCode.BAD_SIGNATURE],
        409: [IntegrationCode.PLATFORM_REF_TAKEN],
        422: [
            IntegrationCode.UNMAPPED_ITEM,
            OrderCode.MODIFIER_RULE,
            OrderCode.ITEM_UNAVAILABLE,
            PaymentCode.AMOUNT_EXCEEDS_BALANCE,
        ],
    }

    @extend_schema(
        request=io.PlatformOrderIn,
        responses={200: io.PlatformOrderOut, 201: io.PlatformOrderOut},
        parameters=[SIGNATURE],
        examples=[OpenApiExample("A Swiggy order", value=EXAMPLE, request_only=True)],
        auth=[],
    )
    def post(self, request, code: str):
        account = _verified_account(request, code)
        data = self.validated(io.PlatformOrderIn)
        outcome = services.platform_order_intake(account=account, intake=io.intake_order(data))
        order = outcome.order
        body = {"order_id": order.pk, "order_number": order.number, "status": order.status}
        return ok(body, status=201 if outcome.created else 200)


class PlatformOrderCancelApi(HubApiView):
    permission = PUBLIC
    authentication_classes: list = []
    error_codes = {401: [IntegrationCode.BAD_SIGNATURE], 409: [OrderCode.ORDER_CLOSED]}

    @extend_schema(
        request=io.PlatformCancelIn,
        responses={200: io.PlatformOrderOut},
        parameters=[SIGNATURE],
        examples=[
            OpenApiExample(
                "The guest cancelled on Swiggy",
                value={"outlet_code": "001", "reason": "Guest cancelled"},
                request_only=True,
            )
        ],
        auth=[],
    )
    def post(self, request, code: str, ref: str):
        account = _verified_account(request, code)
        data = self.validated(io.PlatformCancelIn)
        order = services.platform_order_cancel(
            account=account, ref=ref[:80], reason=data.get("reason", "")
        )
        return ok({"order_id": order.pk, "order_number": order.number, "status": order.status})


def _verified_account(request, code: str):
    raw = request._request.body
    account = _account(code, raw)
    if account is None or not signature_valid(
        secret_open(account.secret_sealed), raw, request.headers.get("X-Hub-Signature")
    ):
        raise DomainError(
            "The X-Hub-Signature does not match the body.",
            code=IntegrationCode.BAD_SIGNATURE,
            status=401,
        )
    return account


def _account(code: str, raw: bytes):
    """The account the body claims (its outlet_code), or None: every way of not finding one
    answers the same 401, so an unsigned caller learns nothing about outlets."""
    try:
        outlet_code = json.loads(raw).get("outlet_code")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    if not isinstance(outlet_code, str) or len(outlet_code) > 10:
        return None
    return services.platform_account_for(platform_code=code[:30], outlet_code=outlet_code)


class OrderAcceptApi(OrderApiView):
    permission = "platform_order.accept"
    error_codes = {
        409: [OrderCode.INVALID_TRANSITION, KitchenCode.NOTHING_TO_SEND],
        422: [IntegrationCode.NOT_A_PLATFORM_ORDER],
    }

    @extend_schema(request=None, responses=OrderOut)
    def post(self, request, order_id: int):
        order = services.platform_order_accept(order_id=order_id, outlet=self.outlet, by=self.staff)
        return self.answer(order)


class OrderRejectApi(OrderApiView):
    permission = "platform_order.accept"
    error_codes = {409: [OrderCode.ORDER_CLOSED], 422: [IntegrationCode.NOT_A_PLATFORM_ORDER]}

    @extend_schema(
        request=io.RejectIn,
        responses=OrderOut,
        examples=[OpenApiExample("Reject", value={"reason": "Kitchen closing"}, request_only=True)],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.RejectIn)
        order = services.platform_order_reject(
            order_id=order_id, outlet=self.outlet, by=self.staff, reason=data["reason"]
        )
        return self.answer(order)


intake_urlpatterns = [
    *api_path(
        "integrations/platforms/<str:code>/orders",
        PlatformOrderIntakeApi.as_view(),
        "platform-order-intake",
    ),
    *api_path(
        "integrations/platforms/<str:code>/orders/<str:ref>/cancel",
        PlatformOrderCancelApi.as_view(),
        "platform-order-cancel",
    ),
]

urlpatterns = [
    *api_path("orders/<int:order_id>/accept", OrderAcceptApi.as_view(), "order-accept"),
    *api_path("orders/<int:order_id>/reject", OrderRejectApi.as_view(), "order-reject"),
]
