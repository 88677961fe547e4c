"""Unknown senders become contacts: in their domain's organization, else one of their own."""

import pytest

from tierdesk.customers.models import Contact
from tierdesk.customers.services import contact_for_sender
from tierdesk.errors import Invalid


def test_a_known_address_is_that_contact_whatever_its_case(carol):
    assert contact_for_sender(email="Carol@ACME.example") == carol.contact


def test_an_unknown_address_joins_the_organization_of_its_domain(acme):
    acme.domain = "acme.example"
    acme.save(update_fields=["domain"])
    dora = contact_for_sender(email="dora@acme.example", name="Dora  Diaz")
    assert (dora.organization, dora.name) == (acme, "Dora Diaz")


def test_strangers_on_a_shared_provider_each_get_an_organization_on_the_entry_tier(tiers):
    one = contact_for_sender(email="one@gmail.example")
    two = contact_for_sender(email="two@gmail.example")
    assert one.organization != two.organization
    assert one.organization.tier == two.organization.tier == tiers["Basic"]


def test_a_malformed_address_is_refused_and_nothing_is_written(tiers):
    with pytest.raises(Invalid, match="is not an email address"):
        contact_for_sender(email="not an address")
    assert not Contact.objects.exists()
