from django.contrib import admin
from django.urls import include, path

from kakehashi.api import api
from kakehashi.people import views as people_views

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language, which also saves a signed-in person's choice.
    path("i18n/setlang/", people_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    # Pages. Each app's urls.py writes its full paths (several apps share /projects/…).
    path("", include("kakehashi.core.urls")),
    path("", include("kakehashi.projects.urls")),
    path("", include("kakehashi.applications.urls")),
    path("", include("kakehashi.people.urls")),
    path("", include("kakehashi.programs.urls")),
    path("", include("kakehashi.recommendations.urls")),
    path("", include("kakehashi.matching.urls")),
    path("", include("kakehashi.offers.urls")),
    path("", include("kakehashi.documents.urls")),
    path("", include("kakehashi.review.urls")),
    path("", include("kakehashi.mobility.urls")),
    path("", include("kakehashi.internships.urls")),
    path("", include("kakehashi.audit.urls")),
    path("", include("kakehashi.network.urls")),
    path("", include("kakehashi.outcomes.urls")),
    path("", include("kakehashi.reports.urls")),
    path("", include("kakehashi.funding.urls")),
]
