"""Template helpers of the managers' pages: fields tied to their errors, readable changes."""

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from tierdesk.audit.models import ConfigChange
from tierdesk.domain.durations import hours_minutes

register = template.Library()


@register.filter
def described(field: forms.BoundField) -> SafeString:
    """The widget, marked invalid and described by its error text when it has one."""
    attrs = {}
    if field.errors:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
    return field.as_widget(attrs=attrs)


def _readable(key: str, value: Any) -> str:
    if value is None:
        return "none"
    if key.endswith("target_seconds") and isinstance(value, int) and "answer" not in key:
        return hours_minutes(value)
    if isinstance(value, list):
        return ", ".join(_readable(key, v) for v in value) if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def change_lines(change: ConfigChange) -> list[tuple[str, str, str]]:
    """(what, before, after) for each value the change touched."""
    keys = sorted(change.before.keys() | change.after.keys())
    return [
        (
            key.replace("_", " "),
            _readable(key, change.before.get(key)) if key in change.before else "—",
            _readable(key, change.after.get(key)) if key in change.after else "—",
        )
        for key in keys
    ]
