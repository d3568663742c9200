from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "ombuds.oversight"
    label = "oversight"
