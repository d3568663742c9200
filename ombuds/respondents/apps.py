from django.apps import AppConfig


class RespondentsConfig(AppConfig):
    name = "ombuds.respondents"
    label = "respondents"
