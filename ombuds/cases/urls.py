from django.urls import path

from ombuds.cases import action_views, process_views, views, workload

app_name = "cases"
urlpatterns = [
    path("", workload.my_cases, name="my_cases"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/acknowledge/", action_views.acknowledge, name="acknowledge"),
    path("<str:reference>/assess/", action_views.assess, name="assess"),
    path("<str:reference>/allocate/<str:role>/", action_views.allocate, name="allocate"),
    path("<str:reference>/close/", action_views.close, name="close"),
    path("<str:reference>/parties/", process_views.parties, name="parties"),
    path("<str:reference>/route/", process_views.route_case, name="route"),
    path("<str:reference>/escalate/", process_views.escalate, name="escalate"),
    path("<str:reference>/refer/", process_views.refer_case, name="refer"),
    path("<str:reference>/risk/", process_views.record_risk, name="risk"),
    path("<str:reference>/safeguarding/", process_views.safeguarding, name="safeguarding"),
    path("<str:reference>/withdrawal/", process_views.withdrawal, name="withdrawal"),
    path("<str:reference>/recuse/", process_views.recuse, name="recuse"),
]
