from django.urls import path

from ombuds.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify_full, name="verify_full"),
]
