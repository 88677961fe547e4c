"""The first public agent reply, the count of public agent replies and of reopens on each
ticket, filled from its messages and events; and an index on solved_at for the KPIs."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    replies = Message.objects.filter(
        ticket=OuterRef("pk"), author_kind="agent", kind="public"
    ).order_by().values("ticket")
    reopens = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind="reopened").order_by()
    Ticket.objects.update(
        first_response_at=Subquery(replies.annotate(at=Min("created_at")).values("at")),
        public_agent_replies=Coalesce(
            Subquery(replies.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
        reopens=Coalesce(
            Subquery(
                reopens.values("ticket").annotate(n=Count("*")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_live_contact_and_survey_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="first_response_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="public_agent_replies",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="ticket",
            name="reopens",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["solved_at"], name="ticket_solved"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
