from django.urls import path

from ombuds.testimony import views

app_name = "testimony"
urlpatterns = [
    path("my-report/testimony/", views.mine, name="mine"),
    path("my-report/testimony/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:reference>/testimony/", views.prepare, name="prepare"),
    path("transparency/testimony/", views.published_list, name="published_list"),
    path("transparency/testimony/<slug:slug>/", views.published, name="published"),
]
