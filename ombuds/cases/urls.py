from django.urls import path

from ombuds.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<str:reference>/assess/", views.assess, name="assess"),
    path("<str:reference>/allocate/<str:role>/", views.allocate, name="allocate"),
    path("<str:reference>/close/", views.close, name="close"),
]
