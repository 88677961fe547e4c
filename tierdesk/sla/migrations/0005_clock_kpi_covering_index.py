from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_clock_ticket_slices"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="slaclock", name="clock_kpi"),
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(
                fields=["metric", "started_at"],
                include=(
                    "id",
                    "state",
                    "achieved_at",
                    "elapsed_seconds",
                    "tier",
                    "organization",
                    "channel",
                    "priority",
                    "group",
                    "assignee",
                ),
                name="clock_kpi",
            ),
        ),
    ]
