"""Chat answer targets and attainment goals for the default tiers (README: Default tiers)."""

import django.core.validators
from django.db import migrations, models

# name -> (chat answer target in seconds, attainment goal in percent)
DEFAULTS = {"Basic": (None, 80), "Standard": (None, 90), "Premium": (60, 95), "VIP": (30, 98)}


def set_defaults(apps, schema_editor):
    Tier = apps.get_model("tiers", "Tier")
    for name, (chat_seconds, goal) in DEFAULTS.items():
        Tier.objects.filter(name=name).update(
            chat_answer_target_seconds=chat_seconds, attainment_goal_percent=goal
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0005_vip_next_response_matches_first"),
    ]

    operations = [
        migrations.AddField(
            model_name="tier",
            name="attainment_goal_percent",
            field=models.PositiveSmallIntegerField(
                default=90,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
            ),
        ),
        migrations.AddField(
            model_name="tier",
            name="chat_answer_target_seconds",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
    ]
