from django.db import models

from .money import MoneyField


class PaymentMethod(models.Model):
    """Cash, card, UPI... shared by all outlets (API reference: ids 1-3)."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40)
    is_cash = models.BooleanField(default=False, help_text="May exceed the balance; gives change")
    is_active = models.BooleanField(default=True)
    offered_at_till = models.BooleanField(
        default=True, help_text="Listed by GET /payment-methods (off for `platform`)"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Payment(models.Model):
    order = models.ForeignKey("hub.Order", on_delete=models.PROTECT, related_name="payments")
    split_check = models.ForeignKey(
        "hub.Check",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text="The check of a split bill it pays (CONTRACT 12)",
    )
    method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(help_text="Applied to the balance (change excluded)")
    tendered = MoneyField(help_text="What the guest handed over")
    change_due = MoneyField()
    tip_amount = MoneyField()
    refunded_amount = MoneyField()
    transaction_id = models.CharField(max_length=120, blank=True)
    shift = models.ForeignKey(
        "hub.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text="The shift open when it was taken (CONTRACT 14)",
    )
    created_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = MoneyField()
    reason = models.CharField(max_length=300)
    shift = models.ForeignKey(
        "hub.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        help_text="The shift open when it was given (CONTRACT 14)",
    )
    created_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
