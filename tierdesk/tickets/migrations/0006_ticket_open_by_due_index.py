"""The queue page's index: open tickets by due time, with their assignee for view counts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_ticket_kpi_counters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ("new", "open", "pending", "on_hold"))),
                fields=["sla_due_at", "id", "assignee"],
                name="ticket_open_by_due",
            ),
        ),
    ]
