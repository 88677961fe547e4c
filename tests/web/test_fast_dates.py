"""The pages' fast date text is Django's, letter for letter, in every zone and at DST changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.dateformat import format as django_format
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.web.fast_dates import format_local

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
FORMATS = ["j M H:i", "D j M H:i T", "H:i T", "j M Y H:i T", "c"]
instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1))


@given(instant=instants, zone=st.sampled_from(ZONES), fmt=st.sampled_from(FORMATS))
def test_the_text_is_djangos(instant, zone, fmt):
    local = instant.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    assert format_local(local, fmt) == django_format(local, fmt)


def test_at_a_clock_change_the_zone_name_is_djangos():
    london = ZoneInfo("Europe/London")
    # 01:30 on 2026-10-25 happens twice in London: Django prints no zone name then.
    for fold in (0, 1):
        ambiguous = datetime(2026, 10, 25, 1, 30, tzinfo=london, fold=fold)
        assert format_local(ambiguous, "D j M H:i T") == django_format(ambiguous, "D j M H:i T")
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=london)
    assert format_local(summer, "D j M H:i T") == "Wed 1 Jul 12:00 BST"


def test_other_languages_and_formats_go_to_django():
    instant = datetime(2026, 12, 7, 9, 5, tzinfo=UTC) + timedelta(days=3)
    with translation.override("de"):
        assert format_local(instant, "D j M") == django_format(instant, "D j M")
        assert format_local(instant, "D j M") == "Do 10 Dez"
    assert format_local(instant, r"l \t\h\e jS") == django_format(instant, r"l \t\h\e jS")
