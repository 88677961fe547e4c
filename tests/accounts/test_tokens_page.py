"""The API tokens page: a person makes a token (its value shown once), lists and revokes
their own; an admin sees and revokes anyone's; nobody else touches another's token."""

import re

from tests.accounts.page_client import post, signed_in
from tierdesk.accounts.models import ApiToken
from tierdesk.accounts.services import authenticate_token, issue_token


def test_a_new_token_is_shown_once_and_works(alice):
    client = signed_in(alice)
    made = post(client, "/account/tokens/", {"action": "create", "name": "CRM sync"})
    assert made.status_code == 200
    raw = re.search(r"<code data-new-token>([^<]+)</code>", made.text).group(1)
    assert authenticate_token(raw) == alice
    again = client.get("/account/tokens/").text
    assert "CRM sync" in again and raw not in again  # listed by its prefix only
    assert ApiToken.objects.get(user=alice).name == "CRM sync"


def test_a_nameless_token_is_refused_and_nothing_is_made(alice):
    refused = post(signed_in(alice), "/account/tokens/", {"action": "create", "name": "  "})
    assert refused.status_code == 422 and "Name the token" in refused.text
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_their_token(alice):
    token, raw = issue_token(user=alice, name="old script")
    client = signed_in(alice)
    done = post(client, "/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert done.status_code == 302
    assert authenticate_token(raw) is None
    assert "is revoked" in client.get(done.url).text


def test_an_agent_neither_sees_nor_revokes_another_persons_token(alice, eve):
    token, raw = issue_token(user=eve, name="eve bot")
    client = signed_in(alice)
    assert "eve bot" not in client.get("/account/tokens/").text
    assert "eve bot" not in client.get(f"/account/tokens/?user={eve.pk}").text
    refused = post(client, "/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert refused.status_code == 404
    assert authenticate_token(raw) == eve


def test_an_admin_lists_everyones_tokens_and_revokes_any(dave, alice, eve):
    alices, alice_raw = issue_token(user=alice, name="alice bot")
    issue_token(user=eve, name="eve bot")
    client = signed_in(dave)
    everyone = client.get("/account/tokens/").text
    assert "alice bot" in everyone and "eve bot" in everyone
    only_alice = client.get(f"/account/tokens/?user={alice.pk}").text
    assert "alice bot" in only_alice and "eve bot" not in only_alice
    post(client, "/account/tokens/", {"action": "revoke", "token": str(alices.pk)})
    assert authenticate_token(alice_raw) is None


def test_a_form_without_its_security_token_changes_nothing(alice):
    token, raw = issue_token(user=alice, name="kept")
    client = signed_in(alice)
    refused = client.post("/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert refused.status_code == 403
    assert authenticate_token(raw) == alice


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/account/tokens/").url.startswith("/login/")
