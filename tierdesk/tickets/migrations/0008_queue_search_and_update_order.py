from django.db import migrations, models

# The queue's text search is `UPPER(subject) LIKE UPPER('%words%')` (Django's icontains):
# a trigram index answers it without reading every ticket. PostgreSQL only; pg_trgm is a
# trusted extension, so the database's owner may create it. SQLite scans, as before.
TRIGRAM = "CREATE INDEX IF NOT EXISTS ticket_subject_trgm ON tickets_ticket USING gin (UPPER(subject::text) gin_trgm_ops)"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(TRIGRAM)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_subject_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0007_kpi_covering_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ("new", "open", "pending", "on_hold"))),
                fields=["updated_at", "id"],
                name="ticket_open_by_update",
            ),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
