from django.urls import path

from ombuds.decisions import views

app_name = "decisions"
urlpatterns = [
    # Handlers: the case manager allocates a panel; the panel decides.
    path("cases/<str:reference>/panel/", views.panel, name="panel"),
    path("cases/<str:reference>/decision/", views.decision, name="decision"),
    path("cases/<str:reference>/decision/propose/", views.propose, name="propose"),
    path("cases/<str:reference>/decision/sign/", views.sign, name="sign"),
    path("cases/<str:reference>/decision/record/", views.record, name="record"),
    # The parties.
    path("my-report/decision/", views.complainant_decision, name="complainant_decision"),
    path("my-report/appeal/", views.complainant_appeal, name="complainant_appeal"),
    path("respond/decision/", views.respondent_decision, name="respondent_decision"),
    path("respond/appeal/", views.respondent_appeal, name="respondent_appeal"),
    # The administrator.
    path("admin-area/organisations/<slug:slug>/sanctions/", views.sanctions, name="sanctions"),
]
