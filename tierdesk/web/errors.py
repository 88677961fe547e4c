"""Styled refusal pages: a refused CSRF token, a page not found, a page not allowed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tierdesk.errors import NotAllowed, NotFound
from tierdesk.web.feedback import form_refusal

CSRF_EXPIRED = (
    "This page's security token has expired (you signed in again elsewhere, or the page "
    "is old). Your text is kept: reload the page and send again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    error = NotAllowed(CSRF_EXPIRED, code="csrf")
    if request.headers.get("HX-Request"):
        return form_refusal(error)
    return render(request, "web/error.html", {"error": error, "title": "Expired page"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = NotFound("There is no such page, or it is not yours to see.")
    return render(request, "web/error.html", {"error": error, "title": "Not found"}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = NotAllowed("Your role may not open this page.")
    return render(request, "web/error.html", {"error": error, "title": "Not allowed"}, status=403)
