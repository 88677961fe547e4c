"""The highest priority a customer may choose, per default tier (README: Default tiers)."""

from django.db import migrations, models

# Basic covers standard issues; Standard and Premium customers may flag an issue high;
# only VIP's executive-level promise lets a customer declare an emergency.
DEFAULTS = {"Basic": "normal", "Standard": "high", "Premium": "high", "VIP": "urgent"}


def set_defaults(apps, schema_editor):
    Tier = apps.get_model("tiers", "Tier")
    for name, priority in DEFAULTS.items():
        Tier.objects.filter(name=name).update(max_customer_priority=priority)


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0007_tier_terms_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="tier",
            name="max_customer_priority",
            field=models.CharField(
                choices=[
                    ("low", "Low"),
                    ("normal", "Normal"),
                    ("high", "High"),
                    ("urgent", "Urgent"),
                ],
                default="high",
                max_length=16,
            ),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
    ]
