from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "ombuds.deadlines"
    label = "deadlines"
