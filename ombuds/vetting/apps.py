from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "ombuds.vetting"
    label = "vetting"

    def ready(self) -> None:
        # Each report keeps tokens of the person it names, in its own transaction.
        from ombuds.intake.signals import report_submitted
        from ombuds.vetting.repeats import on_report_submitted

        report_submitted.connect(on_report_submitted, dispatch_uid="vetting-named-person")
