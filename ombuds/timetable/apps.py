from django.apps import AppConfig


class TimetableConfig(AppConfig):
    """Working days, closures and service levels. Its label stays "deadlines", the app its
    tables and migrations were first written under, so nothing in the database moves."""

    name = "ombuds.timetable"
    label = "deadlines"
