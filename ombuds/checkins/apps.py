from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "ombuds.checkins"
    label = "checkins"
