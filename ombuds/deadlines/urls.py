from django.urls import path

from ombuds.deadlines import admin_views, party_views, views

app_name = "deadlines"
_ORG = "admin-area/organisations/<slug:slug>"
urlpatterns = [
    path(f"{_ORG}/calendar/", admin_views.calendar, name="calendar"),
    path(f"{_ORG}/calendar/region/", admin_views.calendar_region, name="calendar_region"),
    path(f"{_ORG}/calendar/closures/", admin_views.closure_add, name="closure_add"),
    path(f"{_ORG}/calendar/closures/remove/", admin_views.closure_remove, name="closure_remove"),
    path(f"{_ORG}/service-levels/", admin_views.levels, name="levels"),
]
urlpatterns += [
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
