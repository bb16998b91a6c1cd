from decimal import Decimal

from django.db import models

from .money import MoneyField, PercentField


class TaxCategory(models.Model):
    """A tax as charged, e.g. "GST 5%" made of CGST 2.5% and SGST 2.5%."""

    outlet = models.ForeignKey(
        "hub.Outlet", on_delete=models.CASCADE, related_name="tax_categories"
    )
    name = models.CharField(max_length=60)

    class Meta:
        verbose_name_plural = "tax categories"

    def __str__(self) -> str:
        return self.name


class TaxComponent(models.Model):
    category = models.ForeignKey(TaxCategory, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=40)
    rate = PercentField(help_text="Percent, e.g. 2.5")

    def __str__(self) -> str:
        return f"{self.name} {self.rate}%"


class Kitchen(models.Model):
    """A station that cooks: KOTs are routed to it (CONTRACT 5)."""

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="kitchens")
    name = models.CharField(max_length=60)
    printer = models.ForeignKey(
        "hub.Printer", on_delete=models.SET_NULL, null=True, blank=True, related_name="kitchens"
    )

    def __str__(self) -> str:
        return self.name


class MenuCategory(models.Model):
    outlet = models.ForeignKey(
        "hub.Outlet", on_delete=models.CASCADE, related_name="menu_categories"
    )
    name = models.CharField(max_length=60)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name_plural = "menu categories"

    def __str__(self) -> str:
        return self.name


class MenuItem(models.Model):
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="menu_items")
    category = models.ForeignKey(
        MenuCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    name = models.CharField(max_length=120)
    price = MoneyField(default=Decimal("0.00"))
    tax_category = models.ForeignKey(
        TaxCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        help_text="Empty means tax-free",
    )
    kitchen = models.ForeignKey(Kitchen, on_delete=models.PROTECT, related_name="menu_items")
    is_open_price = models.BooleanField(default=False, help_text="Price is typed at the till")
    is_available = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name
