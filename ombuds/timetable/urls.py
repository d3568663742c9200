"""The administrator's pages for an organisation's calendar and service levels."""

from django.urls import path

from ombuds.timetable import admin_views

app_name = "timetable"
_ORG = "admin-area/organisations/<slug:slug>"
urlpatterns = [
    path(f"{_ORG}/calendar/", admin_views.calendar, name="calendar"),
    path(f"{_ORG}/calendar/region/", admin_views.calendar_region, name="calendar_region"),
    path(f"{_ORG}/calendar/closures/", admin_views.closure_add, name="closure_add"),
    path(f"{_ORG}/calendar/closures/remove/", admin_views.closure_remove, name="closure_remove"),
    path(f"{_ORG}/service-levels/", admin_views.levels, name="levels"),
]
