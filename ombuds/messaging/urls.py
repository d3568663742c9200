"""Messaging pages; included at the site root, so each path carries its full prefix."""

from django.urls import path

from ombuds.messaging import views

app_name = "messaging"
urlpatterns = [
    # The complainant (by receipt or account).
    path("my-report/messages/", views.my_threads, name="my_threads"),
    path("my-report/messages/<str:thread>/", views.my_thread, name="my_thread"),
    path(
        "my-report/attachments/<uuid:attachment_id>/",
        views.my_attachment,
        name="my_attachment",
    ),
    path(
        "my-report/attachments/<uuid:attachment_id>/original/",
        views.my_attachment_original,
        name="my_attachment_original",
    ),
    # The respondent.
    path("respond/messages/", views.respondent_thread, name="respondent_thread"),
    path(
        "respond/attachments/<uuid:attachment_id>/",
        views.respondent_attachment,
        name="respondent_attachment",
    ),
    path(
        "respond/attachments/<uuid:attachment_id>/original/",
        views.respondent_attachment_original,
        name="respondent_attachment_original",
    ),
    # Handlers on the case.
    path(
        "cases/<str:reference>/messages/<str:thread>/",
        views.case_thread,
        name="case_thread",
    ),
    path("cases/<str:reference>/support/", views.support, name="support"),
    path(
        "cases/<str:reference>/attachments/<uuid:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path(
        "cases/<str:reference>/attachments/<uuid:attachment_id>/original/",
        views.case_attachment_original,
        name="case_attachment_original",
    ),
]
