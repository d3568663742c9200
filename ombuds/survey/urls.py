from django.urls import path

from ombuds.survey import views

app_name = "survey"
urlpatterns = [
    path("admin-area/surveys/", views.survey_list, name="list"),
    path("admin-area/surveys/<uuid:survey>/", views.manage, name="manage"),
    path("admin-area/surveys/<uuid:survey>/questions/", views.question_add, name="question_add"),
    path("admin-area/surveys/<uuid:survey>/tokens/", views.tokens_issue, name="tokens"),
    path("admin-area/surveys/<uuid:survey>/close/", views.close, name="close"),
    path("surveys/", views.results_list, name="results_list"),
    path("surveys/<uuid:survey>/", views.results, name="results"),
]
