"""POST /api/v1/auth/login and /logout (CONTRACT section 1)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers

from hub.client_address import client_address_of_request
from hub.errors import AuthCode, RequestCode
from hub.services import tokens

from ..envelope import ok
from ..permissions import PUBLIC
from ..serializers.common import StaffOut, StrictCharField
from .base import HubApiView


class LoginIn(serializers.Serializer):
    # JSON strings only, as the schema says (`"device": 0` is refused, not stored as "0")
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=256, trim_whitespace=False)
    device = StrictCharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text='A name for this terminal or screen ("Till 2", "Kitchen pass"); '
        "stored with the token to tell sign-ins apart.",
    )


class LoginApi(HubApiView):
    permission = PUBLIC
    authentication_classes: list = []
    error_codes = {401: [AuthCode.INVALID_CREDENTIALS], 429: [RequestCode.RATE_LIMITED]}

    @extend_schema(
        request=LoginIn,
        examples=[
            OpenApiExample(
                "The demo manager",
                value={"username": "manager", "password": "demo1234"},
                request_only=True,
            )
        ],
        responses={
            200: inline_serializer(
                "LoginOut", {"token": serializers.CharField(), "staff": StaffOut()}
            )
        },
        auth=[],
    )
    def post(self, request):
        data = self.validated(LoginIn)
        staff, raw = tokens.login(
            username=data["username"],
            password=data["password"],
            address=client_address_of_request(request),
            device=data.get("device", ""),
        )
        return ok({"token": raw, "staff": StaffOut(staff).data})


class LogoutApi(HubApiView):
    permission = "catalog.read"  # any signed-in role

    @extend_schema(
        request=None,
        responses={200: inline_serializer("LogoutOut", {"revoked": serializers.BooleanField()})},
    )
    def post(self, request):
        tokens.token_revoke(token=request.auth)
        return ok({"revoked": True})
