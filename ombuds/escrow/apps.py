from django.apps import AppConfig


class EscrowConfig(AppConfig):
    name = "ombuds.escrow"
    label = "escrow"
