"""URL map: the web UI at /, the REST API at /api/, configuration at /admin/."""

from django.contrib import admin
from django.urls import include, path

from tierdesk.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("wfm/", include("tierdesk.workforce.urls")),
    path("reports/", include("tierdesk.reports.urls")),
    path("", include("tierdesk.web.urls")),
]
