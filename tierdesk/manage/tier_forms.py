"""The tier editor's forms: settings, and the promise (channels, targets, pausing) as one."""

from typing import Any

from django import forms

from tierdesk.accounts.models import AgentGroup
from tierdesk.sla.models import AlertKind, EscalationAction
from tierdesk.tiers.models import (
    BusinessCalendar,
    Channel,
    Metric,
    Priority,
    Tier,
)
from tierdesk.tiers.services import NEVER_PAUSED, PAUSABLE_STATUSES, Target

STATUS_LABELS = {"pending": "Pending", "on_hold": "On hold"}


class TierSettingsForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = [
            "routing_priority",
            "max_customer_priority",
            "min_seniority",
            "proactive_care",
            "account_manager_required",
            "attainment_goal_percent",
            "phone_answer_target_seconds",
            "chat_answer_target_seconds",
            "support_scope",
            "description",
        ]
        labels = {
            "routing_priority": "Routing priority (higher is served first)",
            "max_customer_priority": "Highest priority a customer may choose",
            "min_seniority": "Least seniority of who answers",
            "proactive_care": "Proactive care",
            "account_manager_required": "Dedicated account manager",
            "attainment_goal_percent": "Attainment goal (%)",
            "phone_answer_target_seconds": "Phone answered within (seconds)",
            "chat_answer_target_seconds": "Chat answered within (seconds)",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


def cell(priority: str, metric: str) -> str:
    return f"{priority}__{metric}"


class PolicyForm(forms.Form):
    """Channels on or off with their calendar, a target per priority and metric, pausing.

    A target is entered as hours and minutes; both empty means no target for that cell.
    """

    def __init__(self, *args: Any, tier: Tier, calendars: list[BusinessCalendar], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tier = tier
        self.calendars = {c.pk: c for c in calendars}
        coverage = {c.channel: c.calendar_id for c in tier.coverage.all()}
        targets = {(t.priority, t.metric): t for t in tier.targets.all()}
        choices = [(c.pk, c.name) for c in calendars]
        for channel, label in Channel.choices:
            self.fields[f"on_{channel}"] = forms.BooleanField(
                label=f"{label} included", required=False, initial=channel in coverage
            )
            self.fields[f"calendar_{channel}"] = forms.TypedChoiceField(
                label=f"{label} hours",
                choices=choices,
                coerce=int,
                initial=coverage.get(channel, coverage.get(Channel.EMAIL)),
            )
        for priority, p_label in Priority.choices:
            for metric, m_label in Metric.choices:
                name, t = cell(priority, metric), targets.get((priority, metric))
                where = f"{p_label}, {m_label.lower()}"
                seconds = t.target_seconds if t else None
                self.fields[f"{name}__h"] = forms.IntegerField(
                    label=f"{where}: hours",
                    min_value=0,
                    max_value=8784,
                    required=False,
                    initial=seconds // 3600 if seconds else None,
                )
                self.fields[f"{name}__m"] = forms.IntegerField(
                    label=f"{where}: minutes",
                    min_value=0,
                    max_value=59,
                    required=False,
                    initial=seconds % 3600 // 60 if seconds else None,
                )
                self.fields[f"{name}__business"] = forms.BooleanField(
                    label=f"{where}: business hours",
                    required=False,
                    initial=t.business_time if t else True,
                )
                self.fields[f"{name}__warn"] = forms.IntegerField(
                    label=f"{where}: warn at (%)",
                    min_value=1,
                    max_value=99,
                    initial=t.warn_percent if t else 75,
                )
        pausing = tier.pausing_statuses
        for metric, m_label in Metric.choices:
            if metric in NEVER_PAUSED:
                continue
            self.fields[f"pause_{metric}"] = forms.MultipleChoiceField(
                label=f"{m_label} pauses while",
                choices=[(s, STATUS_LABELS[s]) for s in PAUSABLE_STATUSES],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=pausing.get(metric, []),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for priority, _ in Priority.choices:
            for metric, _ in Metric.choices:
                name = cell(priority, metric)
                h, m = data.get(f"{name}__h"), data.get(f"{name}__m")
                if (h or 0) * 3600 + (m or 0) * 60 == 0 and (h is not None or m is not None):
                    self.add_error(
                        f"{name}__h",
                        "A target must be at least a minute; leave both empty for none.",
                    )
        return data

    # The grid, for the template: rows of priorities, a cell per metric.
    def grid(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return [
            (
                p_label,
                [
                    {
                        "metric": m_label,
                        **{
                            part: self[f"{cell(p, m)}__{part}"]
                            for part in ("h", "m", "business", "warn")
                        },
                    }
                    for m, m_label in Metric.choices
                ],
            )
            for p, p_label in Priority.choices
        ]

    def channel_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"on_{c}"], self[f"calendar_{c}"]) for c in Channel.values]

    def pausing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("pause_")]

    # What the services take, from the cleaned form.
    def targets(self) -> list[Target]:
        data, out = self.cleaned_data, []
        for priority in Priority.values:
            for metric in Metric.values:
                name = cell(priority, metric)
                seconds = (data.get(f"{name}__h") or 0) * 3600 + (data.get(f"{name}__m") or 0) * 60
                if seconds:
                    out.append(
                        Target(
                            priority,
                            metric,
                            seconds,
                            bool(data.get(f"{name}__business")),
                            data.get(f"{name}__warn") or 75,
                        )
                    )
        return out

    def coverage(self) -> dict[str, BusinessCalendar]:
        data = self.cleaned_data
        return {
            c: self.calendars[data[f"calendar_{c}"]] for c in Channel.values if data.get(f"on_{c}")
        }

    def pausing(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        return {m: list(data.get(f"pause_{m}", [])) for m in Metric.values if m not in NEVER_PAUSED}

    def field_for(self, service_field: str) -> str | None:
        """The form field a service's refusal names, when there is one."""
        if service_field == "channel":
            return "on_email"
        if service_field.startswith("pausing_statuses."):
            name = "pause_" + service_field.split(".", 1)[1]
            return name if name in self.fields else None
        return None


class EscalationForm(forms.Form):
    on = forms.ChoiceField(label="When a clock records a", choices=AlertKind.choices)
    metric = forms.ChoiceField(
        label="Of", choices=[("", "Any metric"), *Metric.choices], required=False
    )
    action = forms.ChoiceField(label="Then", choices=EscalationAction.choices)
    group = forms.TypedChoiceField(
        label="Group (reassigning only)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, groups: list[AgentGroup], **kwargs: Any):
        kwargs.setdefault("prefix", "escalation")
        super().__init__(*args, **kwargs)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [("", "None"), *((g.pk, g.name) for g in groups)]  # type: ignore[attr-defined]

    def rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "on": data["on"],
            "metric": data["metric"],
            "action": data["action"],
            "group": self.groups.get(data["group"]) if data["group"] else None,
        }
