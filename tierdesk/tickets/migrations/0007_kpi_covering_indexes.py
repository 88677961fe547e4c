from django.db import migrations, models

# The backlog asks for tickets "not solved, or solved after the end": on PostgreSQL that
# is one range of this index (an unsolved ticket is solved at NEVER), read from the index
# alone. SQLite cannot match a bound constant to an index expression: it keeps reading
# the OR through ticket_solved, and gets no index it would not use.
NEVER = "'9999-12-31 00:00:00+00'::timestamptz"  # tierdesk.kpis.catalog.NEVER
OPEN_INDEX = (
    f"CREATE INDEX IF NOT EXISTS ticket_open ON tickets_ticket ((COALESCE(solved_at, {NEVER})))"
    # solved_at too: PostgreSQL reads an expression index alone only if it holds the
    # columns of the expression.
    " INCLUDE (id, solved_at, created_at, closed_at, tier_id, organization_id, channel,"
    " priority, group_id, assignee_id)"
)


def add_open_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OPEN_INDEX)


def drop_open_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_open")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_ticket_open_by_due_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="ticket_solved"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["solved_at"],
                include=(
                    "id",
                    "created_at",
                    "closed_at",
                    "public_agent_replies",
                    "reopens",
                    "tier",
                    "organization",
                    "channel",
                    "priority",
                    "group",
                    "assignee",
                ),
                name="ticket_solved",
            ),
        ),
        migrations.RunPython(add_open_index, drop_open_index),
        migrations.RemoveIndex(model_name="ticket", name="ticket_assignee"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["assignee", "status"], include=("id",), name="ticket_assignee"
            ),
        ),
    ]
