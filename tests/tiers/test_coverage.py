"""Channel hours and the gate read from the versions in force; hours described for people."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from tierdesk.domain.sla import Calendar, Shift
from tierdesk.tiers.coverage import channel_gate, channel_hours, describe_hours, openings

LONDON = ZoneInfo("Europe/London")
OFFICE = Calendar(
    tz=LONDON,
    weekly={d: (Shift(time(9), time(17)),) for d in range(5)},
    holiday_country="GB",
    holiday_subdiv="ENG",
)


def test_standard_hours_read_from_the_policy_in_force(tiers):
    night = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    hours = channel_hours(tier_id=tiers["Standard"].pk, at=night)
    assert [h.channel for h in hours] == ["phone", "email", "web", "api"]
    assert [h.open_now for h in hours] == [False] * 4
    assert {h.opens_at for h in hours} == {datetime(2026, 3, 4, 9, 0, tzinfo=UTC)}


def test_gate_accepts_written_channels_at_night_and_refuses_live_ones(tiers):
    night = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    standard = tiers["Standard"].pk
    assert channel_gate(tier_id=standard, channel="email", at=night).accepted
    assert channel_gate(tier_id=standard, channel="phone", at=night).refusal == "closed"
    assert channel_gate(tier_id=standard, channel="chat", at=night).refusal == "not_in_tier"
    assert channel_gate(tier_id=tiers["VIP"].pk, channel="chat", at=night).accepted


def test_hours_are_described_in_runs_of_equal_days():
    assert describe_hours(OFFICE) == "Mon–Fri 09:00–17:00 London time (closed on public holidays)"
    split = Calendar(
        tz=ZoneInfo("America/New_York"),
        weekly={
            0: (Shift(time(8), time(12)), Shift(time(13), time(0))),
            5: (Shift(time(10), time(14)),),
        },
    )
    assert describe_hours(split) == "Mon 08:00–12:00, 13:00–24:00; Sat 10:00–14:00 New York time"
    assert describe_hours(Calendar.twenty_four_seven(LONDON)) == "around the clock, every day"


def test_openings_skip_holidays_and_show_in_the_viewers_zone():
    # Christmas week 2026: Fri 25, Sat 26 (Boxing Day), Mon 28 (its substitute) are closed.
    found = openings(OFFICE, start=date(2026, 12, 24), days=7, tz=ZoneInfo("Asia/Tokyo"))
    # Tokyo is London + 9 h: Wednesday's London afternoon is still open at Tokyo midnight.
    assert [(o.start.isoformat(), o.end.isoformat()) for o in found] == [
        ("2026-12-24T00:00:00+09:00", "2026-12-24T02:00:00+09:00"),
        ("2026-12-24T18:00:00+09:00", "2026-12-25T02:00:00+09:00"),
        ("2026-12-29T18:00:00+09:00", "2026-12-30T02:00:00+09:00"),
        ("2026-12-30T18:00:00+09:00", "2026-12-31T02:00:00+09:00"),
    ]
    assert [o.crosses_midnight for o in found] == [False, True, True, True]


def test_a_written_channel_is_accepted_in_one_query(tiers, django_assert_num_queries):
    night = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    with django_assert_num_queries(1):
        assert channel_gate(tier_id=tiers["Standard"].pk, channel="web", at=night).accepted


def test_a_refusal_reads_the_policy_and_each_calendar_once(tiers, django_assert_num_queries):
    night = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    channel_gate(tier_id=tiers["Standard"].pk, channel="phone", at=night)  # compiles the calendar
    with django_assert_num_queries(2):
        channel_gate(tier_id=tiers["Standard"].pk, channel="phone", at=night)
