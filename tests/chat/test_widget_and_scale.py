"""The embeddable widget's identity tokens and origins, and chats across two server processes."""

import uuid

import pytest
from websockets.exceptions import InvalidStatus

from tests.chat.conftest import REDIS_URL, new_id, open_socket, run
from tests.conftest import T0
from tierdesk.chat.identity import sign_identity, widget_secret
from tierdesk.customers.models import Contact
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.tickets.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

SHOP = "https://shop.acme.example"


def identity(organization, email, name="Dana", *, secret=None, exp=None):
    return sign_identity(
        secret=secret or widget_secret(organization),
        organization_id=organization.pk,
        email=email,
        name=name,
        exp=exp or int(T0.timestamp()) + 600,  # the servers' clock starts at T0
    )


async def start_from_shop(server, token):
    customer = await open_socket(server, origin=SHOP)
    await customer.send(type="start", id=new_id(), body="Where is my order?", identity=token)
    return customer


def test_a_signed_visitor_chats_as_a_new_contact_of_the_organization(start_server, acme):
    server = start_server(TIERDESK_CHAT_ORIGINS=SHOP)
    token = identity(acme, "dana@acme.example")

    async def scenario():
        customer = await start_from_shop(server, token)
        return await customer.expect("started")

    started = run(scenario())
    dana = Contact.objects.get(email="dana@acme.example")
    assert (dana.name, dana.organization_id) == ("Dana", acme.pk)
    assert LiveContact.objects.get(external_id=started["chat"]).contact == dana


def test_a_token_with_a_bad_signature_or_another_organizations_contact_is_refused(
    start_server, acme, bob
):
    server = start_server(TIERDESK_CHAT_ORIGINS=SHOP)
    forged = identity(acme, "dana@acme.example", secret="not-the-secret")
    borrowed = identity(acme, "bob@globex.example")  # Acme cannot speak for Globex's contact
    expired = identity(acme, "dana@acme.example", exp=int(T0.timestamp()) - 1)

    async def scenario():
        errors = []
        for token in (forged, borrowed, expired, "garbage"):
            customer = await start_from_shop(server, token)
            errors.append(await customer.expect("error"))
        return errors

    errors = run(scenario())
    assert [(e["code"], e["message"]) for e in errors] == [
        ("identity", "This chat could not confirm who you are; sign in or write us a ticket."),
    ] * 4
    assert not Contact.objects.filter(email="dana@acme.example").exists()
    assert not LiveContact.objects.exists()


def test_the_widget_needs_its_site_listed_in_the_chat_origins(server, acme):
    async def scenario():
        try:
            await open_socket(server, origin=SHOP)
        except InvalidStatus as rejected:
            return rejected.response.status_code
        return None

    assert run(scenario()) == 403


def test_chat_starts_per_client_address_are_limited(start_server, acme):
    server = start_server(TIERDESK_CHAT_ORIGINS=SHOP, TIERDESK_CHAT_STARTS_PER_IP="2")

    async def scenario():
        frames = []
        for n in range(3):
            customer = await start_from_shop(server, identity(acme, f"v{n}@acme.example"))
            frames.append(await customer.expect("error" if n == 2 else "started"))
        return frames[-1]

    limited = run(scenario())
    assert limited["code"] == "rate_limited"
    assert LiveContact.objects.count() == 2


def test_customer_and_agent_on_two_server_processes_share_the_redis_layer(
    start_server, carol, alice
):
    shared = {"REDIS_URL": REDIS_URL, "TIERDESK_CHANNEL_PREFIX": f"t{uuid.uuid4().hex[:12]}"}
    one, two = start_server(**shared), start_server(**shared)

    async def scenario():
        customer = await open_socket(one, user=carol)
        await customer.send(type="start", id=new_id(), body="Across processes")
        started = await customer.expect("started")
        agent = await open_socket(two, "/ws/chat/agent/", user=alice)
        await agent.expect("hello")
        await agent.send(type="watch")
        queue = await agent.expect("queue")
        await agent.send(type="accept", chat=started["chat"])
        await agent.expect("accepted")
        joined = await customer.expect("joined")
        await customer.send(type="typing", typing=True)
        typing = await agent.expect("typing")
        await customer.send(type="message", id="x-1", body="Hello from process one")
        to_agent = await agent.expect("message")
        await agent.send(type="message", chat=started["chat"], id="y-1", body="Hello from two")
        to_customer = await customer.expect("message")
        while to_customer["client_id"] != "y-1":
            to_customer = await customer.expect("message")
        await agent.send(type="end", chat=started["chat"])
        ended = await customer.expect("ended")
        return started, queue, joined, typing, to_agent, to_customer, ended

    started, queue, joined, typing, to_agent, to_customer, ended = run(scenario())
    assert [c["chat"] for c in queue["chats"]] == [started["chat"]]
    assert joined["agent"] == "alice"
    assert typing["from"] == "customer"
    assert (to_agent["body"], to_customer["body"]) == ("Hello from process one", "Hello from two")
    assert ended["state"] == "ended"
    assert LiveContact.objects.get(external_id=started["chat"]).outcome == Outcome.ENDED
    # Stored once each, in the order they were written (ids: one sequence for both processes).
    assert list(
        Message.objects.filter(ticket_id=started["ticket"])
        .order_by("id")
        .values_list("body", flat=True)
    ) == ["Across processes", "Hello from process one", "Hello from two"]
