"""Version 1 of every existing calendar and tier policy, in force from 2000-01-01 UTC."""

from django.db import migrations

from tierdesk.tiers.versions import install_first_versions


def first_versions(apps, schema_editor):
    install_first_versions(
        calendar_model=apps.get_model("tiers", "BusinessCalendar"),
        tier_model=apps.get_model("tiers", "Tier"),
        calendar_version=apps.get_model("tiers", "CalendarVersion"),
        policy_version=apps.get_model("tiers", "TierPolicyVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("tiers", "0003_policy_and_calendar_versions")]
    operations = [migrations.RunPython(first_versions, migrations.RunPython.noop)]
