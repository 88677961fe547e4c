from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_clock_versions_and_ledger"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(fields=["metric", "started_at"], name="clock_kpi"),
        ),
    ]
