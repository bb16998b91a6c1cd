"""Payments over REST: pay, split, status, refund (CONTRACT 4a; docs/api.md "Payments").

Thin: validate, call hub.services.payments, shape the reference's answer.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import OrderCode, PaymentCode, ShiftCode
from hub.selectors import orders as order_selectors
from hub.services import payments as services

from ..envelope import ok
from ..routes import api_path
from ..serializers import payments as io
from .base import HubApiView

PAID_MESSAGE = "Payment processed successfully"


PAYMENT_REFUSALS = {
    409: [
        PaymentCode.NOTHING_DUE,
        OrderCode.ORDER_CLOSED,
        ShiftCode.NO_OPEN_SHIFT,  # where the outlet requires an open shift (CONTRACT 14)
    ],
    422: [PaymentCode.AMOUNT_EXCEEDS_BALANCE],
}


class PaymentCreateApi(HubApiView):
    permission = "payment.create"
    error_codes = PAYMENT_REFUSALS

    @extend_schema(
        request=io.PaymentIn,
        responses={201: io.PaymentResultOut},
        examples=[
            OpenApiExample(
                "Card with a tip (the API reference's own)",
                value={
                    "payment_method": "card",
                    "amount": 45.99,
                    "transaction_id": "TXN123456",
                    "tip_amount": 5.00,
                },
                description="A card payment may not exceed the balance due (422).",
                request_only=True,
            )
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.PaymentIn)
        outcome = services.payments_capture(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            requests=[io.payment_request(data)],
        )
        body = {
            "payment_id": outcome.payments[0].pk,
            "status": outcome.order.payment_status,
            "balance_due": outcome.balance_due,
            "change_due": outcome.change_due,
        }
        return ok(io.PaymentResultOut(body).data, status=201, message=PAID_MESSAGE)


class SplitPaymentApi(HubApiView):
    permission = "payment.create"
    error_codes = PAYMENT_REFUSALS

    @extend_schema(
        request=io.SplitPaymentIn,
        responses={201: io.SplitPaymentResultOut},
        examples=[
            OpenApiExample(
                "Part cash, part UPI",
                value={
                    "payments": [
                        {"payment_method": "cash", "amount": 10.00},
                        {"payment_method": "upi", "amount": 15.98, "transaction_id": "UPI-7781"},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.SplitPaymentIn)
        outcome = services.payments_capture(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            requests=[io.payment_request(part) for part in data["payments"]],
        )
        body = {
            "payment_ids": [p.pk for p in outcome.payments],
            "status": outcome.order.payment_status,
            "balance_due": outcome.balance_due,
            "change_due": outcome.change_due,
        }
        return ok(io.SplitPaymentResultOut(body).data, status=201, message=PAID_MESSAGE)


class PaymentStatusApi(HubApiView):
    permission = "payment.read"

    @extend_schema(responses=io.PaymentStatusOut)
    def get(self, request, order_id: int):
        order = order_selectors.order_get(outlet=self.outlet, order_id=order_id, staff=self.staff)
        return ok(io.PaymentStatusOut(order).data)


class RefundApi(HubApiView):
    permission = "payment.refund"
    error_codes = {
        409: [ShiftCode.NO_OPEN_SHIFT],
        422: [PaymentCode.AMOUNT_EXCEEDS_REFUNDABLE],
    }

    @extend_schema(
        request=io.RefundIn,
        responses={201: io.RefundOut},
        examples=[
            OpenApiExample(
                "Part of a payment back",
                value={"payment_id": 1, "amount": 5.00, "reason": "Dish sent back"},
                description="payment_id: one of this order's payments (GET .../payment-status).",
                request_only=True,
            )
        ],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.RefundIn)
        refund = services.payment_refund(
            order_id=order_id,
            outlet=self.outlet,
            by=self.staff,
            payment_id=data["payment_id"],
            amount=data["amount"],
            reason=data["reason"],
        )
        return ok(io.RefundOut(refund).data, status=201, message="Refund recorded")


urlpatterns = [
    *api_path("orders/<int:order_id>/payment", PaymentCreateApi.as_view(), "order-payment"),
    *api_path(
        "orders/<int:order_id>/split-payment", SplitPaymentApi.as_view(), "order-split-payment"
    ),
    *api_path(
        "orders/<int:order_id>/payment-status", PaymentStatusApi.as_view(), "order-payment-status"
    ),
    *api_path("orders/<int:order_id>/refund", RefundApi.as_view(), "order-refund"),
]
