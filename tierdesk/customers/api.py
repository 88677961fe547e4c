"""Organization and contact endpoints."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Status
from ninja.pagination import paginate
from pydantic import EmailStr

from tierdesk.accounts.selectors import staff_named_in_body, user_named_in_body
from tierdesk.customers import selectors, services
from tierdesk.customers.models import LifecycleStage, RelationshipLevel
from tierdesk.errors import Invalid, NotFound
from tierdesk.pagination import Page
from tierdesk.schemas import In, Out
from tierdesk.tickets import organization_changes
from tierdesk.tiers.models import Tier

router = Router(tags=["organizations"])


class OrganizationOut(Out):
    id: int
    name: str
    domain: str
    tier_id: int
    tier_name: str = Field(alias="tier.name")
    account_manager_id: int | None
    lifecycle_stage: str
    relationship_level: str
    created_at: datetime


class OrganizationIn(In):
    name: str = Field(min_length=1, max_length=120)
    tier_id: int
    domain: str = Field(default="", max_length=120)


class OrganizationPatchIn(In):
    """Only the fields sent change; ``account_manager_id: null`` removes the manager."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    domain: str | None = Field(default=None, max_length=120)
    tier_id: int | None = None
    account_manager_id: int | None = None
    lifecycle_stage: LifecycleStage | None = None
    relationship_level: RelationshipLevel | None = None


class ContactOut(Out):
    id: int
    organization_id: int
    name: str
    email: str
    phone: str
    user_id: int | None  # the customer login linked to this contact


class LoginIn(In):
    user_id: int | None  # a customer login; null unlinks


class ContactIn(In):
    name: str = Field(min_length=1, max_length=120)
    email: EmailStr
    phone: str = Field(default="", max_length=32)


class InteractionOut(Out):
    id: int
    kind: str
    channel: str
    occurred_at: datetime
    summary: str
    contact_id: int | None
    ticket_id: int | None


@router.get("", response=list[OrganizationOut])
@paginate(Page)
def list_organizations(request: HttpRequest) -> object:
    return selectors.organizations_visible_to(request.auth).order_by("name")


@router.post("", response={201: OrganizationOut})
def create_organization(request: HttpRequest, body: OrganizationIn) -> Status[object]:
    tier = Tier.objects.filter(pk=body.tier_id).first()
    if tier is None:
        raise NotFound(f"No tier {body.tier_id}.")
    org = services.create_organization(
        actor=request.auth, name=body.name, tier=tier, domain=body.domain
    )
    return Status(201, selectors.organization_for(request.auth, org.pk))


@router.get("/{organization_id}", response=OrganizationOut)
def get_organization(request: HttpRequest, organization_id: int) -> object:
    return selectors.organization_for(request.auth, organization_id)


@router.patch("/{organization_id}", response=OrganizationOut)
def change_organization(
    request: HttpRequest, organization_id: int, body: OrganizationPatchIn
) -> object:
    """Change the customer's account facts and tier (managers and admins, audited). A new
    tier moves the open tickets with it; they keep their elapsed time."""
    org = selectors.organization_for(request.auth, organization_id)
    sent = body.model_fields_set
    changes: dict[str, object] = {
        f: getattr(body, f)
        for f in ("name", "domain", "lifecycle_stage", "relationship_level")
        if f in sent
    }
    for field in ("name", "lifecycle_stage", "relationship_level"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field} cannot be null.", fields={field: "required"})
    if "account_manager_id" in sent:
        changes["account_manager"] = (
            staff_named_in_body(user_id=body.account_manager_id, field="account_manager_id")
            if body.account_manager_id is not None
            else None
        )
    tier = None
    if body.tier_id is not None:
        tier = Tier.objects.filter(pk=body.tier_id).first()
        if tier is None:
            raise NotFound(f"No tier {body.tier_id}.")
    organization_changes.change_organization(
        actor=request.auth, organization=org, changes=changes, tier=tier
    )
    return selectors.organization_for(request.auth, organization_id)


@router.get("/{organization_id}/contacts", response=list[ContactOut])
@paginate(Page)
def list_contacts(request: HttpRequest, organization_id: int) -> object:
    org = selectors.organization_for(request.auth, organization_id)
    return selectors.contacts_visible_to(request.auth).filter(organization=org)


@router.post("/{organization_id}/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, organization_id: int, body: ContactIn) -> Status[object]:
    org = selectors.organization_for(request.auth, organization_id)
    return Status(
        201,
        services.create_contact(
            actor=request.auth, organization=org, name=body.name, email=body.email, phone=body.phone
        ),
    )


@router.put("/{organization_id}/contacts/{contact_id}/login", response=ContactOut)
def link_login(
    request: HttpRequest, organization_id: int, contact_id: int, body: LoginIn
) -> object:
    org = selectors.organization_for(request.auth, organization_id)
    contact = selectors.contact_in(request.auth, org, contact_id)
    user = None if body.user_id is None else user_named_in_body(user_id=body.user_id)
    return services.link_login(actor=request.auth, contact=contact, user=user)


@router.get("/{organization_id}/timeline", response=list[InteractionOut])
def timeline(request: HttpRequest, organization_id: int) -> object:
    org = selectors.organization_for(request.auth, organization_id)
    return selectors.timeline(organization=org)
