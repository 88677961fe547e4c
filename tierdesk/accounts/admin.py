"""Users, groups and skills in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tierdesk.accounts.models import AgentGroup, Skill, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "seniority", "is_active"]
    list_filter = ["role", "seniority", "is_active"]
    # Staff and superuser follow the role (User.save), so they are not edited here.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email", "time_zone"]}),
        ("tierdesk", {"fields": ["role", "seniority", "skills", "is_active"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


admin.site.register(AgentGroup)
admin.site.register(Skill)
