"""The API writes dates as Django does, byte for byte, on its faster path too."""

from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.renderers import _default

DJANGO = DjangoJSONEncoder()


@given(value=st.datetimes(timezones=st.timezones() | st.just(UTC) | st.none()))
def test_a_datetime_is_spelled_as_djangos_encoder_spells_it(value):
    assert _default(value) == DJANGO.default(value)


@given(value=st.dates() | st.times() | st.decimals(allow_nan=False) | st.timedeltas())
def test_other_values_go_to_djangos_encoder(value):
    assert _default(value) == DJANGO.default(value)
