"""How clock spans read in the UI."""

import pytest

from tierdesk.web.templatetags.tierdesk_tags import span


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (59, "0m"),
        (3_900, "1h 05m"),
        (-2_100, "35m"),
        (90_000, "1d 1h"),
    ],
)
def test_span_reads_like_a_support_person_would_say_it(seconds, text):
    assert span(seconds) == text


def test_configuration_rows_read_as_names_with_hours_and_minutes(tiers):
    premium = tiers["Premium"]
    target = premium.targets.get(priority="high", metric="first_response")
    assert str(target) == "Premium · high · first response · 30m business"
    basic_low = tiers["Basic"].targets.get(priority="low", metric="first_response")
    assert str(basic_low).endswith("· 48h 00m business")
    coverage = premium.coverage.get(channel="chat")
    assert str(coverage).startswith("Premium · Live chat on ")
