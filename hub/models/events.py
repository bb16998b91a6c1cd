from django.db import models


class Event(models.Model):
    """The outbox: every change a screen must hear about, one row per stream (DESIGN.md step 3).

    `seq` increases by one per stream and is allocated in the transaction that
    makes the change, so replay from the table is the source of truth and the
    channel layer only a fast path.
    """

    outlet = models.ForeignKey("hub.Outlet", on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="uniq_stream_seq")]


class StreamCursor(models.Model):
    """Last seq handed out per stream; upserted under the row lock in the change's transaction."""

    stream = models.CharField(max_length=40, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
