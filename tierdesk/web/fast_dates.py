"""Dates as the pages print them, for the few formats drawn on every queue row: Django's
own text, without its general formatter.

Django's ``date`` filter re-parses the format and looks up translated day and month names
on every call, about 0.1 ms a date; a queue page prints some 150 dates. The formats here
are read once; a language other than English, a format letter not listed, or a time zone
name at an ambiguous or skipped local time (a DST change) goes to Django's formatter, so
the text is always Django's (a property test compares the two).
"""

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache

from django.utils import translation
from django.utils.dateformat import format as django_format

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Piece = Callable[[datetime], str]
_FIELDS: dict[str, Piece] = {
    "D": lambda d: _WEEKDAYS[d.weekday()],
    "j": lambda d: str(d.day),
    "M": lambda d: _MONTHS[d.month - 1],
    "Y": lambda d: f"{d.year:04d}",
    "H": lambda d: f"{d.hour:02d}",
    "i": lambda d: f"{d.minute:02d}",
    "T": lambda d: str(d.tzname()),
}


@cache
def _compiled(format_string: str) -> tuple[tuple[Piece | str, ...], bool] | None:
    """The format as fields and literal text, and whether it names the zone; None when it
    uses anything else (an escape, another letter): Django's formatter then."""
    pieces: list[Piece | str] = []
    for char in format_string:
        if char in _FIELDS:
            pieces.append(_FIELDS[char])
        elif re.fullmatch(r"[ :,./\-]", char):
            pieces.append(char)
        else:
            return None
    return tuple(pieces), "T" in format_string


def format_local(value: datetime, format_string: str) -> str:
    """``value``, already in the reader's zone, as Django's ``date_format`` writes it."""
    if format_string == "c":
        return value.isoformat()
    compiled = _compiled(format_string)
    language = translation.get_language() or ""
    if compiled is None or not language.startswith("en") or value.tzinfo is None:
        return django_format(value, format_string)
    pieces, names_zone = compiled
    tz = value.tzinfo
    if names_zone and tz.utcoffset(value.replace(fold=not value.fold)) != tz.utcoffset(value):
        return django_format(value, format_string)  # Django prints no name then
    return "".join(p if isinstance(p, str) else p(value) for p in pieces)
