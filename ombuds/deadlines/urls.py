from django.urls import path

from ombuds.deadlines import party_views, views

app_name = "deadlines"
urlpatterns = [
    path("cases/<str:reference>/delay/", views.explain, name="explain"),
    path("oversight/delays/", views.oversight, name="oversight"),
    path("oversight/delays/<str:reference>/", views.oversight_case, name="oversight_case"),
    path(
        "oversight/delays/<str:reference>/extension/",
        views.oversight_extension,
        name="oversight_extension",
    ),
    path(
        "oversight/delays/<str:reference>/reallocate/",
        views.oversight_reallocate,
        name="oversight_reallocate",
    ),
]
urlpatterns += [
    path("my-report/delays/", party_views.complainant_delays, name="complainant_delays"),
    path("my-report/delays/ask/", party_views.ask_for_update, name="ask_for_update"),
    path("respond/delays/", party_views.respondent_delays, name="respondent_delays"),
]
