"""Linking a customer login to a contact: admins through the API, operators through the CLI."""

import pytest
from django.test import Client

from tests.accounts.test_cli import tierdesk
from tests.conftest import T0
from tierdesk.accounts.models import ApiToken, Role
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.models import Contact
from tierdesk.customers.services import create_contact


@pytest.fixture
def dan(acme):
    """A contact at Acme with no login yet, and the customer login made for him."""
    contact = create_contact(
        actor=None, organization=acme, name="Dan", email="dan@acme.example", at=T0
    )
    user = create_user(username="dan", email="dan@acme.example", password=None, role=Role.CUSTOMER)
    return contact, user


def login_path(contact):
    return f"/organizations/{contact.organization_id}/contacts/{contact.pk}/login"


@pytest.mark.django_db
def test_an_admin_links_a_login_and_the_customer_sees_their_organization(dave, dan, api):
    contact, user = dan
    response = api(dave).put(login_path(contact), {"user_id": user.pk})
    assert response.status_code == 200
    assert response.body["user_id"] == user.pk
    assert api(user).get("/me").body["organization_id"] == contact.organization_id


@pytest.mark.django_db
def test_only_an_admin_links_a_login(alice, carol, dan, api):
    contact, user = dan
    assert api(alice).put(login_path(contact), {"user_id": user.pk}).status_code == 403
    # A customer does not even see another contact's login endpoint as theirs to use.
    assert api(carol).put(login_path(contact), {"user_id": user.pk}).status_code == 403
    contact.refresh_from_db()
    assert contact.user_id is None


@pytest.mark.django_db
def test_a_login_serving_another_contact_is_refused_not_moved(dave, carol, dan, api):
    contact, _ = dan
    response = api(dave).put(login_path(contact), {"user_id": carol.pk})
    assert response.status_code == 409
    assert response.body["error"]["fields"] == {"user_id": "linked to another contact"}
    assert Contact.objects.get(email="carol@acme.example").user_id == carol.pk
    contact.refresh_from_db()
    assert contact.user_id is None


@pytest.mark.django_db
def test_staff_logins_and_unknown_users_are_422_naming_user_id(dave, alice, dan, api):
    contact, _ = dan
    staff = api(dave).put(login_path(contact), {"user_id": alice.pk})
    assert staff.status_code == 422
    assert staff.body["error"]["fields"] == {"user_id": "not a customer login"}
    unknown = api(dave).put(login_path(contact), {"user_id": 987654})
    assert unknown.status_code == 422
    assert unknown.body["error"]["fields"] == {"user_id": "no such active user"}


@pytest.mark.django_db
def test_a_contact_of_another_organization_is_not_found(dave, dan, globex, api):
    contact, user = dan
    path = f"/organizations/{globex.pk}/contacts/{contact.pk}/login"
    assert api(dave).put(path, {"user_id": user.pk}).status_code == 404


@pytest.mark.django_db
def test_unlinking_takes_the_portal_away(dave, carol, api):
    contact = Contact.objects.get(user=carol)
    assert api(dave).put(login_path(contact), {"user_id": None}).body["user_id"] is None
    assert api(carol).get("/me").body["organization_id"] is None


@pytest.mark.django_db(transaction=True)
def test_the_cli_links_and_unlinks_a_contact(dan):
    contact, user = dan
    done = tierdesk("link-contact", "dan@acme.example", "dan")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "dan@acme.example: dan"
    contact.refresh_from_db()
    assert contact.user_id == user.pk
    assert tierdesk("link-contact", "dan@acme.example", "--unlink").returncode == 0
    contact.refresh_from_db()
    assert contact.user_id is None


@pytest.mark.django_db(transaction=True)
def test_the_cli_refuses_a_staff_login_with_the_reason(dan, alice):
    done = tierdesk("link-contact", "dan@acme.example", "alice")
    assert done.returncode == 2
    assert "Only a customer login can be linked" in done.stderr
    assert Contact.objects.get(email="dan@acme.example").user_id is None


@pytest.mark.django_db(transaction=True)
def test_the_cli_lists_and_revokes_tokens(alice, carol):
    mine, raw = issue_token(user=alice, name="laptop")
    issue_token(user=carol, name="script")
    listed = tierdesk("tokens", "list", "--user", "alice")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].split("\t")[:3] == [str(mine.pk), "alice", "laptop"]
    assert lines[0].endswith("active")
    assert len(tierdesk("tokens", "list").stdout.strip().splitlines()) == 2

    revoked = tierdesk("tokens", "revoke", str(mine.pk))
    assert revoked.returncode == 0, revoked.stderr
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    me = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
    assert me.status_code == 401
    assert "revoked" in tierdesk("tokens", "list", "--user", "alice").stdout
    missing = tierdesk("tokens", "revoke", "999999")
    assert missing.returncode == 2
    assert "No token 999999" in missing.stderr
