"""The calendar editor's forms: zone, holidays and weekly hours as one; a custom day; a new one."""

from datetime import date, time
from typing import Any

from django import forms

from tierdesk.tiers.models import WEEKDAYS, BusinessCalendar
from tierdesk.tiers.services import CustomDay, Hours

SHIFTS_PER_DAY = 2
TIME = forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")


class NewCalendarForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    time_zone = forms.CharField(label="Time zone (IANA, e.g. Europe/London)", max_length=64)


class CalendarForm(forms.Form):
    """Zone, always open, holidays and up to two openings per weekday (end ≤ start: overnight)."""

    time_zone = forms.CharField(label="Time zone (IANA, e.g. Europe/London)", max_length=64)
    always_open = forms.BooleanField(label="Always open (24/7)", required=False)
    holiday_country = forms.CharField(
        label="Public holidays of country (ISO code, e.g. GB; empty: none)",
        max_length=8,
        required=False,
    )
    holiday_subdivision = forms.CharField(
        label="Subdivision (e.g. SCT; empty: whole country)", max_length=16, required=False
    )

    def __init__(self, *args: Any, calendar: BusinessCalendar, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "time_zone": calendar.time_zone,
                "always_open": calendar.always_open,
                "holiday_country": calendar.holiday_country,
                "holiday_subdivision": calendar.holiday_subdivision,
            },
        )
        super().__init__(*args, **kwargs)
        by_day: dict[int, list[Any]] = {}
        for h in calendar.hours.all():
            by_day.setdefault(h.weekday, []).append(h)
        for day, name in enumerate(WEEKDAYS):
            shifts = by_day.get(day, [])
            for i in range(SHIFTS_PER_DAY):
                shift = shifts[i] if i < len(shifts) else None
                for part in ("start", "end"):
                    self.fields[f"d{day}_{i}_{part}"] = forms.TimeField(
                        label=f"{name} opening {i + 1} {'opens' if part == 'start' else 'closes'}",
                        required=False,
                        widget=TIME,
                        initial=getattr(shift, part) if shift else None,
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in range(7):
            for i in range(SHIFTS_PER_DAY):
                start, end = data.get(f"d{day}_{i}_start"), data.get(f"d{day}_{i}_end")
                if (start is None) != (end is None):
                    missing = f"d{day}_{i}_{'end' if end is None else 'start'}"
                    self.add_error(missing, "Give both the opening and the closing time.")
        data["holiday_country"] = data.get("holiday_country", "").strip().upper()
        data["holiday_subdivision"] = data.get("holiday_subdivision", "").strip().upper()
        return data

    def week(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (
                name,
                [
                    (self[f"d{day}_{i}_start"], self[f"d{day}_{i}_end"])
                    for i in range(SHIFTS_PER_DAY)
                ],
            )
            for day, name in enumerate(WEEKDAYS)
        ]

    def hours(self) -> list[Hours]:
        data = self.cleaned_data
        return [
            Hours(day, data[f"d{day}_{i}_start"], data[f"d{day}_{i}_end"])
            for day in range(7)
            for i in range(SHIFTS_PER_DAY)
            if data.get(f"d{day}_{i}_start") is not None
        ]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "hours": self.hours(),
            "time_zone": data["time_zone"].strip(),
            "always_open": data["always_open"],
            "holiday_country": data["holiday_country"],
            "holiday_subdivision": data["holiday_subdivision"],
        }

    def field_for(self, service_field: str) -> str | None:
        if service_field.startswith("hours."):
            index = int(service_field.split(".")[1])
            hours = self.hours()
            if index < len(hours):
                return self._field_of(hours[index])
        return "d0_0_start" if service_field == "hours" else None

    def _field_of(self, shift: Hours) -> str | None:
        for i in range(SHIFTS_PER_DAY):
            if self.cleaned_data.get(f"d{shift.weekday}_{i}_start") == shift.start:
                return f"d{shift.weekday}_{i}_start"
        return None


class DayForm(forms.Form):
    """A custom day: closed all day, or open only in the given hours (beats holidays)."""

    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.TypedChoiceField(
        label="That day",
        choices=[("1", "Closed all day"), ("0", "Open only in these hours")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    start = forms.TimeField(label="Opens", required=False, widget=TIME)
    end = forms.TimeField(label="Closes", required=False, widget=TIME)
    note = forms.CharField(label="Note (e.g. Company offsite)", max_length=120, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("closed") is False and (data.get("start") is None or data.get("end") is None):
            self.add_error("start", "An open day needs its opening and closing time.")
        return data

    def custom_day(self) -> CustomDay:
        data = self.cleaned_data
        hours: tuple[tuple[time, time], ...] = (
            () if data["closed"] else ((data["start"], data["end"]),)
        )
        day: date = data["day"]
        return CustomDay(day=day, hours=hours, note=data["note"])
