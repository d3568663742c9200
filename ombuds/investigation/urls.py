from django.urls import URLPattern

app_name = "investigation"
urlpatterns: list[URLPattern] = []
