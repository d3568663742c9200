from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "ombuds.messaging"
    label = "messaging"
