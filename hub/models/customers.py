from django.db import models


class Customer(models.Model):
    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True, help_text="As typed")
    phone_digits = models.CharField(
        max_length=20, blank=True, db_index=True, help_text="Digits only, for matching"
    )
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "phone_digits"],
                condition=~models.Q(phone_digits=""),
                name="uniq_customer_phone_per_outlet",
            )
        ]

    def __str__(self) -> str:
        return self.name
