from django.urls import path

from ombuds.checkins import views

app_name = "checkins"
urlpatterns = [
    path("cases/<str:reference>/check-in/", views.record, name="record"),
    path("my-report/check-in/", views.answer, name="answer"),
    path("my-report/check-ins/stop/", views.decline, name="decline"),
    path("my-report/linked/", views.linked, name="linked"),
]
