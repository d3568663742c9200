"""The public survey pages: answering with a token, and results once a survey closes."""

from django.urls import path

from ombuds.survey import public_views

app_name = "survey_public"
urlpatterns = [
    path("survey/", public_views.start, name="start"),
    path("survey/answer/", public_views.answer, name="answer"),
    path("survey/thanks/", public_views.thanks, name="thanks"),
    path("transparency/surveys/", public_views.published_list, name="published_list"),
    path("transparency/surveys/<uuid:survey>/", public_views.published, name="published"),
]
