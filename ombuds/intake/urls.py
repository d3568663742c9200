from django.urls import URLPattern, path

app_name = "intake"
urlpatterns: list[URLPattern] = []
