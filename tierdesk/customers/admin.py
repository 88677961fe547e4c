"""Organizations and contacts in the admin; creating and re-tiering go through the services.

Re-tiering an organization here is `move_organization_to_tier`, as in the API: its open
tickets move with it and the change is on its timeline. A refusal rolls the save back and
shows as an error message.
"""

from typing import Any, override

from django.contrib import admin
from django.http import HttpRequest

from tierdesk.customers.models import Contact, Organization
from tierdesk.customers.services import create_organization
from tierdesk.tickets.services import move_organization_to_tier
from tierdesk.tiers.admin import ServiceErrorsAsMessages

# Fields no service writes yet; the admin saves them itself (they decide no clock).
PLAIN_FIELDS = ("name", "domain", "account_manager", "lifecycle_stage", "relationship_level")


@admin.register(Organization)
class OrganizationAdmin(ServiceErrorsAsMessages):
    list_display = ["name", "tier", "account_manager", "lifecycle_stage"]
    list_filter = ["tier", "lifecycle_stage"]
    search_fields = ["name", "domain"]
    exclude = ["created_at"]

    @override
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = create_organization(
                actor=request.user,
                name=data["name"],
                tier=data["tier"],
                domain=data.get("domain", ""),
                account_manager=data.get("account_manager"),
            )
            obj.pk, obj.created_at = created.pk, created.created_at
            plain = [f for f in ("lifecycle_stage", "relationship_level") if f in form.changed_data]
        else:
            if "tier" in form.changed_data:
                move_organization_to_tier(actor=request.user, organization=obj, tier=data["tier"])
            plain = [f for f in PLAIN_FIELDS if f in form.changed_data]
        if plain:
            obj.save(update_fields=plain)

    @override
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization"]
    search_fields = ["name", "email"]
