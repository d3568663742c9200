from django.urls import path

from ombuds.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.overview, name="overview"),
]
