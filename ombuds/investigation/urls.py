from django.urls import path

from ombuds.investigation import measure_views, party_views, views

app_name = "investigation"
_CASE = "cases/<str:reference>"
urlpatterns = [
    # Handlers' pages.
    path(f"{_CASE}/measures/", measure_views.measures, name="measures"),
    path(
        f"{_CASE}/measures/<int:number>/approve/",
        measure_views.measure_approve_page,
        name="measure_approve",
    ),
    path(
        f"{_CASE}/measures/<int:number>/review/",
        measure_views.measure_review_page,
        name="measure_review",
    ),
    path(f"{_CASE}/interviews/", views.interviews, name="interviews"),
    path(f"{_CASE}/interviews/record/", views.interview_record_page, name="interview_record"),
    path(f"{_CASE}/interviews/declined/", views.interview_declined_page, name="interview_declined"),
    path(f"{_CASE}/interviews/<int:number>/", views.interview_page, name="interview"),
    path(f"{_CASE}/evidence/", views.evidence, name="evidence"),
    path(f"{_CASE}/draft-report/", views.draft_report, name="draft_report"),
    path(f"{_CASE}/findings/", views.findings, name="findings"),
    # The complainant's pages.
    path("my-report/interviews/<int:number>/", party_views.my_interview, name="my_interview"),
    path("my-report/draft-report/", party_views.my_draft_report, name="my_draft_report"),
    # The respondent's pages.
    path(
        "respond/interviews/<int:number>/", party_views.respond_interview, name="respond_interview"
    ),
    path("respond/draft-report/", party_views.respond_draft_report, name="respond_draft_report"),
    path("respond/measures/", party_views.respond_measures, name="respond_measures"),
    path("respond/measures/<int:number>/", party_views.respond_measure, name="respond_measure"),
]
