from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_default_rules"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="survey", name="survey_kpi"),
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                fields=["kind", "answered_at"],
                include=("id", "ticket", "contact", "score"),
                name="survey_kpi",
            ),
        ),
    ]
