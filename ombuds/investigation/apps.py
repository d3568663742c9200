from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "ombuds.investigation"
    label = "investigation"

    def ready(self) -> None:
        # A case's interim measures end with it, in the transaction that ends it.
        from ombuds.cases.signals import case_ended
        from ombuds.investigation.measures import on_case_ended

        case_ended.connect(on_case_ended, dispatch_uid="investigation-measures-end")
