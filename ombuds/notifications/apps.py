from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ombuds.notifications"
    label = "notifications"
