from django.db import models


class PosSession(models.Model):
    """A terminal's working state, per staff user and device (CONTRACT 4a)."""

    staff = models.ForeignKey("hub.Staff", on_delete=models.CASCADE, related_name="pos_sessions")
    device_id = models.CharField(max_length=80, blank=True, default="")
    cart = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "device_id"], name="uniq_session_per_device")
        ]


class HeldOrder(models.Model):
    """A parked cart or draft order, resumable by anyone at the outlet."""

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="held_orders")
    label = models.CharField(max_length=80, blank=True)
    cart = models.JSONField(default=dict, blank=True)
    order = models.ForeignKey(
        "hub.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    held_by = models.ForeignKey("hub.Staff", on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(auto_now_add=True)
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
