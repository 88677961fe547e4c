"""The REST API v1: Django Ninja, token or session auth, one error shape for every refusal."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from tierdesk.accounts.models import User
from tierdesk.accounts.services import authenticate_token
from tierdesk.errors import TierdeskError
from tierdesk.openapi_errors import with_refusals
from tierdesk.renderers import OrjsonRenderer
from tierdesk.uploads import refused_upload


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate_token(token)


class TierdeskApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return with_refusals(super().get_openapi_schema(*args, **kwargs))


api = TierdeskApi(
    title="tierdesk API",
    version="1",
    description="Tickets, customers and tiers. Authenticate with `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), django_auth],
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
    renderer=OrjsonRenderer(),
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(TierdeskError)
def tierdesk_error(request: HttpRequest, exc: TierdeskError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


def _field_name(loc: tuple[object, ...]) -> str:
    # ("body", "payload", "subject") -> "subject"; a whole-body error keeps its place name.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file")]
    return ".".join(parts[1:] if len(parts) > 1 else parts) or "body"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    refused = refused_upload(request)
    if refused is not None:
        # The file was dropped while it arrived; say so instead of "file: required".
        return tierdesk_error(request, refused)
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(
            _field_name(tuple(error.get("loc", ()))), str(error.get("msg", "invalid"))
        )
    if any(e.get("type") == "json_invalid" for e in exc.errors):
        return _error(request, 422, "malformed_json", "The request body is not valid JSON.", fields)
    return _error(request, 422, "invalid", "Some fields are invalid; see fields.", fields)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", "The request body is too large.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "unauthenticated",
        "Sign in, or send a valid token as 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja wraps body parsing failures in a 400; say which failure it was.
    if isinstance(exc.__cause__, RequestDataTooBig):
        return too_big(request, exc.__cause__)
    if str(exc).startswith("Cannot parse request body"):
        return _error(
            request,
            422,
            "malformed_json",
            "The request body is not valid JSON.",
            {"body": "not valid JSON"},
        )
    if exc.status_code == 403 and "CSRF" in str(exc):
        if not request.user.is_authenticated:
            # Nobody is signed in: the answer is "authenticate", not a CSRF puzzle.
            return unauthenticated(request, AuthenticationError())
        return _error(
            request,
            403,
            "csrf_failed",
            "Send the CSRF token (cookie csrftoken, header X-CSRFToken) with a session.",
        )
    return _error(request, exc.status_code, "http_error", str(exc))


def _routers() -> None:
    from tierdesk.accounts.api import router as accounts
    from tierdesk.customers.api import router as customers
    from tierdesk.kpis.api import router as kpis
    from tierdesk.reports.api import router as reports
    from tierdesk.sla.api import router as notifications
    from tierdesk.surveys.api import router as surveys
    from tierdesk.tickets.api import router as tickets
    from tierdesk.tiers.api import router as tiers
    from tierdesk.workforce.api import router as workforce

    api.add_router("/v1/tickets", tickets)
    api.add_router("/v1/organizations", customers)
    api.add_router("/v1/tiers", tiers)
    api.add_router("/v1/notifications", notifications)
    api.add_router("/v1/wfm", workforce)
    api.add_router("/v1/kpis", kpis)
    api.add_router("/v1/phone", "tierdesk.live.api.router")
    api.add_router("/v1/reports", reports)
    api.add_router("/v1", accounts)
    api.add_router("/v1", surveys)


_routers()
