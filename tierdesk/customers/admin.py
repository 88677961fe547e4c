"""Organizations and contacts in the admin."""

from django.contrib import admin

from tierdesk.customers.models import Contact, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "account_manager", "lifecycle_stage"]
    list_filter = ["tier", "lifecycle_stage"]
    search_fields = ["name", "domain"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization"]
    search_fields = ["name", "email"]
