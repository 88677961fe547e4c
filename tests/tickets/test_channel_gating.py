"""Channels open to a tier only on its coverage calendar: live ones refused out of hours.

Default hours (README, Default tiers): Basic and Standard Mon-Fri 09-17 London with
English holidays; Premium Mon-Fri 08-20; VIP 24/7. England's 2026 holidays per the
`holidays` package (GOV.UK bank holidays): Christmas Fri 25 Dec, Boxing Day Sat 26 Dec
and its substitute Mon 28 Dec.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tierdesk.accounts.models import User
from tierdesk.customers.models import Interaction, InteractionKind, Organization
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.errors import Conflict
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Message, Ticket, TicketEvent
from tierdesk.tickets.participants import Author

# Tuesday 3 March 2026, 22:00 in London (GMT = UTC in winter).
TUESDAY_NIGHT = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
CHRISTMAS_MORNING = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def initech(tiers):
    return create_organization(actor=None, name="Initech", tier=tiers["Standard"])


@pytest.fixture
def peter(initech):
    return create_contact(
        actor=None, organization=initech, name="Peter", email="peter@initech.example"
    )


def phone_call(contact, at, channel="phone"):
    return tickets.open_ticket(
        author=Author.customer(contact),
        subject="Call",
        body="The TPS reports are gone",
        channel=channel,
        at=at,
    )


def refusals():
    return list(Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED))


def assert_nothing_but_the_refusal_was_written():
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert Interaction.objects.exclude(kind=InteractionKind.CHANNEL_REFUSED).count() == 0


def test_standard_phoning_at_night_is_refused_with_the_next_opening(peter):
    with pytest.raises(Conflict) as refused:
        phone_call(peter, TUESDAY_NIGHT)
    assert refused.value.code == "channel_closed"
    assert refused.value.message == (
        "Standard tier's phone is closed now; it is open Mon–Fri 09:00–17:00 London time "
        "(closed on public holidays) and opens again tomorrow at 09:00 GMT. "
        "You can write to us any time by email or web form and portal; "
        "we answer from the next opening."
    )
    assert refused.value.fields == {"channel": "closed until 2026-03-04T09:00:00+00:00"}
    [refusal] = refusals()
    assert refusal.contact == peter and refusal.channel == "phone"
    assert refusal.occurred_at == TUESDAY_NIGHT
    assert refusal.summary == (
        "Contact by phone refused: outside Standard phone hours (opens Wed 04 Mar 09:00 GMT)."
    )
    assert_nothing_but_the_refusal_was_written()


def test_standard_phoning_in_business_hours_opens_a_ticket(peter):
    ticket = phone_call(peter, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert ticket.channel == "phone"
    assert refusals() == []


def test_standard_phoning_one_second_before_opening_is_refused(peter):
    with pytest.raises(Conflict):
        phone_call(peter, datetime(2026, 3, 4, 8, 59, 59, tzinfo=UTC))
    assert len(refusals()) == 1


def test_basic_on_chat_names_what_the_tier_includes(tiers, bob):
    with pytest.raises(Conflict) as refused:
        phone_call(bob.contact, datetime(2026, 3, 3, 10, 0, tzinfo=UTC), channel="chat")
    assert refused.value.code == "channel_not_in_tier"
    assert refused.value.message == (
        "Basic tier has no live chat; please contact us by email or web form and portal, "
        "or upgrade your plan."
    )
    assert [r.summary for r in refusals()] == ["Contact by chat refused: not included in Basic."]
    assert_nothing_but_the_refusal_was_written()


def test_vip_phoning_at_3_am_is_answered_around_the_clock(tiers, carol):
    carol.contact.organization.tier = tiers["VIP"]
    carol.contact.organization.save(update_fields=["tier"])
    three_am = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    ticket = phone_call(User.objects.get(pk=carol.pk).contact, three_am)
    clock = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert clock.due_at == three_am + timedelta(minutes=15)
    assert refusals() == []


def test_standard_phoning_on_christmas_day_opens_after_the_substitute_holiday(peter):
    with pytest.raises(Conflict) as refused:
        phone_call(peter, CHRISTMAS_MORNING)
    assert "opens again on Tue 29 Dec at 09:00 GMT" in refused.value.message
    assert refused.value.fields == {"channel": "closed until 2026-12-29T09:00:00+00:00"}
    assert len(refusals()) == 1
    assert_nothing_but_the_refusal_was_written()


def test_email_at_night_is_accepted_and_its_clock_starts_at_the_next_opening(peter):
    ticket = phone_call(peter, TUESDAY_NIGHT, channel="email")
    clock = SlaClock.objects.get(ticket=ticket, metric="first_response")
    # Standard, normal priority: 4 business hours from Wednesday 09:00.
    assert clock.due_at == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    assert refusals() == []


def test_web_form_on_a_holiday_is_accepted(peter):
    ticket = phone_call(peter, CHRISTMAS_MORNING, channel="web")
    clock = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert clock.due_at == datetime(2026, 12, 29, 13, 0, tzinfo=UTC)


def test_an_agent_logging_a_call_taken_at_night_is_not_refused(alice, peter):
    ticket = tickets.open_ticket(
        actor=alice,
        subject="Out-of-hours call",
        body="Took it on call",
        channel="phone",
        requester=peter,
        at=TUESDAY_NIGHT,
    )
    assert ticket.opened_by_agent and refusals() == []


def test_an_agent_cannot_log_a_channel_the_tier_lacks(alice, peter):
    with pytest.raises(Conflict) as refused:
        tickets.open_ticket(
            actor=alice, subject="Chat", body="x", channel="chat", requester=peter, at=TUESDAY_NIGHT
        )
    assert refused.value.code == "channel_not_in_tier"
    assert len(refusals()) == 1


def test_the_next_opening_is_said_in_the_customers_own_time_zone(initech):
    user = User.objects.create(username="pat", role="customer", time_zone="America/New_York")
    pat = create_contact(
        actor=None, organization=initech, name="Pat", email="pat@initech.example", user=user
    )
    with pytest.raises(Conflict) as refused:
        phone_call(pat, TUESDAY_NIGHT)
    assert "opens again tomorrow at 04:00 EST" in refused.value.message


def test_a_live_channel_open_now_is_named(dave, tiers, peter):
    from tierdesk.tiers.models import BusinessCalendar
    from tierdesk.tiers.services import set_coverage

    set_coverage(
        actor=dave,
        tier=tiers["Standard"],
        channel="chat",
        calendar=BusinessCalendar.objects.get(name="Around the clock"),
    )
    # A Tuesday night after the change took effect.
    with pytest.raises(Conflict) as refused:
        phone_call(peter, datetime(2027, 3, 2, 22, 0, tzinfo=UTC))
    assert "Live chat is open now." in refused.value.message
    assert phone_call(peter, datetime(2027, 3, 2, 22, 0, tzinfo=UTC), channel="chat").pk


def test_a_customer_reply_through_a_channel_the_tier_lacks_is_refused(bob):
    ticket = phone_call(bob.contact, datetime(2026, 3, 3, 10, 0, tzinfo=UTC), channel="email")
    with pytest.raises(Conflict):
        tickets.reply(
            author=Author.customer(bob.contact),
            ticket=ticket,
            body="Calling instead",
            channel="phone",
            at=datetime(2026, 3, 3, 11, 0, tzinfo=UTC),
        )
    assert ticket.messages.count() == 1
    assert [r.channel for r in refusals()] == ["phone"]


def test_the_api_answers_a_closed_channel_with_409_and_the_field(api, tiers, bob):
    Organization.objects.filter(pk=bob.contact.organization_id).update(tier=tiers["Standard"])
    with time_machine.travel(TUESDAY_NIGHT, tick=False):
        response = api(User.objects.get(pk=bob.pk)).post(
            "/tickets", {"subject": "Call", "body": "x", "channel": "phone"}
        )
    assert response.status_code == 409
    assert response.body["error"]["code"] == "channel_closed"
    assert response.body["error"]["fields"] == {"channel": "closed until 2026-03-04T09:00:00+00:00"}
    assert "opens again tomorrow at 09:00 UTC" in response.body["error"]["message"]
    assert_nothing_but_the_refusal_was_written()
