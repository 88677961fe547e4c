"""The portal chat in a real Chromium: a Premium customer talks with an agent; Basic is refused.

The pages come from a uvicorn process (tests/chat): the live test server has no WebSockets.
"""

import pytest

from tests.chat.conftest import open_socket, run, server, session_cookie, start_server  # noqa: F401
from tierdesk.live.models import LiveContact, Outcome

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, server, user):  # noqa: F811  (server is a fixture name)
    cookie = session_cookie(user).split("=", 1)[1]
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.http}])


def test_a_premium_customer_chats_from_the_portal_and_the_agent_answers(
    page,
    server,  # noqa: F811
    carol,
    alice,
):
    sign_in(page, server, carol)
    page.goto(f"{server.http}/chat/")
    page.fill(".tierdesk-chat textarea", "My printer is on fire")
    page.click(".tierdesk-chat button[type=submit]")
    page.locator(".tierdesk-chat .status", has_text="Waiting for an agent…").wait_for()
    chat = LiveContact.objects.get()

    async def agent_answers():
        agent = await open_socket(server, "/ws/chat/agent/", user=alice)
        await agent.expect("hello")
        await agent.send(type="accept", chat=chat.external_id)
        await agent.expect("accepted")
        await agent.send(type="message", chat=chat.external_id, id="a-1", body="Unplug it now")
        await agent.expect("message")

    run(agent_answers())
    page.locator(".tierdesk-chat li.agent", has_text="Unplug it now").wait_for()
    assert (
        page.locator(".tierdesk-chat li.customer")
        .all_inner_texts()[0]
        .endswith("My printer is on fire")
    )
    page.click(".tierdesk-chat .tierdesk-leave")
    page.locator(".tierdesk-chat .status", has_text="The chat has ended. Thank you!").wait_for()
    chat.refresh_from_db()
    assert chat.outcome == Outcome.ENDED
    assert [m.body for m in chat.ticket.messages.order_by("created_at", "id")] == [
        "My printer is on fire",
        "Unplug it now",
    ]


def test_a_basic_customer_is_offered_a_ticket_instead(page, server, bob):  # noqa: F811
    sign_in(page, server, bob)
    page.goto(f"{server.http}/chat/")
    page.fill(".tierdesk-chat textarea", "Can we chat?")
    page.click(".tierdesk-chat button[type=submit]")
    refusal = page.locator(".tierdesk-chat .refusal")
    refusal.wait_for()
    assert refusal.locator("p").inner_text() == (
        "Basic tier has no live chat; please contact us by email or web form and portal, "
        "or upgrade your plan."
    )
    assert refusal.locator("textarea[name=body]").input_value() == "Can we chat?"
    refusal.locator("button[type=submit]").click()
    page.wait_for_url("**/tickets/new/**")
    assert page.locator("textarea[name=body]").input_value() == "Can we chat?"
    assert not LiveContact.objects.exists()
