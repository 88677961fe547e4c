"""Optional TOTP two-factor sign-in for staff: set-up, the code step, replay, admin reset."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.test import Client

from tests.accounts.test_cli import tierdesk
from tierdesk.accounts import two_factor
from tierdesk.accounts.models import User

NOW = datetime(2026, 3, 3, 10, 0, 5, tzinfo=UTC)


def code_at(user, at):
    user.refresh_from_db()
    return pyotp.TOTP(user.totp_secret).at(at)


def turn_on(user, at=NOW):
    two_factor.start_enrolment(user=user)
    user.refresh_from_db()
    two_factor.confirm_enrolment(user=user, code=code_at(user, at), at=at)
    user.refresh_from_db()
    return user


def sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_the_setup_page_turns_it_on_only_with_a_right_code(alice):
    client = Client()
    client.force_login(alice)
    started = client.post("/account/two-factor/", {"action": "start"})
    assert started.status_code == 200
    alice.refresh_from_db()
    assert alice.totp_secret.encode() in started.content
    assert b"otpauth://totp/tierdesk:" in started.content
    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 422
    alice.refresh_from_db()
    assert alice.totp_confirmed_at is None
    right = client.post(
        "/account/two-factor/",
        {"action": "confirm", "code": pyotp.TOTP(alice.totp_secret).now()},
    )
    assert right.status_code == 200
    assert b"Two-factor sign-in is <strong>on</strong>" in right.content
    alice.refresh_from_db()
    assert two_factor.is_on(alice)


@pytest.mark.django_db
def test_the_setup_page_draws_the_address_as_an_inline_qr_code(alice):
    client = Client()
    client.force_login(alice)
    page = client.post("/account/two-factor/", {"action": "start"}).content.decode()
    alice.refresh_from_db()
    uri = two_factor._totp(alice).provisioning_uri()
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    # The drawn modules are those of this user's address, not of any other text.
    assert svg == two_factor.enrolment_qr(uri)
    assert svg != two_factor.enrolment_qr(uri.replace(alice.totp_secret, "A" * 32))
    assert svg.startswith("<svg") and 'class="totp-qr"' in svg and "<path" in svg
    # Nothing the strict Content-Security-Policy would refuse: no inline style, script or image.
    assert "style=" not in svg and "<script" not in svg and "href" not in svg


@pytest.mark.django_db
def test_customers_are_not_offered_two_factor(carol):
    client = Client()
    client.force_login(carol)
    assert client.post("/account/two-factor/", {"action": "start"}).status_code == 403
    carol.refresh_from_db()
    assert carol.totp_secret == ""


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_after_the_password(alice):
    with time_machine.travel(NOW, tick=False):
        turn_on(alice)
    later = NOW + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        client = Client()
        password_step = sign_in(client, "alice", "pw-alice-123")
        assert password_step.status_code == 302
        assert password_step["Location"] == "/login/code/"
        # Not signed in yet: the queue sends the half-signed-in user back to sign in.
        assert client.get("/").status_code == 302
        assert "_auth_user_id" not in client.session
        wrong = client.post("/login/code/", {"code": "123456"})
        assert wrong.status_code == 422
        right = client.post("/login/code/", {"code": code_at(alice, later)})
        assert right.status_code == 302
        assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(alice):
    with time_machine.travel(NOW, tick=False):
        turn_on(alice)
    later = NOW + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        code = code_at(alice, later)
        first = Client()
        sign_in(first, "alice", "pw-alice-123")
        assert first.post("/login/code/", {"code": code}).status_code == 302
        second = Client()
        sign_in(second, "alice", "pw-alice-123")
        assert second.post("/login/code/", {"code": code}).status_code == 422
        assert "_auth_user_id" not in second.session


@pytest.mark.django_db
def test_five_wrong_codes_send_the_user_back_to_the_password(alice):
    with time_machine.travel(NOW, tick=False):
        turn_on(alice)
    client = Client()
    sign_in(client, "alice", "pw-alice-123")
    for _ in range(4):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 422
    last = client.post("/login/code/", {"code": "000000"})
    assert last.status_code == 302
    assert last["Location"] == "/login/"
    assert client.get("/login/code/")["Location"] == "/login/"  # the half sign-in is gone


@pytest.mark.django_db
def test_without_two_factor_the_password_signs_in_at_once(alice):
    client = Client()
    assert sign_in(client, "alice", "pw-alice-123").status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
def test_an_admin_resets_a_lost_phone_through_the_api(alice, dave, api):
    with time_machine.travel(NOW, tick=False):
        turn_on(alice)
    assert api(alice).delete(f"/users/{alice.pk}/two-factor").status_code == 403
    assert User.objects.get(pk=alice.pk).totp_confirmed_at is not None
    reset = api(dave).delete(f"/users/{alice.pk}/two-factor")
    assert reset.status_code == 200
    assert reset.body == {"user_id": alice.pk, "two_factor": False}
    client = Client()
    sign_in(client, "alice", "pw-alice-123")
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db(transaction=True)
def test_the_operator_resets_two_factor_from_the_cli(alice):
    with time_machine.travel(NOW, tick=False):
        turn_on(alice)
    done = tierdesk("two-factor-reset", "alice")
    assert done.returncode == 0, done.stderr
    assert not two_factor.is_on(User.objects.get(pk=alice.pk))
