from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HubConfig(AppConfig):
    name = "hub"
    label = "hub"
    verbose_name = "POS hub"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  registers the system checks
        from .services.kitchen_ack import kots_unseen_handle
        from .worker import worker_job_register

        # CONTRACT 13: tickets no kitchen screen acknowledged in time print and raise
        # kot.unseen; one round a second in hub_worker (docs/operations.md)
        worker_job_register(name="kot_ack", run=kots_unseen_handle, every=1.0)

        # Retention rules (docs/operations.md "Housekeeping"): hourly, each its own job.
        from .services import housekeeping as hk

        for name, (prune, rule) in hk.BUILT_IN.items():
            hk.housekeeping_rule_register(name, prune, rule)
            worker_job_register(name=name, run=hk.prune_job(prune), every=hk.PRUNE_EVERY_SECONDS)


class HubAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with the hub's site as `admin.site` (hub/admin_site.py,
    docs/admin.md): Django's documented way to replace the default site. Here and not
    beside the site class, because Django imports this before the models are ready."""

    default = False  # "hub" is HubConfig; this one is named in INSTALLED_APPS
    default_site = "hub.admin_site.HubAdminSite"
