"""Organizations and contacts in the admin; every change to an organization goes through
the services, as on the managers' Customers page and in the API.

Re-tiering here moves the open tickets with the organization and is on its timeline; the
account facts are audited. A refusal rolls the save back and shows as an error message.
"""

from typing import Any, override

from django.contrib import admin
from django.http import HttpRequest

from tierdesk.customers.models import Contact, Organization
from tierdesk.customers.services import ACCOUNT_FIELDS, create_organization
from tierdesk.tickets.organization_changes import change_organization
from tierdesk.tiers.admin import ServiceErrorsAsMessages


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
            # A new organization's stage and level are its first account facts, audited.
            fields = ("lifecycle_stage", "relationship_level")
            tier = None
        else:
            fields = ACCOUNT_FIELDS
            tier = data["tier"] if "tier" in form.changed_data else None
        changes = {f: data[f] for f in fields if f in form.changed_data}
        change_organization(actor=request.user, organization=obj, changes=changes, tier=tier)

    @override
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization"]
    search_fields = ["name", "email"]
