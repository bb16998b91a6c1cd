"""Outbound webhooks over REST (CONTRACT 16; docs/integrations.md "Webhooks"). Managers
subscribe a receiver, list and delete subscriptions, and read each one's attempts."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers

from hub.events.registry import REGISTRY
from hub.models import WebhookDelivery, WebhookSubscription
from hub.services import webhooks as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers.common import StrictCharField
from .base import HubApiView

URL_PATTERN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"
_URL = re.compile(URL_PATTERN)


@extend_schema_field({"type": "string", "pattern": URL_PATTERN, "maxLength": 500})
class ReceiverUrlField(StrictCharField):
    """http:// or https:// host[:port][/path]: the schema states the whole rule, so a URL it
    allows is never a 400 (private hosts are refused only with HUB_WEBHOOK_DENY_PRIVATE)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not _URL.fullmatch(value):
            raise serializers.ValidationError("An http:// or https:// address: host[:port][/path].")
        return value


class WebhookIn(serializers.Serializer):
    url = ReceiverUrlField(max_length=500)
    secret = StrictCharField(min_length=16, max_length=200, trim_whitespace=False)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=["*", *sorted(REGISTRY)]),
        min_length=1,
        max_length=50,
        help_text='Event types (docs/realtime.md), or ["*"] for all',
    )


class WebhookOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    event_types = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    failing_since = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_event_types(self, sub) -> list[str]:
        return sub.event_types or ["*"]


class WebhookDeliveryOut(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.IntegerField()
    attempt = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    at = serializers.DateTimeField()
    delivered = serializers.BooleanField()


class WebhookListApi(HubApiView):
    permission = "webhook.manage"

    @extend_schema(responses=WebhookOut(many=True))
    def get(self, request):
        rows = WebhookSubscription.objects.filter(outlet=self.outlet).order_by("id")
        return ok(WebhookOut(rows, many=True).data)

    @extend_schema(
        request=WebhookIn,
        responses={201: WebhookOut},
        examples=[
            OpenApiExample(
                "Orders and KOTs to the back office",
                value={
                    "url": "http://127.0.0.1:9000/hub-events",
                    "secret": "change-me-to-a-long-random-string",
                    "event_types": ["order.created", "order.status_changed", "kot.created"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.validated(WebhookIn)
        sub = services.webhook_subscribe(
            outlet=self.outlet,
            by=self.staff,
            url=data["url"],
            secret=data["secret"],
            event_types=data["event_types"],
        )
        return ok(WebhookOut(sub).data, status=201)


class WebhookApi(HubApiView):
    permission = "webhook.manage"

    @extend_schema(request=None, responses={200: None})
    def delete(self, request, webhook_id: int):
        services.webhook_delete(outlet=self.outlet, subscription_id=webhook_id)
        return ok({"deleted": True})


class WebhookDeliveriesApi(HubApiView):
    permission = "webhook.manage"
    paginated = True

    @extend_schema(responses=WebhookDeliveryOut(many=True))
    def get(self, request, webhook_id: int):
        if not WebhookSubscription.objects.filter(outlet=self.outlet, pk=webhook_id).exists():
            from hub.errors import NotFound

            raise NotFound("No such webhook.")
        page, per_page = self.paging()
        rows = WebhookDelivery.objects.filter(subscription_id=webhook_id).order_by("-id")
        total = rows.count()
        chunk = rows[(page - 1) * per_page : page * per_page]
        return ok_page(
            WebhookDeliveryOut(chunk, many=True).data, page=page, per_page=per_page, total=total
        )


urlpatterns = [
    *api_path("webhooks", WebhookListApi.as_view(), "webhooks"),
    *api_path("webhooks/<int:webhook_id>", WebhookApi.as_view(), "webhook"),
    *api_path(
        "webhooks/<int:webhook_id>/deliveries", WebhookDeliveriesApi.as_view(), "webhook-deliveries"
    ),
]
