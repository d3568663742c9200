from django.urls import path

from ombuds.intake import choice_views, public_views, report_views, views

app_name = "intake"
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", public_views.help_elsewhere, name="help"),
    path("staying-safe/", public_views.staying_safe, name="staying_safe"),
    path("report/", report_views.report, name="report"),
    path("report/send/", report_views.report_send, name="report_send"),
    path("report/sent/", report_views.report_sent, name="report_sent"),
    path("return/", views.return_to_report, name="return"),
    path("my-report/", views.my_report, name="my_report"),
    path("my-report/add/", views.add_information, name="add_information"),
    path("my-report/withdraw/", views.withdraw, name="withdraw"),
    path("my-report/proof/", views.proof, name="proof"),
    path("my-report/choices/<str:kind>/", choice_views.choice, name="choice"),
    path("my-report/advocate/", choice_views.change_advocate, name="change_advocate"),
]
