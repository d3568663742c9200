from django.urls import URLPattern, path

from ombuds.liaison import views

app_name = "liaison"
urlpatterns: list[URLPattern] = [path("", views.notices, name="notices")]
