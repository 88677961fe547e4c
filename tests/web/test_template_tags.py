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
