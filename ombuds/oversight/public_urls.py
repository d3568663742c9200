"""The public transparency pages: no session, nothing of any case."""

from django.urls import path

from ombuds.oversight import statistics_views, views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="page"),
    path("checkpoint.txt", views.checkpoint_note, name="checkpoint_note"),
    path("statistics/", statistics_views.public_index, name="statistics"),
    path(
        "statistics/<slug:slug>/<int:year>/", statistics_views.public_year, name="statistics_year"
    ),
    path(
        "statistics/<slug:slug>/<int:year>/report/",
        statistics_views.public_report,
        name="statistics_report",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/report.pdf",
        statistics_views.public_pdf,
        name="statistics_pdf",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/figures.csv",
        statistics_views.public_csv,
        name="statistics_csv",
    ),
    path(
        "statistics/<slug:slug>/<int:year>/chart/<slug:figure>.svg",
        statistics_views.public_chart,
        name="statistics_chart",
    ),
]
