from django.urls import include, path

urlpatterns = [
    path("", include("ombuds.intake.urls")),
    path("", include("ombuds.people.urls")),
    path("cases/", include("ombuds.cases.urls")),
    path("oversight/", include("ombuds.oversight.urls")),
    path("liaison/", include("ombuds.liaison.urls")),
    path("", include("ombuds.respondents.urls")),
    path("", include("ombuds.messaging.urls")),
    path("", include("ombuds.investigation.urls")),
    path("", include("ombuds.decisions.urls")),
    path("", include("ombuds.deadlines.urls")),
    path("", include("ombuds.notifications.urls")),
]
