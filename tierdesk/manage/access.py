"""The managers' pages open to managers and admins only; everyone else gets the 403 page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tierdesk.accounts.access import may_configure

View = Callable[..., HttpResponse]


def configurer_required(view: View) -> View:
    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not may_configure(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
