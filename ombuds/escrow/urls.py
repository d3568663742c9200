from django.urls import path

from ombuds.escrow import views

app_name = "escrow"
urlpatterns = [
    path("my-report/escrow/", views.mine, name="mine"),
    path("my-report/escrow/<uuid:entry_id>/withdraw/", views.withdraw, name="withdraw"),
    path("my-report/escrow/<uuid:entry_id>/decide/", views.decide, name="decide"),
    path("escrow/", views.matches, name="matches"),
    path("escrow/<uuid:match_id>/", views.match, name="match"),
    path("escrow/<uuid:match_id>/contact/<uuid:entry_id>/", views.contact, name="contact"),
]
