"""Reads for the CRM, each starting from what the user may see."""

from django.db.models import Q, QuerySet

from tierdesk.accounts.models import User
from tierdesk.customers.models import Contact, Interaction, Organization
from tierdesk.errors import NotFound


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("tier", "account_manager")
    if user.is_agent:
        return qs
    contact = getattr(user, "contact", None)
    if contact is None:
        return qs.none()
    return qs.filter(pk=contact.organization_id)


def organizations_matching(user: User, text: str) -> QuerySet[Organization]:
    """Organizations whose name or domain contains ``text`` (all of them for no text), by name."""
    qs = organizations_visible_to(user).order_by("name", "pk")
    text = text.strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(domain__icontains=text))
    return qs


def organization_for(user: User, organization_id: int) -> Organization:
    org = organizations_visible_to(user).filter(pk=organization_id).first()
    if org is None:
        raise NotFound(f"No organization {organization_id}.")
    return org


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    qs = Contact.objects.select_related("organization")
    if user.is_agent:
        return qs
    contact = getattr(user, "contact", None)
    if contact is None:
        return qs.none()
    return qs.filter(organization_id=contact.organization_id)


def contact_for(user: User, contact_id: int) -> Contact:
    contact = contacts_visible_to(user).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(f"No contact {contact_id}.")
    return contact


def contact_in(user: User, organization: Organization, contact_id: int) -> Contact:
    contact = contacts_visible_to(user).filter(pk=contact_id, organization=organization).first()
    if contact is None:
        raise NotFound(f"No contact {contact_id} in organization {organization.pk}.")
    return contact


def timeline(*, organization: Organization, limit: int = 100) -> QuerySet[Interaction]:
    return organization.interactions.select_related("contact")[:limit]


def contact_by_email(user: User, email: str) -> Contact | None:
    return contacts_visible_to(user).filter(email=email.strip().lower()).first()
