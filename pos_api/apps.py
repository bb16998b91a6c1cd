from django.apps import AppConfig


class PosApiConfig(AppConfig):
    name = "pos_api"
