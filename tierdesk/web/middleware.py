"""Page-wide middleware of the web UI: the person's time zone, sign-in from htmx requests."""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme


class UserTimeZone:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        zone = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):
                pass  # a zone removed from tzdata since it was chosen: show UTC
        return self.get_response(request)


class HtmxSignIn:
    """An htmx request from an expired session goes to sign-in as a whole page.

    Without this the browser follows the redirect inside the request and the sign-in
    page lands in the conversation. ``next`` is the page the person was on, so they come
    back to it; console.js keeps their draft meanwhile.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.headers.get("HX-Request") or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = (
            current.path
            if url_has_allowed_host_and_scheme(current.path, allowed_hosts={request.get_host()})
            and current.path
            else "/"
        )
        return HttpResponse(
            status=401, headers={"HX-Redirect": f"{login}?{urlencode({'next': back})}"}
        )
