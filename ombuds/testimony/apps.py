from django.apps import AppConfig


class TestimonyConfig(AppConfig):
    name = "ombuds.testimony"
    label = "testimony"
