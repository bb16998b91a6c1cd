from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    label = "hub"
    verbose_name = "POS hub"
    default_auto_field = "django.db.models.BigAutoField"
