from django.urls import path

from ombuds.oversight import statistics_views, views

app_name = "oversight"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify_full, name="verify_full"),
    path("reads/", views.reads, name="reads"),
    path("delay-register/", views.delays, name="delays"),
    path("vetting/", views.vetting, name="vetting"),
    path("statistics/", statistics_views.auditor_index, name="statistics"),
    path(
        "statistics/<slug:slug>/<int:year>/", statistics_views.auditor_year, name="statistics_year"
    ),
    path(
        "statistics/<slug:slug>/<int:year>/report/",
        statistics_views.auditor_report,
        name="statistics_report",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/report.pdf",
        statistics_views.auditor_pdf,
        name="statistics_pdf",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/figures.csv",
        statistics_views.auditor_csv,
        name="statistics_csv",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/chart/<slug:figure>.svg",
        statistics_views.auditor_chart,
        name="statistics_chart",
    ),
]
