from django.db import models


class DeliveryDriver(models.Model):
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="drivers")
    staff = models.OneToOneField(
        "hub.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="driver"
    )
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)
    is_available = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DeliveryPlatform(models.Model):
    """Swiggy, Zomato, own app... shared by all outlets."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
