"""The environment of the pages drawn by Jinja2 (compiled templates): the queue's results,
which draw fifty rows on every request. They escape and read dates as Django's templates do,
so a page is the same whichever engine drew a part of it."""

import html
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import Jinja2
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.template.defaultfilters import date as django_date
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import Environment

from tierdesk.web.clock_reading import clock_html
from tierdesk.web.fast_dates import format_local


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)
    # Included parts keep their last newline, as Django's includes do.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(autoescape=True, finalize=_as_django_escapes, **options)
    env.globals.update(url=_url, clock_cell=clock_html)
    env.filters.update(date=_date)
    return env


def _as_django_escapes(value: object) -> object:
    """Escape with Django's escape (``&#x27;``, ``&quot;``) rather than MarkupSafe's
    (``&#39;``, ``&#34;``): the same text reads the same bytes in either engine. Django's
    ``escape`` is ``html.escape`` behind a lazy-string wrapper; a page calls this thousands
    of times, so plain values skip the wrapper."""
    if hasattr(value, "__html__"):
        return value
    if type(value) is int:
        return value  # digits need no escaping
    return SafeString(html.escape(str(value)))


def _url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def _date(value: datetime | None, format_string: str) -> str:
    """Django's ``date`` filter, in the reader's time zone as Django's templates read it."""
    local = template_localtime(value)
    if isinstance(local, datetime):
        return format_local(local, format_string)
    return django_date(local, format_string)


class CompiledFormRenderer(Jinja2):
    """Draws a form's widgets with Jinja2's copies of Django's widget templates, in this
    environment: the same HTML as Django's engine writes (escapes included; no blank line
    between a select's options), several times faster. For the forms of the queue and the
    ticket page, drawn on every request; Django's admin keeps its own templates."""

    @cached_property
    def engine(self) -> Jinja2Backend:
        widgets = Path(django.forms.__file__).parent / "jinja2"
        return Jinja2Backend(
            {
                "APP_DIRS": True,
                "DIRS": [widgets],
                "NAME": "compiledforms",
                "OPTIONS": {
                    "environment": "tierdesk.web.jinja.environment",
                    "keep_trailing_newline": False,  # as Django's own widget templates
                },
            }
        )


COMPILED_FORMS = CompiledFormRenderer()
