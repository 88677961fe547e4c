"""The public contact form at /contact/: no login, CSRF, a honeypot and rate limits.

A sender is limited per client address (every post counts) and per email address (each
message that gets past the form's checks counts); limits and window come from settings
(README, "The public contact form"). Past either limit the answer is 429 with
Retry-After and a sentence saying when to try again. A post that fills the honeypot gets
the ordinary thank-you page with no reference and writes nothing: a bot learns nothing.
The thank-you page shows the ticket reference from a signed, short-lived token and never
the ticket itself, which only its requester's login (if any) may open.
"""

import logging

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tierdesk.errors import TierdeskError
from tierdesk.tickets.web_form import submit_web_form
from tierdesk.uploads import refused_upload
from tierdesk.web.forms import ContactForm
from tierdesk.web.ratelimit import Limit, hit

log = logging.getLogger(__name__)
SENT_SALT = "tierdesk.web.contact.sent"
SENT_MAX_AGE = 3600


def _limits() -> tuple[Limit, Limit]:
    window = settings.TIERDESK_CONTACT_FORM_WINDOW_SECONDS
    return (
        Limit("contact-ip", settings.TIERDESK_CONTACT_FORM_PER_IP, window),
        Limit("contact-address", settings.TIERDESK_CONTACT_FORM_PER_ADDRESS, window),
    )


def _too_many(
    request: HttpRequest, form: ContactForm, who: str, limit: Limit, wait: int
) -> HttpResponse:
    minutes = max(1, -(-wait // 60))
    per = _window_text(limit.window_seconds)
    message = (
        f"Too many messages from {who}: we accept {limit.per_window} {per}. "
        f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}; "
        "the messages you already sent have reached us."
    )
    response = _form_page(request, form, status=429, error=message)
    response["Retry-After"] = str(wait)
    return response


def _window_text(seconds: int) -> str:
    if seconds == 3600:
        return "an hour"
    if seconds % 3600 == 0:
        return f"every {seconds // 3600} hours"
    return f"every {max(1, seconds // 60)} minutes"


def _form_page(
    request: HttpRequest, form: ContactForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "error": error,
        "max_attachment_bytes": settings.TIERDESK_MAX_ATTACHMENT_BYTES,
    }
    return render(request, "web/contact.html", context, status=status)


def _prefill(request: HttpRequest) -> dict[str, str]:
    """What a refused chat hands over: the form starts with what the customer typed."""
    return {
        k: request.GET[k][:2000] for k in ("name", "email", "subject", "body") if k in request.GET
    }


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, ContactForm(initial=_prefill(request)))
    form = ContactForm(request.POST, request.FILES)
    per_ip, per_address = _limits()
    # The address the server saw; behind a proxy, run uvicorn with --proxy-headers.
    wait = hit(per_ip, request.META.get("REMOTE_ADDR", ""))
    if wait is not None:
        return _too_many(request, form, "your network", per_ip, wait)
    if request.POST.get("website"):
        log.info("contact form honeypot filled; nothing written")
        return render(request, "web/contact_sent.html", {"reference": None})
    refused = refused_upload(request)
    if refused is not None:
        form.is_valid()
        form.add_error("attachment", refused.message)
        return _form_page(request, form, status=refused.status)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    data = form.cleaned_data
    wait = hit(per_address, data["email"])
    if wait is not None:
        return _too_many(request, form, "this address", per_address, wait)
    try:
        ticket = submit_web_form(
            email=data["email"],
            name=data["name"],
            subject=data["subject"],
            body=data["body"],
            files=[data["attachment"]] if data["attachment"] else [],
        )
    except TierdeskError as error:
        return _form_page(request, form, status=error.status, error=error.message)
    token = signing.dumps(
        {"ticket": ticket.pk, "login": ticket.requester.user_id is not None}, salt=SENT_SALT
    )
    return redirect(f"{reverse('web:contact_sent')}?ref={token}")


def contact_sent(request: HttpRequest) -> HttpResponse:
    try:
        sent = signing.loads(request.GET.get("ref", ""), salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        return redirect("web:contact")
    return render(
        request,
        "web/contact_sent.html",
        {"reference": sent["ticket"], "has_login": sent["login"]},
    )
