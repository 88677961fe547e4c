"""Forms of the web UI; they validate at the edge and hand clean values to the services."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from tierdesk.accounts.models import User
from tierdesk.tickets.models import MessageKind, Status
from tierdesk.tiers.models import Channel, Priority, Tier
from tierdesk.web.jinja import COMPILED_FORMS


class ReplyForm(forms.Form):
    default_renderer = COMPILED_FORMS
    body = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 5}), max_length=65_536
    )
    kind = forms.ChoiceField(label="Type", choices=MessageKind.choices, initial=MessageKind.PUBLIC)
    status = forms.ChoiceField(
        label="Then set", choices=[("", "Keep status"), *Status.choices], required=False
    )
    attachment = forms.FileField(label="Attach a file", required=False)


class UpdateForm(forms.Form):
    default_renderer = COMPILED_FORMS
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


UPDATE_FIELDS = ("status", "priority", "assignee_id")


def changed_fields(form: UpdateForm, posted: Mapping[str, str]) -> dict[str, Any]:
    """Only what the agent changed: each field differs from the value the form was drawn with.

    The form carries ``<field>_was``; a field equal to it was left alone, so a form drawn
    before someone else's change can never write the old value back. A post without
    ``_was`` (a script, an old page) means every field it sends.
    """
    changes = {}
    for name in UPDATE_FIELDS:
        was = posted.get(f"{name}_was")
        if was is None or posted.get(name, "") != was:
            changes[name] = form.cleaned_data[name]
    return changes


def describe_changes(form: UpdateForm, changes: Mapping[str, Any]) -> str:
    if not changes:
        return "Nothing to save: you changed nothing."
    said = []
    for name in UPDATE_FIELDS:
        if name in changes:
            field = form[name]
            shown = dict(field.field.choices).get(changes[name] or "", changes[name])  # type: ignore[attr-defined]
            said.append(f"{field.label.lower()} {shown}")
    return "Saved: " + ", ".join(said) + "."


class NewTicketForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=65_536)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.WEB, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    requester_email = forms.EmailField(required=False, help_text="Agents: who is this for?")
    attachment = forms.FileField(required=False, label="Attach a file")

    def offer_priorities_of(self, tier: Tier) -> None:
        """A customer is offered only the priorities their tier lets them choose. Only the
        widget narrows: a hand-made post of a higher one still reaches the service, whose
        refusal says what the tier allows."""
        field = self.fields["priority"]
        field.widget.choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Priority.choices
            if tier.customer_priority(value) == value
        ]


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
