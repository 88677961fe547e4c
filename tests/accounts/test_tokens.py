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
