"""REDIS_URL selects the Redis channel layer, so several server processes share one."""

import asyncio
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

REDIS_URL = os.environ.get("TIERDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

ROUND_TRIP = """
import sys
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
layer = get_channel_layer()
print(type(layer).__name__)
if sys.argv[1] == "send":
    async_to_sync(layer.group_send)(sys.argv[2], {"type": "chat.message", "text": "hello"})
"""


def in_process(*args, redis_url=REDIS_URL):
    return subprocess.run(
        [sys.executable, "-c", ROUND_TRIP, *args],
        env={**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "tierdesk.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_redis_url_selects_the_redis_layer():
    done = in_process("noop", "x")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "RedisChannelLayer"


def test_no_redis_url_keeps_the_embedded_layer():
    done = in_process("noop", "x", redis_url="")
    assert done.stdout.strip() == "InMemoryChannelLayer"


def test_a_message_sent_by_one_process_reaches_a_group_member_in_another():
    from channels_redis.core import RedisChannelLayer

    async def listen_then_receive():
        layer = RedisChannelLayer(hosts=[REDIS_URL])
        group = f"t{uuid.uuid4().hex}"
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        done = await asyncio.to_thread(in_process, "send", group)
        assert done.returncode == 0, done.stderr
        return await asyncio.wait_for(layer.receive(channel), timeout=10)

    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        received = pool.submit(asyncio.run, listen_then_receive()).result(timeout=60)
    assert received == {"type": "chat.message", "text": "hello"}


MANY_AT_ONCE = """
import asyncio, sys, uuid
import django
django.setup()
from channels.layers import get_channel_layer

async def main():
    layer, tag = get_channel_layer(), uuid.uuid4().hex
    groups = [f"tierdesk.chat.{tag}{n}" for n in range(int(sys.argv[1]))]
    joined = await asyncio.gather(
        *(layer.group_add(g, f"probe.{n}") for n, g in enumerate(groups)), return_exceptions=True
    )
    await asyncio.gather(*(layer.group_discard(g, f"probe.{n}") for n, g in enumerate(groups)))
    print(sum(isinstance(result, Exception) for result in joined))

asyncio.run(main())
"""


def test_hundreds_of_chats_joining_at_once_all_reach_the_redis_layer():
    # redis-py's pool refuses past its size instead of waiting; 100 by default.
    done = subprocess.run(
        [sys.executable, "-c", MANY_AT_ONCE, "300"],
        env={**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "tierdesk.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
