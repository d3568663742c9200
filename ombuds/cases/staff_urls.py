"""The administrator's page for one staff member. It lives beside the leavers' service it
runs (re-allocating her cases), so the people app knows nothing of cases."""

from django.urls import path

from ombuds.cases import staff_views

app_name = "staff"
urlpatterns = [
    path("admin-area/staff/<str:username>/", staff_views.staff_member, name="member"),
]
