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


class ModifierGroup(models.Model):
    """A choice a guest makes about a menu item (CONTRACT 11): a portion ("Half"/"Full",
    min 1 max 1: a required variant), a spice level, extras (min 0, max 2...). `max`
    bounds the count of options chosen, quantities included."""

    menu_item = models.ForeignKey(
        MenuItem, on_delete=models.CASCADE, related_name="modifier_groups"
    )
    name = models.CharField(max_length=60)
    min_choices = models.PositiveSmallIntegerField(
        default=0, help_text="0: optional; 1 or more: the guest must choose"
    )
    max_choices = models.PositiveSmallIntegerField(
        default=1, help_text="The most options (quantities included) a line may take"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=1)
                & models.Q(max_choices__gte=models.F("min_choices")),
                name="modifier_group_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return f"{self.menu_item.name}: {self.name}"


class ModifierOption(models.Model):
    group = models.ForeignKey(ModifierGroup, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=60)
    price = MoneyField(help_text="Added to the item's price for each one chosen")
    is_available = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="modifier_option_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name
