from django.db import models


class Table(models.Model):
    class Status(models.TextChoices):
        FREE = "free"
        OCCUPIED = "occupied"
        RESERVED = "reserved"
        CLEANING = "cleaning"

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(max_length=30)
    seats = models.PositiveSmallIntegerField(default=4)
    area = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FREE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    guests = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
