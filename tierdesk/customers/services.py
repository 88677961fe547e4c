"""Writes for the CRM: organizations, contacts and the interaction timeline."""

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tierdesk.accounts.access import may_configure
from tierdesk.accounts.models import STAFF_ROLES, User
from tierdesk.audit.models import Subject
from tierdesk.audit.services import record_change
from tierdesk.compiled_writes import insert
from tierdesk.customers.models import (
    Contact,
    Interaction,
    LifecycleStage,
    Organization,
    RelationshipLevel,
)
from tierdesk.errors import Conflict, Invalid, NotAllowed
from tierdesk.tiers.models import Tier


def _require_staff(actor: User) -> None:
    if not actor.is_agent:
        raise NotAllowed("Only staff can change organizations and contacts.")


@transaction.atomic
def create_organization(
    *,
    actor: User | None,
    name: str,
    tier: Tier,
    domain: str = "",
    account_manager: User | None = None,
    at: datetime | None = None,
) -> Organization:
    if actor is not None:
        _require_staff(actor)
    if Organization.objects.filter(name=name).exists():
        raise Conflict(f"An organization named {name!r} exists already.", code="duplicate")
    return Organization.objects.create(
        name=name,
        tier=tier,
        domain=domain,
        account_manager=account_manager,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def create_contact(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    email: str,
    phone: str = "",
    user: User | None = None,
    at: datetime | None = None,
) -> Contact:
    if actor is not None:
        _require_staff(actor)
    email = email.strip().lower()
    if Contact.objects.filter(email=email).exists():
        raise Conflict(f"A contact with email {email} exists already.", code="duplicate")
    return Contact.objects.create(
        organization=organization,
        name=name,
        email=email,
        phone=normalize_phone(phone),
        user=user,
        created_at=at or timezone.now(),
    )


# What edit_organization may change; the tier moves open tickets and has its own service.
ACCOUNT_FIELDS = ("name", "domain", "account_manager", "lifecycle_stage", "relationship_level")


def _account_facts(organization: Organization) -> dict[str, object]:
    manager = organization.account_manager
    return {
        "name": organization.name,
        "domain": organization.domain,
        "account_manager": (manager.get_full_name() or manager.username) if manager else None,
        "lifecycle_stage": organization.get_lifecycle_stage_display(),
        "relationship_level": organization.get_relationship_level_display(),
    }


# A new sender joins the organization of their mail domain (contact_for_sender): a shared
# provider's domain would hand strangers each other's tickets.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.com",
        "yandex.ru", "mail.ru", "qq.com", "163.com", "zoho.com", "fastmail.com", "hey.com",
    }
)  # fmt: skip


def _checked_domain(organization: Organization, domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@")
    if not domain:
        return ""
    if len(domain) > 120 or "." not in domain or any(c.isspace() or c == "@" for c in domain):
        raise Invalid(f"{domain!r} is not a mail domain.", fields={"domain": "invalid"})
    if domain in SHARED_MAIL_DOMAINS:
        raise Invalid(
            f"{domain} is a shared mail provider: new senders from it would join this "
            "organization and see its tickets.",
            fields={"domain": "shared provider"},
        )
    other = Organization.objects.filter(domain__iexact=domain).exclude(pk=organization.pk).first()
    if other is not None:
        raise Conflict(
            f"{other.name} has the domain {domain} already.",
            code="duplicate",
            fields={"domain": "taken"},
        )
    return domain


def _checked_account_changes(organization: Organization, changes: dict) -> dict:  # type: ignore[type-arg]
    unknown = sorted(set(changes) - set(ACCOUNT_FIELDS))
    if unknown:
        raise Invalid(f"These cannot be changed here: {', '.join(unknown)}.")
    out = dict(changes)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise Invalid("An organization needs a name.", fields={"name": "required"})
        if len(out["name"]) > 120:
            raise Invalid("A name has at most 120 characters.", fields={"name": "too long"})
        taken = Organization.objects.filter(name__iexact=out["name"]).exclude(pk=organization.pk)
        if taken.exists():
            raise Conflict(
                f"An organization named {out['name']!r} exists already.",
                code="duplicate",
                fields={"name": "taken"},
            )
    if "domain" in out:
        out["domain"] = _checked_domain(organization, out["domain"] or "")
    manager = out.get("account_manager")
    if manager is not None and (manager.role not in STAFF_ROLES or not manager.is_active):
        raise Invalid(
            "An account manager is an active agent, manager or admin.",
            fields={"account_manager": "not active staff"},
        )
    if "lifecycle_stage" in out and out["lifecycle_stage"] not in LifecycleStage.values:
        raise Invalid(
            f"Lifecycle stage is one of {', '.join(LifecycleStage.values)}.",
            fields={"lifecycle_stage": "unknown"},
        )
    if "relationship_level" in out and out["relationship_level"] not in RelationshipLevel.values:
        raise Invalid(
            f"Relationship level is one of {', '.join(RelationshipLevel.values)}.",
            fields={"relationship_level": "unknown"},
        )
    return out


@transaction.atomic
def edit_organization(
    *,
    actor: User,
    organization: Organization,
    changes: dict,
    at: datetime | None = None,  # type: ignore[type-arg]
) -> Organization:
    """Change a customer's account facts (name, domain, account manager, lifecycle stage,
    relationship level): managers and admins, audited with what each was before."""
    if not may_configure(actor):
        raise NotAllowed("Only managers and admins can change a customer's account.")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changes = _checked_account_changes(organization, changes)
    before = _account_facts(organization)
    for field, value in changes.items():
        setattr(organization, field, value)
    if changes:
        organization.save(update_fields=list(changes))
    record_change(
        actor=actor,
        at=at or timezone.now(),
        subject=Subject.ORGANIZATION,
        subject_id=organization.pk,
        action="account edited",
        before=before,
        after=_account_facts(organization),
    )
    return organization


def record_interaction(
    *,
    organization_id: int,
    kind: str,
    summary: str,
    at: datetime,
    contact_id: int | None = None,
    channel: str = "",
    ticket_id: int | None = None,
) -> Interaction:
    """Append to the timeline; callers hold the transaction of the change it records."""
    interaction = Interaction(
        organization_id=organization_id,
        contact_id=contact_id,
        kind=kind,
        summary=summary[:300],
        occurred_at=at,
        channel=channel,
        ticket_id=ticket_id,
    )
    insert([interaction])
    return interaction


@transaction.atomic
def link_login(*, actor: User | None, contact: Contact, user: User | None) -> Contact:
    """Give a contact a customer login (the portal and the API), or take it away (None).

    Admins only (``actor`` None: the operator's shell). A login already serving another
    contact, or a contact that has another login, is refused rather than moved: moving it
    would silently hand one organization's tickets to whoever holds the login.
    """
    if actor is not None and not actor.is_tier_admin:
        raise NotAllowed("Only an admin links a login to a contact.")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if user is None:
        contact.user = None
        contact.save(update_fields=["user"])
        return contact
    if not user.is_customer:
        raise Invalid(
            "Only a customer login can be linked to a contact; staff keep their own accounts.",
            fields={"user_id": "not a customer login"},
        )
    if contact.user_id == user.pk:
        return contact  # linking twice is a no-op
    other = Contact.objects.filter(user=user).exclude(pk=contact.pk).first()
    if other is not None:
        raise Conflict(
            f"{user.username} is already the login of {other.email}; unlink it there first.",
            fields={"user_id": "linked to another contact"},
        )
    if contact.user_id is not None:
        raise Conflict(
            f"{contact.email} already has a login; unlink it first.",
            fields={"contact_id": "has another login"},
        )
    contact.user = user
    contact.save(update_fields=["user"])
    return contact


def contact_for_sender(*, email: str, name: str = "", at: datetime | None = None) -> Contact:
    """The contact who wrote from ``email``, created on first contact (email, web form).

    A known address is that contact. An unknown one joins the organization whose domain
    matches its own; otherwise it gets an organization of its own on the entry tier (the
    lowest rank, Basic by default): strangers who share a mail provider never share
    tickets. Safe against two messages from a new sender arriving at once.
    """
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid(f"{email!r} is not an email address.", fields={"email": "invalid"})
    found = Contact.objects.filter(email=email).first()
    if found is not None:
        return found
    now = at or timezone.now()
    name = " ".join(name.split())[:120] or email.split("@")[0]
    domain = email.rsplit("@", 1)[1]
    try:
        with transaction.atomic():
            organization = Organization.objects.filter(domain__iexact=domain).first()
            if organization is None:
                entry = Tier.objects.order_by("rank").first()
                if entry is None:
                    raise Conflict("No tier exists yet; an admin must create one first.")
                organization = Organization.objects.create(
                    name=f"{name} <{email}>"[:120], tier=entry, created_at=now
                )
            return Contact.objects.create(
                organization=organization, name=name, email=email, created_at=now
            )
    except IntegrityError:
        # The same sender's other message created the contact a moment ago.
        return Contact.objects.get(email=email)


_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
PHONE_PATTERN = re.compile(r"\+?[0-9]{3,20}")
# An unknown caller who gave no email gets a never-deliverable address (RFC 2606 .invalid).
NO_EMAIL_DOMAIN = "phone.invalid"


def normalize_phone(phone: str) -> str:
    """A phone number as stored and matched: digits with an optional leading +.

    Spaces, dots, dashes, slashes and parentheses are dropped ("+44 (20) 7946-0000" is
    "+442079460000"); anything else is kept, so a malformed number never matches another.
    """
    return _PHONE_PUNCTUATION.sub("", phone.strip())[:32]


def contact_for_caller(
    *, phone: str, email: str = "", name: str = "", at: datetime | None = None
) -> Contact:
    """The contact calling from ``phone``, created on first contact like an email sender.

    A known number is that contact (the longest-known one when several share it); then a
    known email. An unknown caller with an email becomes a contact as ``contact_for_sender``
    does. One with neither gets a contact of its own, on an organization of its own on the
    entry tier, with the address ``<number>@phone.invalid`` (never mailed), so the call is
    still recorded and an agent can later move it to the right customer.
    """
    number = normalize_phone(phone)
    if not PHONE_PATTERN.fullmatch(number):
        raise Invalid(f"{phone!r} is not a phone number.", fields={"caller.phone": "invalid"})
    found = Contact.objects.filter(phone=number).order_by("created_at", "pk").first()
    if found is not None:
        return found
    address = email.strip().lower() or f"{number.lstrip('+')}@{NO_EMAIL_DOMAIN}"
    contact = contact_for_sender(email=address, name=name or number, at=at)
    if not contact.phone:
        Contact.objects.filter(pk=contact.pk, phone="").update(phone=number)
        contact.phone = number
    return contact
