from django.urls import path

from ombuds.respondents import handler_views, views

app_name = "respondents"
urlpatterns = [
    # The respondent's own pages.
    path("respond/", views.landing, name="landing"),
    path("respond/join/", views.join, name="join"),
    path("respond/joined/", views.joined, name="joined"),
    path("respond/case/", views.case_page, name="case"),
    path("respond/response/", views.response_page, name="response"),
    path("respond/evidence/", views.evidence, name="evidence"),
    path("respond/evidence/<uuid:attachment_id>/", views.my_evidence, name="my_evidence"),
    path(
        "respond/evidence/<uuid:attachment_id>/original/",
        views.my_evidence,
        {"original": True},
        name="my_evidence_original",
    ),
    # The handlers' pages about the respondent.
    path("cases/<str:reference>/respondent/", handler_views.overview, name="overview"),
    path(
        "cases/<str:reference>/respondent/evidence/<uuid:attachment_id>/",
        handler_views.case_evidence,
        name="case_evidence",
    ),
    path(
        "cases/<str:reference>/respondent/evidence/<uuid:attachment_id>/original/",
        handler_views.case_evidence,
        {"original": True},
        name="case_evidence_original",
    ),
    path("cases/<str:reference>/respondent/invite/", handler_views.invite, name="invite"),
    path("cases/<str:reference>/respondent/disclose/", handler_views.disclose, name="disclose"),
    path(
        "cases/<str:reference>/respondent/disclose/send/",
        handler_views.disclose_send,
        name="disclose_send",
    ),
]
