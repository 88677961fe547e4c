"""Clocks read truthfully: business spans in business hours, due instants with their zone,
"late since" dated unless today, amber at the warning, paused badge, earlier cycles folded."""

import re
from datetime import timedelta

import time_machine
from django.test import Client

from tests.conftest import T0
from tierdesk.tickets import services as tickets
from tierdesk.web.clock_reading import span


def page_of(user, ticket):
    client = Client()
    client.force_login(user)
    return client.get(f"/tickets/{ticket.pk}/").text


def test_business_spans_read_in_hours_and_calendar_spans_in_days():
    assert span(172_800, business=True) == "48h 00m business"
    assert span(172_800, business=False) == "2d 0h"
    assert span(-2_100, business=True) == "35m business"


def test_basic_low_first_reply_reads_48_business_hours_due_six_working_days_later(alice, bob):
    with time_machine.travel(T0, tick=False):
        ticket = tickets.open_ticket(
            actor=bob, subject="Invoice", body="?", channel="email", priority="low", at=T0
        )
        page = page_of(alice, ticket)
    assert "First reply: 48h 00m business left" in page
    assert '<time datetime="2026-03-11T10:00:00+00:00">Wed 11 Mar 10:00 UTC</time>' in page
    assert "2d" not in re.sub(r"<[^>]+>", "", page.split('id="clocks"')[1])


def test_late_since_carries_the_date_when_it_was_not_today(alice, ticket):
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        page = page_of(alice, ticket)
    assert "First reply: late since Tue 3 Mar 11:00 UTC" in page
    assert "clock tone-late" in page
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        assert "First reply: late since 11:00 UTC" in page_of(alice, ticket)


def test_a_clock_past_its_warning_share_is_amber(alice, ticket):
    # Premium normal first reply: 1 h, warned at 80 % of it.
    with time_machine.travel(T0 + timedelta(minutes=50), tick=False):
        page = page_of(alice, ticket)
    assert re.search(r'class="clock tone-warning"[^>]*>First reply: 10m business left', page)


def test_a_pending_ticket_shows_its_paused_clocks_with_a_badge(alice, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Serial?", status="pending", at=T0)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        page = page_of(alice, ticket)
    assert re.search(r"Resolve: [^<]+ left <span class=\"badge paused\">paused</span>", page)


def test_earlier_cycles_are_folded_and_labelled(alice, carol, ticket):
    tickets.reply(actor=alice, ticket=ticket, body="Fixed", status="solved", at=T0)
    tickets.reply(actor=carol, ticket=ticket, body="Not fixed", at=T0 + timedelta(hours=1))
    page = page_of(alice, ticket)
    folded = page.split('<details class="earlier">')[1].split("</details>")[0]
    assert "<summary>Earlier cycles (1)</summary>" in folded
    assert "Resolve: met" in folded
    current = page.split('id="clocks"')[1].split('<details class="earlier">')[0]
    assert "Resolve (2nd cycle)" in current


def test_the_clocks_panel_refreshes_for_agents_only(alice, carol, ticket):
    client = Client()
    client.force_login(alice)
    assert "First reply" in client.get(f"/tickets/{ticket.pk}/clocks/").text
    client.force_login(carol)
    assert client.get(f"/tickets/{ticket.pk}/clocks/").status_code == 403


def test_customer_page_and_api_show_the_same_promise_and_no_clock(api, carol, ticket):
    body = api(carol).get(f"/tickets/{ticket.pk}").body
    page = page_of(carol, ticket)
    assert body["clocks"] == [] and body["sla_due_at"] is None
    assert body["reply_due_at"].startswith("2026-03-03T11:00:00")
    assert "Promised by Tue 3 Mar 11:00" in page
    for internal in ("Resolve", "late since", "tone-warning", 'id="clocks"'):
        assert internal not in page


def test_a_late_clock_still_says_when_it_was_promised(alice, carol, ticket):
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        agent, customer = page_of(alice, ticket), page_of(carol, ticket)
    promised = '<time datetime="2026-03-03T11:00:00+00:00">Tue 3 Mar 11:00 UTC</time>'
    assert re.search(
        "First reply: late since Tue 3 Mar 11:00 UTC.*?due " + re.escape(promised), agent, re.S
    )
    assert "Promised by Tue 3 Mar 11:00 UTC" in customer
    assert "late" not in customer.split('<aside id="ticket-side"')[1].split("</aside>")[0]
