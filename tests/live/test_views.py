"""The ticket page shows agents each call and chat against its answer target."""

from datetime import timedelta

from django.test import Client

from tests.conftest import T0
from tierdesk.live import services as live


def test_an_abandoned_call_shows_against_the_60_second_target(alice, peter):
    row = live.offer(channel="phone", external_id="c1", contact=peter, at=T0, queue="billing")
    live.abandon(row, at=T0 + timedelta(seconds=40))
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{row.ticket_id}/").content.decode()
    assert "Calls and chats" in page
    assert (
        "Phone Tue 3 Mar 10:00:00 UTC (billing):\n  <strong>abandoned</strong> after 40 s"
        " · target 60 s</li>"
    ) in page


def test_an_answered_call_late_is_marked_late(alice, carol):
    row = live.offer(channel="phone", external_id="c1", contact=carol.contact, at=T0)
    live.answer(row, agent=alice, at=T0 + timedelta(seconds=31))
    client = Client()
    client.force_login(alice)
    page = client.get(f"/tickets/{row.ticket_id}/").content.decode()
    assert "answered by alice after 31 s — <strong>late</strong> · target 30 s</li>" in page


def test_customers_do_not_see_the_answer_measures(carol):
    row = live.offer(channel="phone", external_id="c1", contact=carol.contact, at=T0)
    client = Client()
    client.force_login(carol)
    page = client.get(f"/tickets/{row.ticket_id}/")
    assert page.status_code == 200
    assert "Calls and chats" not in page.content.decode()
