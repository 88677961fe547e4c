"""The Redis channel layer's group send: the members, expiries and capacity channels-redis has."""

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

from tierdesk.redis_layer import RedisChannelLayer

REDIS_URL = os.environ.get("TIERDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def run(coroutine_function):
    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result(timeout=60)


def layers(count, **config):
    prefix = f"t{uuid.uuid4().hex[:10]}"
    return [RedisChannelLayer(hosts=[REDIS_URL], prefix=prefix, **config) for _ in range(count)]


async def received(layer, channel):
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout=0.5)
    except TimeoutError:
        return None


def test_a_group_message_reaches_every_member_in_each_process_once():
    async def go():
        here, there = layers(2)
        one, two, far = (
            await here.new_channel(),
            await here.new_channel(),
            await there.new_channel(),
        )
        for channel in (one, two, far):
            await here.group_add("tierdesk.chat.abc", channel)
        await here.group_send("tierdesk.chat.abc", {"type": "chat.message", "n": 1})
        got = [await received(here, one), await received(here, two), await received(there, far)]
        again = [await received(here, one), await received(there, far)]
        return got, again

    got, again = run(go)
    assert got == [{"type": "chat.message", "n": 1}] * 3
    assert again == [None, None]


def test_a_group_nobody_is_in_takes_the_message_quietly():
    async def go():
        (layer,) = layers(1)
        await layer.group_send("tierdesk.console.agents", {"type": "console.changed"})
        return True

    assert run(go)


def test_a_full_channel_misses_the_group_message_and_the_others_still_get_it():
    async def go():
        sender, full_one = layers(2, capacity=1)
        full, free = await full_one.new_channel(), await sender.new_channel()
        for channel in (full, free):
            await sender.group_add("g", channel)
        await sender.send(full, {"type": "first"})
        await sender.group_send("g", {"type": "second"})
        return [await received(full_one, full), await received(full_one, full)], await received(
            sender, free
        )

    full_gets, free_gets = run(go)
    assert full_gets == [{"type": "first"}, None]
    assert free_gets == {"type": "second"}


def test_a_membership_past_the_group_expiry_is_dropped_before_sending():
    async def go():
        (layer,) = layers(1, group_expiry=-60)  # every membership already a minute too old
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        await layer.group_send("g", {"type": "late"})
        return await received(layer, channel)

    assert run(go) is None
