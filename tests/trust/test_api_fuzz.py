"""Every role fuzzes the whole API: no answer is a 5xx, none contradicts the OpenAPI document.

A few cases per operation and role in the normal run; ``TIERDESK_FUZZ_EXAMPLES=200`` (or
``scripts/fuzz_api.sh``) runs the large budget. The run writes its table to
``$TIERDESK_VAR_DIR/api-fuzz.md``. Everything happens in the test database: the real
organizations are never re-tiered by a fuzzed ``reapply``.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.trust.api_fuzz import TABLE_HEAD, fuzz
from tierdesk.accounts.models import Role
from tierdesk.accounts.services import create_user, issue_token
from tierdesk.customers.models import Contact
from tierdesk.sla.models import SlaClock
from tierdesk.tickets import services as tickets
from tierdesk.tiers.models import BusinessCalendar

EXAMPLES = int(os.environ.get("TIERDESK_FUZZ_EXAMPLES", "3"))
ROLES = ("admin", "manager", "agent", "customer", "anonymous")


@pytest.fixture
def mia(db):
    return create_user(
        username="mia", email="mia@desk.example", password="pw-mia-12345", role=Role.MANAGER
    )


@pytest.fixture
def seeded(dave, mia, alice, carol, bob, ticket, tiers, acme, settings):
    # Unset, phone events answer 503 by design (docs/phone.md); the fuzzing wants them signed.
    settings.TIERDESK_PHONE_WEBHOOK_SECRET = "fuzz-phone-secret"
    tickets.reply(actor=alice, ticket=ticket, body="On our way.")
    clock = SlaClock.objects.filter(ticket_id=ticket.pk).first()
    contact = Contact.objects.get(user=carol)
    users = {"admin": dave, "manager": mia, "agent": alice, "customer": carol, "anonymous": None}
    real_ids = {
        "ticket_id": ticket.pk,
        "organization_id": acme.pk,
        "contact_id": contact.pk,
        "tier_id": tiers["Premium"].pk,
        "calendar_id": BusinessCalendar.objects.values_list("pk", flat=True).first(),
        "agent_id": alice.pk,
        "user_id": alice.pk,
    }
    if clock is not None:
        real_ids["clock_id"] = clock.pk
    return users, real_ids


@pytest.fixture(scope="module")
def table():
    rows = []
    yield rows
    out = Path(django_settings.VAR_DIR) / "api-fuzz.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = django_settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    head = f"{EXAMPLES} examples per operation, database {engine}\n\n"
    rows_text = "\n".join(row for row, _ in rows)
    findings = "\n\n".join(found for _, found in rows)
    out.write_text(f"{head}{TABLE_HEAD}\n{rows_text}\n\nWhat the checks found:\n\n{findings}\n")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_gets_a_server_error_or_an_answer_the_schema_does_not_describe(role, seeded, table):
    users, real_ids = seeded
    user = users[role]
    token = issue_token(user=user, name="fuzz")[1] if user is not None else None
    tally = fuzz(role=role, token=token, real_ids=real_ids, examples=EXAMPLES)
    found = "\n".join(f"{n} x {what}" for what, n in tally.examples.most_common())
    table.append((tally.row(), f"{role}:\n{found}"))
    assert tally.cases >= 60 * EXAMPLES
    assert (tally.server_errors, tally.schema_violations) == (0, 0), found
