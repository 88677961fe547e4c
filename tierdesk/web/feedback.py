"""How a form hears back over htmx: a confirmation or an error in the alert region beside it."""

from django import forms
from django.http import HttpResponse
from django.template.loader import render_to_string

from tierdesk.errors import Invalid, TierdeskError


def form_refusal(error: TierdeskError) -> HttpResponse:
    """Only the form's alert region changes, so nothing the person typed is lost.

    The status stays the refusal's own (413, 422, 409, 403); console.js swaps these
    answers because the server chose where they go (``HX-Retarget``).
    """
    html = render_to_string("web/_form_alert.html", {"error": error.message})
    return HttpResponse(
        html,
        status=error.status,
        headers={"HX-Retarget": "find .form-alert", "HX-Reswap": "outerHTML"},
    )


def invalid_form(form: forms.Form) -> Invalid:
    """The form's errors as one refusal that names each field by its label."""
    fields = {name: " ".join(errors) for name, errors in form.errors.items()}
    parts = [
        f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: {text}"
        if name in form.fields
        else text
        for name, text in fields.items()
    ]
    return Invalid(" ".join(parts), fields=fields)
