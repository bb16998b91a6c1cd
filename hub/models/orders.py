from decimal import Decimal

from django.db import models

from .money import MoneyField, PercentField


class OrderType(models.Model):
    """dine_in / takeaway / delivery. Shared by all outlets (CONTRACT 4: demo ids 1-3)."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40)
    requires_table = models.BooleanField(default=False)
    requires_customer = models.BooleanField(default=False)
    service_charge_percent = PercentField(default=Decimal("0"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        KOT = "kot"
        BILLED = "billed"
        PAID = "paid"
        CANCELLED = "cancelled"

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid"
        PARTIAL = "partial"
        PAID = "paid"
        REFUNDED = "refunded"

    class DeliveryStatus(models.TextChoices):
        PENDING = "pending"
        ASSIGNED = "assigned"
        PICKED_UP = "picked_up"
        OUT_FOR_DELIVERY = "out_for_delivery"
        DELIVERED = "delivered"
        FAILED = "failed"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=40)
    order_type = models.ForeignKey(OrderType, on_delete=models.PROTECT, related_name="orders")
    table = models.ForeignKey(
        "hub.Table", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    customer = models.ForeignKey(
        "hub.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    payment_status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    guests = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)

    # The one order-level discount (CONTRACT 2): manual percent/fixed or a coupon.
    discount_type = models.CharField(max_length=10, blank=True)
    discount_value = MoneyField(
        max_digits=12, decimal_places=3, null=True, blank=True, default=None
    )
    discount_reason = models.CharField(max_length=200, blank=True)
    coupon = models.ForeignKey(
        "hub.Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    discount_by = models.ForeignKey(
        "hub.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who gave the manual discount: their limit holds after later changes",
    )

    # Stored results of hub/pricing.py, recomputed by every service that changes the order.
    subtotal = MoneyField()
    discount_amount = MoneyField()
    taxes = models.JSONField(default=list, blank=True)
    tax_total = MoneyField()
    service_charge = MoneyField()
    round_off = MoneyField()
    total = MoneyField()
    tip_total = MoneyField()
    paid_total = MoneyField()
    refunded_total = MoneyField()

    # Delivery (CONTRACT 4a)
    driver = models.ForeignKey(
        "hub.DeliveryDriver", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    platform = models.ForeignKey(
        "hub.DeliveryPlatform",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    platform_order_ref = models.CharField(max_length=80, blank=True)
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, blank=True)
    delivery_failed_reason = models.CharField(max_length=200, blank=True)

    invoice_number = models.CharField(max_length=40, blank=True)
    invoice_issued_at = models.DateTimeField(null=True, blank=True)
    business_date = models.DateField(help_text="Outlet-local day the order was opened")

    fired_course = models.PositiveSmallIntegerField(
        default=1, help_text="Lines of courses up to this one go to the kitchen live (CONTRACT 13)"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="orders_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    billed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shift = models.ForeignKey(
        "hub.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The shift it was paid or cancelled in (CONTRACT 14: its sales)",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "number"], name="uniq_order_number"),
            # CONTRACT 4: status and payment status never disagree. A paid order is never
            # unpaid (a zero total is paid in both), and an open order is never fully paid
            # (the payment that settles it makes it paid in the same write).
            models.CheckConstraint(
                condition=~(models.Q(status="paid") & models.Q(payment_status="unpaid"))
                & ~(
                    models.Q(payment_status="paid")
                    & models.Q(status__in=["draft", "kot", "billed"])
                ),
                name="order_status_agrees_with_payment_status",
            ),
        ]
        indexes = [
            models.Index(fields=["outlet", "-created_at"]),
            models.Index(fields=["outlet", "business_date"]),
            models.Index(fields=["outlet", "status"]),
        ]

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.paid_total

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.CANCELLED)

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "not yet sent"
        HELD = "held", "on a held KOT (a course not fired yet)"
        SENT_TO_KITCHEN = "sent_to_kitchen"
        IN_KITCHEN = "in_kitchen"
        FOOD_READY = "food_ready"
        SERVED = "served"
        VOID = "void"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey("hub.MenuItem", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120, help_text="Snapshot of the menu name")
    quantity = models.PositiveIntegerField()
    unit_price = MoneyField()
    price_overridden = models.BooleanField(default=False)
    tax_components = models.JSONField(
        default=list,
        blank=True,
        help_text="Snapshot [{name, rate}] of the item's tax at order time",
    )
    kitchen = models.ForeignKey("hub.Kitchen", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    course = models.PositiveSmallIntegerField(default=1, help_text="1-5 (CONTRACT 13)")
    modifiers = models.JSONField(
        default=list,
        blank=True,
        help_text="Snapshot [{option_id, group_id, name, price, quantity}] of the options "
        "chosen, priced into unit_price (CONTRACT 11)",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    kot = models.ForeignKey(
        "hub.Kot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_items",
        help_text="The KOT this line first went out on",
    )
    voided_quantity = models.PositiveIntegerField(default=0)
    void_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class Check(models.Model):
    """One part of a split bill (CONTRACT 12), paid on its own.

    `items` lists the order lines and quantities the check holds ([] for a check of an
    equal split, which holds a share of everything). The figures are hub/pricing.py's
    split of the order's, stored when the bill was split (the order's lines cannot
    change while a check has a payment; without one, a change removes the split)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checks")
    number = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list, blank=True, help_text="[{item_id, quantity}]")
    subtotal = MoneyField()
    discount_amount = MoneyField()
    taxes = models.JSONField(default=list, blank=True)
    tax_total = MoneyField()
    service_charge = MoneyField()
    round_off = MoneyField()
    total = MoneyField()
    paid_total = MoneyField(help_text="Payments applied to this check, less their refunds")
    payment_status = models.CharField(
        max_length=10, choices=Order.PaymentStatus.choices, default=Order.PaymentStatus.UNPAID
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="uniq_check_number")
        ]

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.paid_total

    def __str__(self) -> str:
        return f"{self.order_id} check {self.number}"
