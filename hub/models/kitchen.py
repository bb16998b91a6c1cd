from django.db import models


class Kot(models.Model):
    """A kitchen order ticket: what one kitchen must cook (or stop cooking) from one send."""

    class Kind(models.TextChoices):
        NEW = "new"
        ADDON = "addon"
        VOID = "void"
        CANCELLATION = "cancellation"

    class Status(models.TextChoices):
        # A later course, waiting to be fired (CONTRACT 13): on the kitchen screen greyed
        # as "HOLD course N", not printed, not counted as cooking.
        HELD = "held"
        SENT_TO_KITCHEN = "sent_to_kitchen"
        IN_KITCHEN = "in_kitchen"
        FOOD_READY = "food_ready"
        SERVED = "served"
        # The order was cancelled before this ticket was served (CONTRACT 5): it leaves
        # every screen; the cancellation ticket tells the cook to stop.
        CANCELLED = "cancelled"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.PROTECT, related_name="kots")
    order = models.ForeignKey("hub.Order", on_delete=models.CASCADE, related_name="kots")
    kitchen = models.ForeignKey("hub.Kitchen", on_delete=models.PROTECT, related_name="kots")
    number = models.CharField(max_length=20)
    business_date = models.DateField()
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.NEW)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT_TO_KITCHEN)
    voids = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="void_tickets",
        help_text="For void and cancellation tickets: the KOT whose items they take back",
    )
    reason = models.CharField(max_length=200, blank=True)
    course = models.PositiveSmallIntegerField(
        default=1, help_text="The course of its lines (held KOTs hold one course each)"
    )
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When it went live in the kitchen (sent, or fired)"
    )
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When a screen of its kitchen first drew it (kot.seen)"
    )
    unseen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the acknowledgement timer found it unseen (printed, kot.unseen raised)",
    )
    print_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "hub.Staff", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "business_date", "number"], name="uniq_kot_number_per_day"
            )
        ]
        indexes = [
            # the acknowledgement timer's scan (hub/services/kitchen_ack.py)
            models.Index(
                fields=["status", "sent_at"],
                name="kot_unseen_scan",
                condition=models.Q(seen_at__isnull=True, unseen_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.number


class KotLine(models.Model):
    """What the ticket says, frozen when it is sent: item name, quantity, note."""

    kot = models.ForeignKey(Kot, on_delete=models.CASCADE, related_name="lines")
    order_item = models.ForeignKey(
        "hub.OrderItem", on_delete=models.CASCADE, related_name="kot_lines"
    )
    name = models.CharField(max_length=120)
    quantity = models.IntegerField(
        help_text="Negative on void and cancellation tickets is never used; kind says it"
    )
    note = models.CharField(max_length=300, blank=True)
    modifiers = models.JSONField(
        default=list,
        blank=True,
        help_text="The line's options as sent [{option_id, name, quantity}]",
    )

    class Meta:
        ordering = ["id"]


class KitchenScreen(models.Model):
    """One open connection of a kitchen's stream (a kitchen display), kept in the database
    so that the screens of every ASGI worker count (docs/realtime.md "Kitchen screens
    connected"; GET /kitchens `screens_connected`, `last_seen_at`).

    The worker that holds the socket writes the row when it connects, refreshes
    `last_seen_at` every HUB_KITCHEN_SCREEN_BEAT_SECONDS and stamps `closed_at` when it
    goes. A worker that dies without closing leaves a row that stops being refreshed: it
    no longer counts once `last_seen_at` is older than three beats."""

    kitchen = models.ForeignKey("hub.Kitchen", on_delete=models.CASCADE, related_name="screens")
    connection = models.CharField(max_length=64, unique=True, help_text="One socket's id")
    connected_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(help_text="Last beat of the worker holding the socket")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kitchen", "last_seen_at"], name="kitchen_screen_seen")]

    def __str__(self) -> str:
        return f"screen {self.connection} of kitchen {self.kitchen_id}"
