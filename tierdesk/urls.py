"""URL map: the web UI at /, the REST API at /api/, configuration at /admin/."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tierdesk.api import api
from tierdesk.health import healthz, readyz
from tierdesk.metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Browsers ask for it on pages that name no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("tierdesk/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("wfm/", include("tierdesk.workforce.urls")),
    path("chat/", include("tierdesk.chat.urls")),
    path("", include("tierdesk.surveys.urls")),
    path("dashboard/", include("tierdesk.dashboard.urls")),
    path("manage/", include("tierdesk.manage.urls")),
    path("reports/", include("tierdesk.reports.urls")),
    path("", include("tierdesk.accounts.urls")),
    path("", include("tierdesk.web.urls")),
]

handler404 = "tierdesk.web.errors.page_not_found"
handler403 = "tierdesk.web.errors.permission_denied"
