"""Each person sets the time zone their times are shown in: on Your account or through the
API's `me`; an unknown zone is refused by its field and changes nothing."""

import re

from tests.accounts.page_client import post, signed_in
from tierdesk.accounts.models import User
from tierdesk.tickets import services as tickets


def test_a_customer_sets_their_zone_and_the_pages_show_times_in_it(carol):
    ticket = tickets.open_ticket(actor=carol, subject="Clock", body="x", channel="web")
    client = signed_in(carol)
    saved = post(client, "/account/", {"time_zone": "Asia/Tokyo"})
    assert saved.status_code == 302
    assert User.objects.get(pk=carol.pk).time_zone == "Asia/Tokyo"
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert re.search(r'datetime="[^"]+\+09:00"', page)  # shown in Tokyo's offset
    assert 'value="Asia/Tokyo" selected' in client.get("/account/").text


def test_an_unknown_zone_is_refused_by_its_field_and_changes_nothing(alice):
    refused = post(signed_in(alice), "/account/", {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text and "Unknown time zone" in refused.text
    assert User.objects.get(pk=alice.pk).time_zone == "UTC"


def test_the_api_sets_the_zone_of_the_token_owner(api, alice):
    assert api(alice).patch("/me", {"time_zone": "Europe/Paris"}).json()["time_zone"] == (
        "Europe/Paris"
    )
    refused = api(alice).patch("/me", {"time_zone": "Nowhere/Land"})
    assert refused.status_code == 422
    assert User.objects.get(pk=alice.pk).time_zone == "Europe/Paris"
