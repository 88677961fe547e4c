"""Who a widget visitor is: an identity token the customer's own site signs for them.

The site embedding the widget knows its signed-in user; its server signs
``{"org": <organization id>, "email", "name", "exp": <unix seconds>}`` with the
organization's widget secret (HMAC-SHA256), and the widget passes the token on. tierdesk
trusts the email only when the signature holds, the token has not expired and the
contact it names belongs to that organization (an unknown address becomes a contact of
it: the organization vouches for its own users). A visitor can never claim somebody else's
address, and a leaked secret exposes only its own organization.
"""

import base64
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from tierdesk.customers.models import Contact, Organization
from tierdesk.customers.services import create_contact
from tierdesk.errors import Conflict, Invalid, NotAllowed

SALT = "tierdesk.chat.widget-identity"


def widget_secret(organization: Organization) -> str:
    """The organization's widget secret, derived from SECRET_KEY (rotating it rotates all)."""
    return salted_hmac(SALT, f"organization:{organization.pk}", algorithm="sha256").hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sign_identity(*, secret: str, organization_id: int, email: str, name: str, exp: int) -> str:
    """What the customer's server does (docs/chat.md has the same recipe without Django)."""
    payload = _b64(
        json.dumps(
            {"org": organization_id, "email": email, "name": name, "exp": exp},
            separators=(",", ":"),
        ).encode()
    )
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{signature}"


def contact_for_identity(token: str, *, now: float | None = None) -> Contact:
    """The contact a valid token names, created on first contact like an email sender."""
    refused = NotAllowed(
        "This chat could not confirm who you are; sign in or write us a ticket.",
        code="identity",
    )
    payload, _, signature = token.partition(".")
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        organization = Organization.objects.select_related("tier").get(pk=int(claims["org"]))
        email, name, exp = str(claims["email"]), str(claims.get("name", "")), int(claims["exp"])
    except (ValueError, KeyError, TypeError, Organization.DoesNotExist):
        raise refused from None
    expected = hmac.new(
        widget_secret(organization).encode(), payload.encode(), hashlib.sha256
    ).hexdigest()
    now = time.time() if now is None else now
    too_far = now + settings.TIERDESK_CHAT_IDENTITY_MAX_AGE
    if not hmac.compare_digest(expected, signature) or not now < exp <= too_far:
        raise refused
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid(f"{email!r} is not an email address.", fields={"email": "invalid"})
    contact = Contact.objects.filter(email=email).first()
    if contact is None:
        name = " ".join(name.split())[:120] or email.split("@")[0]
        try:
            with transaction.atomic():
                contact = create_contact(
                    actor=None, organization=organization, name=name, email=email
                )
        except (IntegrityError, Conflict):  # the same visitor's other tab, a moment ago
            contact = Contact.objects.get(email=email)
    if contact.organization_id != organization.pk:
        raise refused
    return contact
