"""API tokens: stored as digests, revocable; passwords hashed with argon2."""

from django.test import Client

from tierdesk.accounts.models import ApiToken
from tierdesk.accounts.services import issue_token, revoke_token


def test_token_is_stored_only_as_a_digest_and_revocation_takes_effect(alice):
    token, raw = issue_token(user=alice, name="ci")
    assert raw not in {token.digest, token.prefix}
    assert not ApiToken.objects.filter(digest=raw).exists()
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").json()["username"] == "alice"
    revoke_token(token=token)
    assert client.get("/api/v1/me").status_code == 401


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")


def test_owners_list_issue_and_revoke_their_tokens_through_the_api(api, alice):
    client = api(alice)  # authenticates with a token named "test"
    created = client.post("/tokens", {"name": "laptop"})
    assert created.status_code == 201
    raw = created.body["token"]
    assert raw.startswith("tdk_") and created.body["prefix"] == raw[4:12]
    listed = client.get("/tokens").body
    assert [t["name"] for t in listed] == ["laptop", "test"]
    assert all("token" not in t and "digest" not in t for t in listed)

    laptop = Client(headers={"Authorization": f"Bearer {raw}"})
    assert laptop.get("/api/v1/me").status_code == 200
    revoked = client.delete(f"/tokens/{created.body['id']}")
    assert revoked.status_code == 200 and revoked.body["revoked_at"] is not None
    assert laptop.get("/api/v1/me").status_code == 401


def test_other_users_tokens_are_an_admins_business(api, alice, eve, dave):
    token, raw = issue_token(user=eve, name="eve's")
    agent = api(alice)
    assert agent.delete(f"/tokens/{token.pk}").status_code == 404
    assert agent.get("/tokens", user_id=eve.pk).status_code == 403
    assert [t["name"] for t in agent.get("/tokens").body] == ["test"]

    admin = api(dave)
    assert {t["username"] for t in admin.get("/tokens").body} == {"alice", "eve", "dave"}
    assert [t["name"] for t in admin.get("/tokens", user_id=eve.pk).body] == ["eve's"]
    assert admin.delete(f"/tokens/{token.pk}").status_code == 200
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401


def test_a_customer_manages_only_their_own_tokens(api, carol, alice):
    token, _ = issue_token(user=alice, name="alice's")
    customer = api(carol)
    assert customer.delete(f"/tokens/{token.pk}").status_code == 404
    assert [t["name"] for t in customer.get("/tokens").body] == ["test"]
    assert customer.post("/tokens", {"name": ""}).status_code == 422
