"""A service's refusal shown on a form: by each field it names, and above the form."""

from collections.abc import Callable

from django import forms

from tierdesk.errors import TierdeskError


def show_refusal(
    form: forms.Form, error: TierdeskError, field_for: Callable[[str], str | None] | None = None
) -> None:
    """The message above the form and by each field it names; nothing was saved."""
    for name, text in error.fields.items():
        target = name if name in form.fields else (field_for(name) if field_for else None)
        if target is not None:
            form.add_error(target, text)
    form.add_error(None, f"Nothing was saved. {error.message}")
