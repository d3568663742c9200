from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "ombuds.people"
    label = "people"
