from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "ombuds.investigation"
    label = "investigation"
