"""The default survey rules (docs/surveys.md, "Who is asked"): CSAT and CES after every solve,
CES after every chat, NPS every 90 days; every tier and channel."""

from django.db import migrations

# kind, min days between two surveys to one contact, delay (minutes), days open
DEFAULT_RULES = [
    ("csat", 0, 0, 7),
    ("ces", 0, 0, 7),
    ("nps", 90, 0, 14),
]


def install(apps, schema_editor):
    rule = apps.get_model("surveys", "SurveyRule")
    for kind, days, delay, open_days in DEFAULT_RULES:
        rule.objects.get_or_create(
            kind=kind,
            tier=None,
            channel=None,
            defaults={
                "enabled": True,
                "min_days_between": days,
                "delay_minutes": delay,
                "open_days": open_days,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_surveys")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
