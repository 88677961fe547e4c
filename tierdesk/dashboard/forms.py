"""The dashboard's filter form (a GET form) and the date ranges its presets stand for."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms

from tierdesk.accounts.models import STAFF_ROLES, AgentGroup, User
from tierdesk.kpis.board import BREAKDOWNS
from tierdesk.kpis.queries import MAX_RANGE
from tierdesk.tiers.models import Channel, Tier

RANGES = (
    ("today", "Today"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("quarter", "Last quarter (90 days)"),
    ("custom", "From – to"),
)
ROLLING = {"7d": 7, "30d": 30, "quarter": 90}
DEFAULT_RANGE = "30d"
Range = tuple[datetime, datetime, tuple[datetime, datetime]]


def preset_range(preset: str, now: datetime) -> Range:
    """[start, end) for a preset and the range it is compared with.

    Rolling windows end now and are compared with the same length just before. Today runs
    from 00:00 UTC to now and is compared with the same hours yesterday, so that a morning
    is weighed against a morning.
    """
    if preset == "today":
        start = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
        return start, now, (start - timedelta(days=1), now - timedelta(days=1))
    start = now - timedelta(days=ROLLING[preset])
    return start, now, (start - (now - start), start)


def day_range(first: date, last: date) -> Range:
    """Whole UTC days, ``last`` included, compared with as many days just before."""
    start = datetime.combine(first, time(0), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
    return start, end, (start - (end - start), start)


class DateInput(forms.DateInput):
    input_type = "date"


class DashboardForm(forms.Form):
    range = forms.ChoiceField(choices=RANGES, required=False, label="Period")
    tier = forms.ChoiceField(required=False)
    channel = forms.ChoiceField(required=False)
    group = forms.ChoiceField(required=False)
    agent = forms.ChoiceField(required=False)
    breakdown = forms.ChoiceField(
        choices=[(b, b.capitalize()) for b in BREAKDOWNS], required=False, label="Table by"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `from` and `to`, as in the KPI API, are Python keywords: add them by name.
        self.fields["from"] = forms.DateField(required=False, widget=DateInput, label="From")
        self.fields["to"] = forms.DateField(required=False, widget=DateInput, label="To")
        self.order_fields(["range", "from", "to", "tier", "channel", "group", "agent"])
        anyone = [("", "All")]
        self.fields["tier"].choices = anyone + [
            (n, n) for n in Tier.objects.values_list("name", flat=True)
        ]
        self.fields["channel"].choices = anyone + list(Channel.choices)
        self.fields["group"].choices = anyone + [
            (n, n) for n in AgentGroup.objects.order_by("name").values_list("name", flat=True)
        ]
        self.fields["agent"].choices = anyone + [
            (n, n)
            for n in User.objects.filter(role__in=STAFF_ROLES, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from"), data.get("to")
        if first or last:
            data["range"] = "custom"
        elif data.get("range") == "custom":
            self.add_error("from", "Choose the first day, or pick a preset period.")
        if first and last and last < first:
            self.add_error("to", "The last day must not be before the first.")
        elif first and last and day_range(first, last)[1] - day_range(first, last)[0] > MAX_RANGE:
            self.add_error("to", "Choose at most two years.")
        return data

    def ranges(self, now: datetime) -> Range:
        """The range asked for; call after is_valid()."""
        data = self.cleaned_data
        if data.get("range") == "custom":
            last = data.get("to") or now.astimezone(UTC).date()
            first = data.get("from") or last - timedelta(days=ROLLING[DEFAULT_RANGE] - 1)
            return day_range(first, last)
        return preset_range(data.get("range") or DEFAULT_RANGE, now)

    def filters(self) -> dict[str, str]:
        return {
            k: self.cleaned_data[k]
            for k in ("tier", "channel", "group", "agent")
            if self.cleaned_data.get(k)
        }
