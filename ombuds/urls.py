from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from ombuds.web.views import favicon, too_large

# English at the plain address, Welsh under /cy/: the address alone says the language,
# so the choice is kept without any cookie and a link can be shared in either language.
urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    *i18n_patterns(
        path("too-large/", too_large, name="too_large"),  # the proxy's 413 (deploy/nginx)
        path("", include("ombuds.intake.urls")),
        path("", include("ombuds.people.urls")),
        path("", include("ombuds.cases.staff_urls")),  # after people's "staff/new/"
        path("cases/", include("ombuds.cases.urls")),
        path("oversight/", include("ombuds.oversight.urls")),
        path("transparency/", include("ombuds.oversight.public_urls")),
        path("liaison/", include("ombuds.liaison.urls")),
        path("", include("ombuds.respondents.urls")),
        path("", include("ombuds.messaging.urls")),
        path("", include("ombuds.investigation.urls")),
        path("", include("ombuds.decisions.urls")),
        path("", include("ombuds.deadlines.urls")),
        path("", include("ombuds.timetable.urls")),
        path("", include("ombuds.notifications.urls")),
        path("", include("ombuds.escrow.urls")),
        path("", include("ombuds.checkins.urls")),
        path("", include("ombuds.survey.urls")),
        path("", include("ombuds.survey.public_urls")),
        path("", include("ombuds.testimony.urls")),
        path("", include("ombuds.vetting.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "ombuds.web.views.not_found"
