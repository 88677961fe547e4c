"""A chat end to end over real WebSockets against a running uvicorn process."""

import asyncio
import json
from datetime import timedelta

import pytest
from websockets.exceptions import InvalidStatus

from tests.chat.conftest import new_id, open_socket, run
from tests.conftest import T0
from tierdesk.customers.models import Interaction, InteractionKind
from tierdesk.live.models import LiveContact, Outcome
from tierdesk.tickets.models import EventKind, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


async def start_chat(server, user, body="My printer is on fire"):
    customer = await open_socket(server, user=user)
    await customer.send(type="start", id=new_id(), body=body)
    return customer, await customer.expect("started")


async def accepted_chat(server, customer_user, agent_user):
    """A chat started by the customer and accepted by the agent: both sockets and the start."""
    customer, started = await start_chat(server, customer_user)
    agent = await open_socket(server, "/ws/chat/agent/", user=agent_user)
    await agent.expect("hello")
    await agent.send(type="accept", chat=started["chat"])
    await agent.expect("accepted")
    return customer, agent, started


def test_customer_and_agent_talk_and_the_transcript_is_the_ticket(server, carol, alice):
    async def scenario():
        customer, started = await start_chat(server, carol)
        agent = await open_socket(server, "/ws/chat/agent/", user=alice)
        await agent.expect("hello")
        await agent.send(type="watch")
        queue = await agent.expect("queue")
        await agent.send(type="accept", chat=started["chat"])
        accepted = await agent.expect("accepted")
        joined = await customer.expect("joined")
        await customer.send(type="message", id="c-1", body="It smells of toner")
        said = [await customer.expect("message"), await agent.expect("message")]
        await agent.send(type="typing", chat=started["chat"], typing=True)
        typing = await customer.expect("typing")
        await agent.send(type="message", chat=started["chat"], id="a-1", body="Unplug it, please")
        answer = [await customer.expect("message"), await agent.expect("message")]
        await customer.send(type="leave")
        ended = await agent.expect("ended")
        return started, queue, accepted, joined, said, typing, answer, ended

    started, queue, accepted, joined, said, typing, answer, ended = run(scenario())
    chat = LiveContact.objects.get(external_id=started["chat"])
    ticket = Ticket.objects.get(pk=started["ticket"])
    assert started["state"] == "waiting"
    assert [m["body"] for m in started["messages"]] == ["My printer is on fire"]
    assert [c["chat"] for c in queue["chats"]] == [started["chat"]]
    assert (accepted["state"], accepted["agent"], joined["agent"]) == ("answered", "alice", "alice")
    assert said[0] == said[1]
    stored = Message.objects.get(pk=said[0]["id"])
    assert said[0]["at"] == stored.created_at.isoformat()
    assert (said[0]["client_id"], said[0]["author"], said[0]["name"]) == (
        "c-1",
        "customer",
        "Carol",
    )
    assert typing == {
        "type": "typing",
        "chat": started["chat"],
        "from": "agent",
        "name": "alice",
        "typing": True,
    }
    assert answer[0] == answer[1]
    assert (answer[0]["author"], answer[0]["body"]) == ("agent", "Unplug it, please")
    assert ended["state"] == "ended"
    assert chat.outcome == Outcome.ENDED
    assert chat.answered_by.username == "alice"
    assert chat.answered_in_time is True
    assert (ticket.channel, ticket.assignee.username, ticket.requester.name) == (
        "chat",
        "alice",
        "Carol",
    )
    assert [
        (m.author_kind, m.body, m.channel) for m in ticket.messages.order_by("created_at", "id")
    ] == [
        ("customer", "My printer is on fire", "chat"),
        ("customer", "It smells of toner", "chat"),
        ("agent", "Unplug it, please", "chat"),
    ]
    kinds = list(ticket.events.values_list("kind", flat=True))
    for kind in (EventKind.CHAT_OFFERED, EventKind.CHAT_ACCEPTED, EventKind.CHAT_ENDED):
        assert kinds.count(kind) == 1


def test_typing_reaches_the_other_side_and_is_never_stored(server, carol, alice):
    async def scenario():
        customer, agent, started = await accepted_chat(server, carol, alice)
        await customer.send(type="typing", typing=True)
        seen = await agent.expect("typing")
        await customer.send(type="typing", typing=False)
        stopped = await agent.expect("typing")
        return started, seen, stopped

    started, seen, stopped = run(scenario())
    assert seen == {"type": "typing", "chat": started["chat"], "from": "customer", "typing": True}
    assert stopped["typing"] is False
    assert Message.objects.filter(ticket_id=started["ticket"]).count() == 1


def test_a_malformed_frame_gets_a_clear_error_and_the_chat_goes_on(server, carol):
    async def scenario():
        customer, started = await start_chat(server, carol)
        errors = []
        for text in ("not json", "[1, 2]", '{"type": "shout"}'):
            await customer.ws.send(text)
            errors.append(json.loads(await customer.ws.recv()))
        await customer.send(type="message", id=new_id(), body="Still there?")
        return started, errors, await customer.expect("message")

    started, errors, stored = run(scenario())
    assert [(e["type"], e["code"]) for e in errors] == [("error", "bad_frame")] * 3
    assert "'shout'" in errors[2]["message"]
    assert stored["body"] == "Still there?"
    assert Message.objects.filter(ticket_id=started["ticket"]).count() == 2


def test_a_resent_message_is_stored_once(server, carol):
    async def scenario():
        customer, started = await start_chat(server, carol)
        await customer.send(type="message", id="same-1", body="Hello?")
        first = await customer.expect("message")
        await customer.send(type="message", id="same-1", body="Hello?")
        again = await customer.expect("message")
        return started, first, again

    started, first, again = run(scenario())
    assert first == again
    assert Message.objects.filter(ticket_id=started["ticket"], body="Hello?").count() == 1


def test_a_chat_resumes_after_a_reconnect_with_its_transcript(server, carol):
    async def scenario():
        customer, started = await start_chat(server, carol)
        await customer.send(type="message", id="m-1", body="Still there?")
        await customer.expect("message")
        await customer.close()
        back = await open_socket(server)  # no session needed: the resume token says who
        await back.send(type="resume", resume=started["resume"])
        return started, await back.expect("resumed")

    started, resumed = run(scenario())
    assert resumed["chat"] == started["chat"]
    assert resumed["state"] == "waiting"
    assert [m["body"] for m in resumed["messages"]] == ["My printer is on fire", "Still there?"]
    assert LiveContact.objects.get(external_id=started["chat"]).outcome == Outcome.WAITING


def test_a_chat_left_before_anyone_accepts_is_abandoned(server, carol):
    async def scenario():
        customer, started = await start_chat(server, carol)
        await customer.send(type="leave")
        return started, await customer.expect("abandoned")

    started, abandoned = run(scenario())
    chat = LiveContact.objects.get(external_id=started["chat"])
    assert abandoned["state"] == "abandoned"
    assert (chat.outcome, chat.answered_at, chat.answered_in_time) == (
        Outcome.ABANDONED,
        None,
        None,
    )
    assert chat.abandoned_at is not None
    assert chat.ticket.events.filter(kind=EventKind.CHAT_ABANDONED).count() == 1


def test_a_dropped_customer_who_does_not_come_back_abandons_the_chat(server, carol):
    async def scenario():
        customer, started = await start_chat(server, carol)
        await customer.close()
        return started

    started = run(scenario())
    chat = LiveContact.objects.get(external_id=started["chat"])
    for _ in range(300):  # the server waits TIERDESK_CHAT_RECONNECT_SECONDS (1 s here)
        chat.refresh_from_db()
        if chat.outcome != Outcome.WAITING:
            break
        run(asyncio.sleep(0.1))
    assert chat.outcome == Outcome.ABANDONED


def test_basic_customer_gets_the_polite_refusal_and_it_is_on_the_timeline(server, bob):
    async def scenario():
        customer = await open_socket(server, user=bob)
        await customer.send(type="start", id=new_id(), body="Can we chat?")
        refused = await customer.expect("refused")
        await customer.ws.wait_closed()
        return refused, customer.ws.close_code

    refused, close_code = run(scenario())
    assert refused == {
        "type": "refused",
        "code": "channel_not_in_tier",
        "message": "Basic tier has no live chat; please contact us by email or web form and "
        "portal, or upgrade your plan.",
        "ticket_form": "/tickets/new/",
    }
    assert close_code == 4409
    assert not Ticket.objects.exists()
    assert not LiveContact.objects.exists()
    refusal = Interaction.objects.get(kind=InteractionKind.CHANNEL_REFUSED)
    assert (refusal.channel, refusal.summary) == (
        "chat",
        "Contact by chat refused: not included in Basic.",
    )


def test_premium_chat_outside_its_hours_is_refused_with_when_it_opens(start_server, carol):
    closed = start_server(now=T0.replace(hour=21))  # Tuesday 21:00 London: Premium chat is 08-20

    async def scenario():
        customer = await open_socket(closed, user=carol)
        await customer.send(type="start", id=new_id(), body="Anyone there?")
        return await customer.expect("refused")

    refused = run(scenario())
    assert refused["code"] == "channel_closed"
    assert refused["message"] == (
        "Premium tier's live chat is closed now; it is open Mon–Fri 08:00–20:00 London time "
        "(closed on public holidays) and opens again tomorrow at 08:00 UTC. You can write to us "
        "any time by email or web form and portal; we answer from the next opening."
    )
    assert not LiveContact.objects.exists()
    assert (
        Interaction.objects.filter(kind=InteractionKind.CHANNEL_REFUSED, channel="chat").count()
        == 1
    )


def test_a_vip_chat_waits_for_a_senior_agent(server, victor, frank, alice):
    async def scenario():
        customer, started = await start_chat(server, victor, body="Board meeting in 10 min")
        regular = await open_socket(server, "/ws/chat/agent/", user=frank)
        await regular.expect("hello")
        await regular.send(type="watch")
        frank_queue = await regular.expect("queue")
        await regular.send(type="accept", chat=started["chat"])
        refused = await regular.expect("error")
        senior = await open_socket(server, "/ws/chat/agent/", user=alice)
        await senior.expect("hello")
        await senior.send(type="accept", chat=started["chat"])
        await senior.expect("accepted")
        await regular.send(type="message", chat=started["chat"], id="x-1", body="Hi, Frank here")
        intruder = await regular.expect("error")
        return started, frank_queue, refused, intruder

    started, frank_queue, refused, intruder = run(scenario())
    assert frank_queue["chats"] == []
    assert (refused["code"], refused["message"]) == (
        "not_allowed",
        "VIP chats need a more senior agent than frank.",
    )
    assert (intruder["code"], intruder["message"]) == ("not_found", "No such chat.")
    assert LiveContact.objects.get(external_id=started["chat"]).answered_by.username == "alice"
    assert Message.objects.filter(ticket_id=started["ticket"]).count() == 1


def test_a_second_agent_cannot_take_an_accepted_chat(server, carol, alice, dave):
    async def scenario():
        customer, started = await start_chat(server, carol)
        first = await open_socket(server, "/ws/chat/agent/", user=alice)
        await first.expect("hello")
        await first.send(type="accept", chat=started["chat"])
        await first.expect("accepted")
        second = await open_socket(server, "/ws/chat/agent/", user=dave)
        await second.expect("hello")
        await second.send(type="accept", chat=started["chat"])
        return await second.expect("error")

    error = run(scenario())
    assert (error["code"], error["message"]) == (
        "not_waiting",
        "This chat is no longer waiting (answered, by alice).",
    )


def test_customers_cannot_reach_other_chats_or_the_agent_socket(server, carol, bob):
    async def scenario():
        _, started = await start_chat(server, carol)
        outsider = await open_socket(server, user=bob)
        forged = started["resume"][:-2] + ("AA" if not started["resume"].endswith("AA") else "BB")
        await outsider.send(type="resume", resume=forged)
        bad_token = await outsider.expect("error")
        await outsider.send(type="message", id="m-1", body="let me in")
        no_chat = await outsider.expect("error")
        try:
            await open_socket(server, "/ws/chat/agent/", user=carol)
        except InvalidStatus as rejected:
            status = rejected.response.status_code
        return bad_token, no_chat, status

    bad_token, no_chat, status = run(scenario())
    assert (bad_token["code"], bad_token["message"]) == ("not_found", "No such chat.")
    assert no_chat["code"] == "no_chat"
    assert status == 403
    assert Message.objects.count() == 1


def test_an_unlisted_origin_cannot_open_a_chat_socket(server, carol):
    async def scenario():
        try:
            await open_socket(server, user=carol, origin="https://evil.example")
        except InvalidStatus as rejected:
            return rejected.response.status_code
        return None

    assert run(scenario()) == 403


def test_an_unanswered_chat_counts_its_wait_against_the_tier_target(server, carol, alice):
    async def scenario():
        customer, started = await start_chat(server, carol)
        agent = await open_socket(server, "/ws/chat/agent/", user=alice)
        await agent.expect("hello")
        await agent.send(type="accept", chat=started["chat"])
        return started, await agent.expect("accepted")

    started, accepted = run(scenario())
    chat = LiveContact.objects.get(external_id=started["chat"])
    assert chat.answer_target_seconds == 60
    assert accepted["answer_due_at"] == (chat.offered_at + timedelta(seconds=60)).isoformat()
    assert chat.wait_seconds < 60


def test_messages_sent_back_to_back_are_stored_and_echoed_in_order(server, carol, alice):
    ids = [f"burst-{n}" for n in range(12)]

    async def scenario():
        customer, agent, started = await accepted_chat(server, carol, alice)
        await customer.expect("joined")
        for n, client_id in enumerate(ids):  # no waiting between frames
            await customer.send(type="message", id=client_id, body=f"part {n}")
        echoed = [await customer.expect("message") for _ in ids]
        seen = [await agent.expect("message") for _ in ids]
        return started, echoed, seen

    started, echoed, seen = run(scenario())
    assert [f["client_id"] for f in echoed] == ids
    assert seen == echoed
    assert [f["id"] for f in echoed] == sorted(f["id"] for f in echoed)
    transcript = Message.objects.filter(ticket_id=started["ticket"]).order_by("created_at", "id")
    assert [m.body for m in transcript][1:] == [f"part {n}" for n in range(len(ids))]


def test_once_the_agent_ends_the_chat_the_customer_can_no_longer_write_in_it(server, carol, alice):
    async def scenario():
        customer, agent, started = await accepted_chat(server, carol, alice)
        await agent.send(type="end", chat=started["chat"])
        ended = await customer.expect("ended")
        await customer.send(type="message", id="late-1", body="One more thing")
        return started, ended, json.loads(await customer.ws.recv())

    started, ended, refused = run(scenario())
    assert ended["state"] == "ended"
    assert (refused["type"], refused["code"], refused["ref"]) == ("error", "ended", "late-1")
    assert not Message.objects.filter(ticket_id=started["ticket"], body="One more thing").exists()
