from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "ombuds.survey"
    label = "survey"
