"""Delivery platforms in and webhooks out (CONTRACT 16; docs/integrations.md).

Secrets (a platform's, a webhook subscription's) are stored sealed: encrypted with a
key derived from the hub's secret key (hub/secrets.py), because the hub needs the secret
itself to compute HMACs, so a one-way hash would not do.
"""

from django.db import models
from django.db.models import Q


class PlatformAccount(models.Model):
    """An outlet's store on a delivery platform: the key its orders are signed with."""

    platform = models.ForeignKey(
        "hub.DeliveryPlatform", on_delete=models.CASCADE, related_name="accounts"
    )
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    secret_sealed = models.TextField(
        help_text="Sealed with the hub's secret key (hub/secrets.py); set it in the admin"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "outlet"], name="uniq_platform_account")
        ]

    def __str__(self) -> str:
        return f"{self.platform} at outlet {self.outlet_id}"


class PlatformCode(models.Model):
    """What a platform calls one of the outlet's menu items or modifier options."""

    platform = models.ForeignKey(
        "hub.DeliveryPlatform", on_delete=models.CASCADE, related_name="codes"
    )
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    menu_item = models.ForeignKey(
        "hub.MenuItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    modifier_option = models.ForeignKey(
        "hub.ModifierOption", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["platform", "outlet", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "outlet", "code"], name="uniq_platform_outlet_code"
            ),
            models.CheckConstraint(
                condition=(Q(menu_item__isnull=False) & Q(modifier_option__isnull=True))
                | (Q(menu_item__isnull=True) & Q(modifier_option__isnull=False)),
                name="platform_code_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id}:{self.code}"


class PlatformOrder(models.Model):
    """One platform order taken in: the row whose unique (platform, ref) makes intake
    idempotent, also under concurrent redelivery (hub/services/platforms.py)."""

    platform = models.ForeignKey("hub.DeliveryPlatform", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=80)
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField(
        "hub.Order", on_delete=models.CASCADE, null=True, related_name="platform_intake"
    )
    prepaid_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Paid on the platform; taken as a `platform` payment on accept",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "ref"], name="uniq_platform_order_ref")
        ]


class WebhookSubscription(models.Model):
    """A receiver of the outlet's events. Its cursor over the outbox is `start_event_id`
    (only events after the subscription) plus one WebhookCursor per stream."""

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    secret_sealed = models.TextField()
    event_types = models.JSONField(default=list)
    start_event_id = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        "hub.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(
        null=True, blank=True, help_text="Set after 24 h of failed deliveries; clear to resume"
    )
    # delivery state of the event at the head of the queue
    failing_since = models.DateTimeField(null=True, blank=True)
    head_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookCursor(models.Model):
    """The last seq of `stream` delivered to a subscription."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="cursors"
    )
    stream = models.CharField(max_length=40)
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "stream"], name="uniq_webhook_cursor")
        ]


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one subscription."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.BigIntegerField()
    attempt = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    delivered = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub")]
