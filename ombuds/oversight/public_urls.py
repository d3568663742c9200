"""The public transparency pages: no session, nothing of any case."""

from django.urls import path

from ombuds.oversight import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="page"),
    path("checkpoint.txt", views.checkpoint_note, name="checkpoint_note"),
]
