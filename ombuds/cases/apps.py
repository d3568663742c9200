from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ombuds.cases"
    label = "cases"

    def ready(self) -> None:
        # A handler who declares an interest that conflicts with a case of hers leaves it.
        from ombuds.cases.independence import on_interests_declared
        from ombuds.people.signals import interests_declared

        interests_declared.connect(on_interests_declared, dispatch_uid="cases-new-conflicts")
