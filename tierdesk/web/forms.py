"""Forms of the web UI; they validate at the edge and hand clean values to the services."""

from collections.abc import Iterable

from django import forms

from tierdesk.accounts.models import User
from tierdesk.tickets.models import MessageKind, Status
from tierdesk.tiers.models import Channel, Priority


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=65_536)
    kind = forms.ChoiceField(choices=MessageKind.choices, initial=MessageKind.PUBLIC)
    status = forms.ChoiceField(choices=[("", "Keep status"), *Status.choices], required=False)
    attachment = forms.FileField(required=False)


class UpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    assignee_id = forms.TypedChoiceField(
        label="Assignee", coerce=int, empty_value=0, required=False
    )

    def __init__(self, *args: object, agents: Iterable[User] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee_id"].choices = [  # type: ignore[attr-defined]
            ("", "Nobody"),
            *((a.pk, a.get_full_name() or a.username) for a in agents),
        ]


class NewTicketForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=65_536)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.WEB, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    requester_email = forms.EmailField(required=False, help_text="Agents: who is this for?")
    attachment = forms.FileField(required=False, label="Attach a file")


class ContactForm(forms.Form):
    """The public contact form; ``website`` is a honeypot that people never see or fill."""

    name = forms.CharField(max_length=120, label="Your name", required=False)
    email = forms.EmailField(max_length=254, label="Your email")
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=65_536, label="How can we help?"
    )
    attachment = forms.FileField(required=False, label="Attach a file (optional)")
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
