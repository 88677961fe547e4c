"""The one-process channel layer: group messages as Channels sends them, expiry swept once a second."""

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryLayer

from tests.chat.conftest import run  # a thread of its own: the browser tests keep a loop here
from tierdesk import inmemory_layer
from tierdesk.inmemory_layer import InMemoryChannelLayer


def test_a_group_message_reaches_each_member_as_its_own_copy_and_nobody_else():
    async def go():
        layer = InMemoryChannelLayer()
        one, two, outsider = [await layer.new_channel() for _ in range(3)]
        for channel in (one, two):
            await layer.group_add("tierdesk.chat.abc", channel)
        await layer.group_send("tierdesk.chat.abc", {"type": "chat.message", "frame": {"n": 1}})
        await layer.group_send("tierdesk.chat.abc", {"type": "chat.message", "frame": {"n": 2}})
        got = [await layer.receive(one), await layer.receive(one), await layer.receive(two)]
        got[0]["frame"]["n"] = 99  # one member's copy is its own
        return got, await layer.receive(two), layer.channels.get(outsider)

    (first, second, other), other_second, outsider = run(go())
    assert [first["frame"], second["frame"], other["frame"]] == [{"n": 99}, {"n": 2}, {"n": 1}]
    assert other_second["frame"] == {"n": 2}
    assert outsider is None


def test_a_busy_layer_sweeps_for_expired_messages_at_most_once_a_second(monkeypatch):
    sweeps = []
    sweep = ChannelsInMemoryLayer._clean_expired
    monkeypatch.setattr(
        ChannelsInMemoryLayer, "_clean_expired", lambda self: sweeps.append(1) or sweep(self)
    )

    async def go():
        layer = InMemoryChannelLayer()
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        for n in range(50):
            await layer.group_send("g", {"type": "x", "n": n})
            await layer.receive(channel)

    run(go())
    assert len(sweeps) == 1


def test_an_unreceived_message_still_expires_and_its_channel_leaves_the_group(monkeypatch):
    monkeypatch.setattr(inmemory_layer, "SWEEP_EVERY_S", 0)

    async def go():
        layer = InMemoryChannelLayer(expiry=0)
        gone, stays = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("g", gone)
        await layer.send(gone, {"type": "x"})  # expired at once: nobody reads it
        layer.expiry = 60
        await layer.group_add("g", stays)
        await layer.group_send("g", {"type": "y"})
        return layer.groups["g"], await layer.receive(stays), gone

    members, received, gone = run(go())
    assert gone not in members
    assert received == {"type": "y"}
