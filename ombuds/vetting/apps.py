from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "ombuds.vetting"
    label = "vetting"
