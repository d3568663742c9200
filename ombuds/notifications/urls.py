from django.urls import path

from ombuds.notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/notifications/", views.address, name="address"),
    path("my-report/notifications/", views.receipt_address, name="receipt_address"),
]
