from django.apps import AppConfig


class PrintersConfig(AppConfig):
    name = "printers"

    def ready(self) -> None:
        """The print queue is one of hub_worker's jobs (hub/worker.py): registered here,
        because the domain core never imports printers/ (docs/architecture.md "Layers")."""
        from hub.services.printing import NOTIFY_CHANNEL
        from hub.worker import worker_job_register

        from .dispatcher import print_queue_pass

        worker_job_register(
            name="print_queue", run=print_queue_pass, every=1.0, notify_channel=NOTIFY_CHANNEL
        )
