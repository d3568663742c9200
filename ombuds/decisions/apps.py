from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "ombuds.decisions"
    label = "decisions"
