from django.db import models

from .money import MoneyField


class Coupon(models.Model):
    class Type(models.TextChoices):
        PERCENT = "percent"
        FIXED = "fixed"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    discount_type = models.CharField(max_length=10, choices=Type.choices)
    value = models.DecimalField(max_digits=12, decimal_places=3)
    min_subtotal = MoneyField()
    max_discount = MoneyField(null=True, blank=True, default=None, help_text="Cap, for percent")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0)
    order_types = models.ManyToManyField("hub.OrderType", blank=True, help_text="Empty: all")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outlet", "code"], name="uniq_coupon_code")]

    def __str__(self) -> str:
        return self.code
