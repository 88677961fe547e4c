"""The queue page's forms: its search and filters (GET) and its bulk action (POST)."""

from django import forms

from tierdesk.accounts.models import AgentGroup, User
from tierdesk.tickets.models import Status, Tag
from tierdesk.tickets.queue import SORTS, QueueQuery
from tierdesk.tiers.models import Channel, Priority, Tier
from tierdesk.web.jinja import COMPILED_FORMS

ANY = [("", "Any")]
MAX_BULK = 200


def _agents(agents: list[User]) -> list[tuple[str, str]]:
    return [(str(a.pk), a.get_full_name() or a.username) for a in agents]


class QueueFilterForm(forms.Form):
    default_renderer = COMPILED_FORMS
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", choices=ANY + Status.choices, required=False)
    priority = forms.ChoiceField(label="Priority", choices=ANY + Priority.choices, required=False)
    tier = forms.TypedChoiceField(label="Tier", coerce=int, empty_value=None, required=False)
    channel = forms.ChoiceField(label="Channel", choices=ANY + Channel.choices, required=False)
    group = forms.TypedChoiceField(label="Group", coerce=int, empty_value=None, required=False)
    assignee = forms.ChoiceField(label="Assignee", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    view = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)
    after = forms.CharField(required=False, max_length=200)
    before = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: object, agents: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tier"].choices = ANY + [(t.pk, t.name) for t in Tier.objects.order_by("rank")]  # type: ignore[attr-defined]
        self.fields["group"].choices = ANY + [  # type: ignore[attr-defined]
            (g.pk, g.name) for g in AgentGroup.objects.order_by("name")
        ]
        self.fields["assignee"].choices = [*ANY, ("none", "Nobody"), *_agents(agents)]  # type: ignore[attr-defined]
        self.fields["tag"].choices = (
            ANY
            + [  # type: ignore[attr-defined]
                (t, t) for t in Tag.objects.order_by("name").values_list("name", flat=True)[:500]
            ]
        )

    def query(self) -> QueueQuery:
        d = self.cleaned_data
        return QueueQuery(
            view=d["view"] or "",
            q=d["q"],
            status=d["status"],
            priority=d["priority"],
            tier_id=d["tier"],
            channel=d["channel"],
            group_id=d["group"],
            assignee=d["assignee"],
            tag=d["tag"],
            sort=d["sort"] or "due",
            page=d["page"] or 1,
            after=d["after"],
            before=d["before"],
        )


class TicketIds(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else []
        if not all(isinstance(v, str) and v.isdigit() and len(v) < 19 for v in values):
            raise forms.ValidationError("Ticket ids are whole numbers.")
        return [int(v) for v in values]


class BulkForm(forms.Form):
    default_renderer = COMPILED_FORMS
    ids = TicketIds(label="Tickets", error_messages={"required": "Select at least one ticket."})
    assignee_id = forms.ChoiceField(label="Assign to", required=False)
    status = forms.ChoiceField(
        label="Set status", choices=[("", "Keep")] + Status.choices, required=False
    )
    priority = forms.ChoiceField(
        label="Set priority", choices=[("", "Keep")] + Priority.choices, required=False
    )

    def __init__(self, *args: object, agents: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee_id"].choices = [("", "Keep"), ("none", "Nobody"), *_agents(agents)]  # type: ignore[attr-defined]

    def clean_ids(self) -> list[int]:
        ids = self.cleaned_data["ids"]
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(f"Choose at most {MAX_BULK} tickets at a time.")
        return ids

    def changes(self) -> dict[str, object]:
        d, changes = self.cleaned_data, {}
        if d["assignee_id"]:
            changes["assignee_id"] = 0 if d["assignee_id"] == "none" else int(d["assignee_id"])
        for name in ("status", "priority"):
            if d[name]:
                changes[name] = d[name]
        return changes
