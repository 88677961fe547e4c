"""App config for tierdesk.mail: email in (SMTP listener, Maildir) and out (SMTP outbox)."""

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "tierdesk.mail"
    label = "mail"

    def ready(self) -> None:
        from tierdesk.mail.outbound import may_mail
        from tierdesk.tickets.models import EventKind
        from tierdesk.tickets.subscribers import subscribe

        subscribe(EventKind.MESSAGE_ADDED, "tierdesk.mail.outbound.on_message_added", when=may_mail)
        # Escalation notices are written with the SLA alert that caused them; the alert's
        # event is the one dispatched to subscribers (docs/email.md, "Escalations").
        subscribe(EventKind.SLA_WARNING, "tierdesk.mail.outbound.on_sla_alert")
        subscribe(EventKind.SLA_BREACHED, "tierdesk.mail.outbound.on_sla_alert")
