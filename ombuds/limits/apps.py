from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "ombuds.limits"
    label = "limits"
