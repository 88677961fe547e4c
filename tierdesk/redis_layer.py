"""The channel layer shared by several server processes: channels-redis, with a shorter group send.

channels-redis sends to a group in four trips to Redis: drop expired members, list the
members, drop each member's expired messages, then a script that queues the message for
each. Every chat message is one such send, and the console's "ticket changed" signals two
more, so those trips were a large part of what a message cost two processes. Here the first
two go together in one pipeline and the third runs inside the script: two trips, one for
a group nobody is in, with the same expiries and the same capacity rule.
"""

import logging
import time
from typing import Any

from channels_redis.core import RedisChannelLayer as ChannelsRedisLayer

log = logging.getLogger(__name__)

# KEYS: the members' channel keys; ARGV: a message per key, a capacity per key, then the
# time now, the expiry in seconds and the score below which a queued message has expired.
GROUP_SEND = """
local n = #KEYS
local now, expiry, stale = ARGV[#ARGV - 2], ARGV[#ARGV - 1], ARGV[#ARGV]
local over_capacity = 0
for i = 1, n do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, stale)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + n]) then
        redis.call('ZADD', KEYS[i], now, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


class RedisChannelLayer(ChannelsRedisLayer):
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert self.require_valid_group_name(group), "Group name not valid"
        key = self._group_key(group)
        pipe = self.connection(self.consistent_hash(group)).pipeline(transaction=False)
        pipe.zremrangebyscore(key, min=0, max=int(time.time()) - self.group_expiry)
        pipe.zrange(key, 0, -1)
        _, members = await pipe.execute()
        if not members:
            return
        names = [member.decode("utf8") for member in members]
        keys_of, message_of, capacity_of = self._map_channel_keys_to_connection(names, message)
        for index, keys in keys_of.items():
            now = time.time()
            args = [
                *(message_of[k] for k in keys),
                *(capacity_of[k] for k in keys),
                now,
                self.expiry,
                int(now) - int(self.expiry),
            ]
            over = await self.connection(index).eval(GROUP_SEND, len(keys), *keys, *args)
            if over > 0:
                log.info("%s of %s channels over capacity in group %s", over, len(names), group)
