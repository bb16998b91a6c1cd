from django.contrib.auth.models import AbstractUser
from django.db import models


class Staff(AbstractUser):
    """A person who signs in: role and outlet decide what they may see and do (CONTRACT 8)."""

    class Role(models.TextChoices):
        MANAGER = "manager"
        CASHIER = "cashier"
        WAITER = "waiter"
        KITCHEN = "kitchen"
        DRIVER = "driver"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.WAITER)
    outlet = models.ForeignKey(
        "hub.Outlet", on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    display_name = models.CharField(max_length=120, blank=True)
    kitchens = models.ManyToManyField(
        "hub.Kitchen", blank=True, related_name="cooks", help_text="Kitchens a kitchen user works"
    )
    can_override_price = models.BooleanField(default=False)

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def __str__(self) -> str:
        return f"{self.username} ({self.role})"


class ApiToken(models.Model):
    """A Bearer token. Only its SHA-256 is stored; the token is shown once at login."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart")
    label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.staff_id}"


class FailedLogin(models.Model):
    """Failed logins, for throttling by username and by address (CONTRACT 1)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one staff user: the request's hash and its first answer."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    completed = models.BooleanField(default=False)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "key"], name="uniq_idempotency_key")
        ]
