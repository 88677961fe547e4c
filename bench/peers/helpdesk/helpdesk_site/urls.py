"""django-helpdesk at the root, so its API is /api/tickets/; /healthz says it is up."""

from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok")


urlpatterns = [
    path("healthz", healthz),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
