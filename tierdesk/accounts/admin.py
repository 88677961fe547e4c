"""Users, groups and skills in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tierdesk.accounts.models import AgentGroup, Skill, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "seniority", "is_active"]
    list_filter = ["role", "seniority", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("tierdesk", {"fields": ["role", "seniority", "skills"]}),
    ]


admin.site.register(AgentGroup)
admin.site.register(Skill)
