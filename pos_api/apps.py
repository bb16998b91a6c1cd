from django.apps import AppConfig


class PosApiConfig(AppConfig):
    name = "pos_api"

    def ready(self) -> None:
        """Webhook deliveries are one of hub_worker's jobs (hub/worker.py); the HTTP client
        lives here, outside the domain core (docs/architecture.md "Layers")."""
        from hub.worker import worker_job_register

        from .webhooks_delivery import webhooks_pass

        worker_job_register(name="webhooks", run=webhooks_pass, every=1.0)

        # Idempotency keys past 24 h (docs/operations.md "Housekeeping"), hourly.
        from hub.services import housekeeping as hk

        from .idempotency import prune

        hk.housekeeping_rule_register(
            "prune_idempotency", prune, "Idempotency-Keys older than 24 h (CONTRACT 3)"
        )
        worker_job_register(
            name="prune_idempotency", run=hk.prune_job(prune), every=hk.PRUNE_EVERY_SECONDS
        )
