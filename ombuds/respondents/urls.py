from django.urls import URLPattern

app_name = "respondents"
urlpatterns: list[URLPattern] = []
