"""The live console over real sockets: uvicorn serving, changes made in another process.

Changes are made here, in the test process, through the services (as a worker or another
server would); the signal reaches the server's sockets through the Redis channel layer.
"""

import asyncio
from datetime import timedelta

import pytest
from websockets.exceptions import InvalidStatus

from tests.chat.conftest import open_socket, run
from tests.conftest import T0
from tierdesk.sla.monitor import sweep
from tierdesk.tickets import services as tickets
from tierdesk.tickets.selectors import tickets_visible_to
from tierdesk.web.live_audience import frames_of_change, groups_of_user

pytestmark = pytest.mark.django_db(transaction=True)

QUIET_S = 1.5  # how long a socket that should hear nothing is listened to


async def console(server, user):
    return await open_socket(server, "/ws/console/", user=user)


async def hears_nothing(socket):
    with pytest.raises(TimeoutError):
        await socket.expect("changed", timeout=QUIET_S)


def opened(carol):
    return tickets.open_ticket(actor=carol, subject="Printer on fire", body="Help!", channel="web")


def test_a_new_ticket_and_a_reply_reach_the_agents_and_the_requesters_organization(
    shared_layer, alice, eve, carol, bob
):
    async def scenario():
        sockets = {u.username: await console(shared_layer, u) for u in (alice, eve, carol, bob)}
        ticket = await asyncio.to_thread(opened, carol)
        new = {name: await sockets[name].expect("changed") for name in ("alice", "eve", "carol")}
        await asyncio.to_thread(
            tickets.reply, actor=alice, ticket=ticket, body="On our way", status=None
        )
        reply = {name: await sockets[name].expect("changed") for name in ("eve", "carol")}
        await hears_nothing(sockets["bob"])
        return ticket, new, reply

    ticket, new, reply = run(scenario())
    assert new == {name: {"type": "changed", "ticket": ticket.pk, "what": "new"} for name in new}
    assert reply == {
        name: {"type": "changed", "ticket": ticket.pk, "what": "reply"} for name in reply
    }


def test_an_internal_note_and_a_breach_reach_agents_only(shared_layer, alice, carol, ticket):
    async def scenario():
        agent, customer = await console(shared_layer, alice), await console(shared_layer, carol)
        await asyncio.to_thread(tickets.add_note, actor=alice, ticket=ticket, body="Call them")
        note = await agent.expect("changed")
        await asyncio.to_thread(sweep, now=T0 + timedelta(days=7))
        breach = await agent.expect("changed")
        await hears_nothing(customer)
        return note, breach

    note, breach = run(scenario())
    assert note == {"type": "changed", "ticket": ticket.pk, "what": "note"}
    assert breach == {"type": "changed", "ticket": ticket.pk, "what": "breach"}


def test_a_customer_hears_only_of_their_own_organization(shared_layer, carol, bob, ticket):
    async def scenario():
        outsider = await console(shared_layer, bob)
        await asyncio.to_thread(
            tickets.reply, actor=carol, ticket=ticket, body="Still burning", status=None
        )
        await hears_nothing(outsider)
        own = await asyncio.to_thread(
            tickets.open_ticket, actor=bob, subject="Hello", body="Hi", channel="web"
        )
        return own, await outsider.expect("changed")

    own, heard = run(scenario())
    assert heard == {"type": "changed", "ticket": own.pk, "what": "new"}


def test_agents_see_who_is_viewing_and_typing_until_they_leave(server, alice, eve, ticket):
    async def scenario():
        watcher = await console(server, alice)
        await watcher.send(type="viewing", ticket=ticket.pk)
        newcomer = await console(server, eve)
        await newcomer.send(type="viewing", ticket=ticket.pk)
        arrived = await watcher.expect("presence")
        answered = await newcomer.expect("presence")  # alice answers the newcomer's hello
        await newcomer.send(type="typing", ticket=ticket.pk)
        typing = await watcher.expect("presence")
        await newcomer.close()
        left = await watcher.expect("presence")
        return arrived, answered, typing, left

    arrived, answered, typing, left = run(scenario())
    assert arrived == {
        "type": "presence",
        "ticket": ticket.pk,
        "user": eve.pk,
        "name": "eve",
        "state": "viewing",
    }
    assert (answered["name"], answered["state"]) == ("alice", "viewing")
    assert (typing["name"], typing["state"]) == ("eve", "typing")
    assert (left["name"], left["state"]) == ("eve", "left")


def test_a_customer_neither_sends_nor_sees_presence(server, alice, carol, ticket):
    async def scenario():
        agent = await console(server, alice)
        await agent.send(type="viewing", ticket=ticket.pk)
        customer = await console(server, carol)
        await customer.send(type="viewing", ticket=ticket.pk)
        await customer.send(type="typing", ticket=ticket.pk)
        with pytest.raises(TimeoutError):
            await agent.expect("presence", timeout=QUIET_S)
        await agent.send(type="typing", ticket=ticket.pk)
        with pytest.raises(TimeoutError):
            await customer.expect("presence", timeout=QUIET_S)

    run(scenario())


def test_an_agent_cannot_join_a_ticket_that_does_not_exist(server, alice, eve, ticket):
    async def scenario():
        watcher = await console(server, alice)
        await watcher.send(type="viewing", ticket=ticket.pk + 1000)
        other = await console(server, eve)
        await other.send(type="viewing", ticket=ticket.pk + 1000)
        with pytest.raises(TimeoutError):
            await watcher.expect("presence", timeout=QUIET_S)

    run(scenario())


def test_the_console_socket_needs_a_signed_in_user(server):
    with pytest.raises(InvalidStatus) as refused:
        run(open_socket(server, "/ws/console/"))
    assert refused.value.response.status_code == 403


def test_who_is_told_of_a_change_is_who_may_see_the_ticket(alice, dave, carol, bob, ticket):
    told = {group for group, _ in frames_of_change(list(ticket.events.all()))}
    for user in (alice, dave, carol, bob):
        hears = bool(told & set(groups_of_user(user)))
        assert hears == tickets_visible_to(user).filter(pk=ticket.pk).exists(), user
