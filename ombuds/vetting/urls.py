from django.urls import path

from ombuds.vetting import party_views, views

app_name = "vetting"
urlpatterns = [
    path("vetting/", views.check, name="check"),
    path("vetting/checks/", views.checks, name="checks"),
    path("vetting/access-requests/", views.access_requests, name="access_requests"),
    path(
        "vetting/access-requests/<int:request_id>/",
        views.access_decide,
        name="access_decide",
    ),
    path("cases/<str:reference>/same-person/", views.same_person, name="same_person"),
    path(
        "cases/<str:reference>/same-person/<str:other>/ask/",
        views.ask_access,
        name="ask_access",
    ),
    path("admin-area/vetting/", views.permissions, name="permissions"),
    path("admin-area/vetting/<str:pseudonym>/", views.permission_set, name="permission_set"),
    path("admin-area/organisations/<slug:slug>/vetting/", views.policy, name="policy"),
    path("respond/vetting/", party_views.about_me, name="about_me"),
]
