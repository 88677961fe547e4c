"""Queries compiled once per shape answer what the ORM answers, for every parameter."""

import pytest

from tests.conftest import T0
from tierdesk.accounts.models import ApiToken
from tierdesk.accounts.selectors import token_by_digest
from tierdesk.accounts.services import issue_token, revoke_token, token_digest
from tierdesk.compiled import Compiled
from tierdesk.tickets.models import Ticket
from tierdesk.tickets.services import open_ticket

pytestmark = pytest.mark.django_db


def test_each_call_answers_for_its_own_parameters(ticket, carol):
    other = open_ticket(actor=carol, subject="Second", body="Again", channel="email", at=T0)
    subjects = Compiled(
        lambda ids: Ticket.objects.filter(pk__in=ids).order_by("pk").values("pk", "subject")
    )
    assert subjects.run([ticket.pk], shape=1) == [{"pk": ticket.pk, "subject": ticket.subject}]
    assert subjects.run([other.pk], shape=1) == [{"pk": other.pk, "subject": "Second"}]
    assert subjects.run([ticket.pk, other.pk], shape=2) == list(
        Ticket.objects.filter(pk__in=[ticket.pk, other.pk]).order_by("pk").values("pk", "subject")
    )


def test_model_rows_come_with_their_related_rows_converted_like_the_orm(carol):
    token, raw = issue_token(user=carol, name="probe")
    found = token_by_digest(token_digest(raw))
    expected = ApiToken.objects.select_related("user", "user__contact").get(pk=token.pk)
    assert found == expected
    assert found.created_at == expected.created_at  # an aware datetime on both databases
    assert found.user == carol
    assert found.user.contact == carol.contact


def test_a_revoked_token_is_not_found_by_the_compiled_lookup(carol):
    token, raw = issue_token(user=carol, name="probe")
    assert token_by_digest(token_digest(raw)) is not None
    revoke_token(token=token)
    assert token_by_digest(token_digest(raw)) is None


def test_a_query_that_does_not_compile_to_its_parameters_is_refused(ticket):
    # icontains rewrites its value ("%x%"): swapping parameters would run the wrong SQL.
    search = Compiled(lambda params: Ticket.objects.filter(subject__icontains=params[0]))
    with pytest.raises(ValueError, match="compiles to parameters"):
        search.run(["Print"])


def test_the_token_of_a_deactivated_user_is_not_found(carol):
    _, raw = issue_token(user=carol, name="probe")
    type(carol).objects.filter(pk=carol.pk).update(is_active=False)  # as the admin's switch does
    assert token_by_digest(token_digest(raw)) is None
