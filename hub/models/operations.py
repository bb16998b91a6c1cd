from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running hub_worker process, touched after its passes (hub/worker.py):
    /metrics exposes the age of each, so an alert fires when the print queue's worker
    died (docs/operations.md "Metrics"). Rows of workers gone for a day are pruned."""

    name = models.CharField(max_length=120, unique=True)  # host:pid
    host = models.CharField(max_length=80)
    pid = models.PositiveIntegerField()
    jobs = models.JSONField(default=list)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
