from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "ombuds.liaison"
    label = "liaison"
