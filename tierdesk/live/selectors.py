"""Reads for live contacts; every one starts from what the user may see."""

from django.db.models import F, Q, QuerySet

from tierdesk.accounts.models import STAFF_ROLES, User
from tierdesk.errors import NotFound
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.tiers.models import Tier


def live_contacts_visible_to(user: User) -> QuerySet[LiveContact]:
    """Staff see every call and chat; a customer only their own organization's."""
    if user.is_agent:
        return LiveContact.objects.all()
    contact = getattr(user, "contact", None)
    if contact is None:
        return LiveContact.objects.none()
    return LiveContact.objects.filter(ticket__organization_id=contact.organization_id)


def live_contact_for(user: User, live_id: int) -> LiveContact:
    """The live contact, or NotFound for a missing and a foreign one alike."""
    live = (
        live_contacts_visible_to(user).select_related("ticket", "tier").filter(pk=live_id).first()
    )
    if live is None:
        raise NotFound(f"No call or chat {live_id}.")
    return live


def live_contact_by_external_id(*, channel: str, external_id: str) -> LiveContact | None:
    """The call or chat the telephony or chat system calls ``external_id``, if offered."""
    return LiveContact.objects.filter(channel=channel, external_id=external_id).first()


def senior_enough(*, actor: User, tier: Tier) -> bool:
    """Whether ``actor`` may take this tier's calls and chats (the rule ``waiting`` filters by).

    For a contact already read: deciding on it costs no query.
    """
    return actor.is_agent and actor.seniority >= tier.min_seniority


def waiting(*, actor: User, channel: str | None = None) -> QuerySet[LiveContact]:
    """Waiting calls and chats this agent may take: closest to its answer due time first.

    Only staff take contacts, and only of tiers whose minimum seniority they have (VIP
    needs senior agents). Ties go to the higher tier routing priority, then the longest
    wait; contacts with no answer target come after every one that has one.
    """
    if not actor.is_agent:
        return LiveContact.objects.none()
    qs = LiveContact.objects.filter(
        outcome=Outcome.WAITING, tier__min_seniority__lte=actor.seniority
    )
    if channel:
        qs = qs.filter(channel=channel)
    return qs.select_related("ticket", "tier", "contact").order_by(
        F("answer_due_at").asc(nulls_last=True),
        "-tier__routing_priority",
        "offered_at",
        "pk",
    )


def staff_by_login(login: str) -> User | None:
    """The active staff user with this username or email (how telephony names its agents)."""
    return (
        User.objects.filter(Q(username=login) | Q(email__iexact=login))
        .filter(is_active=True, role__in=STAFF_ROLES)
        .order_by("pk")
        .first()
    )
