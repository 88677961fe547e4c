"""Real uvicorn servers (the chat tests' fixtures) and a Redis channel layer shared with them."""

import os
import uuid
from datetime import UTC, datetime

import pytest

from tests.chat.conftest import server, start_server  # noqa: F401 (fixtures used here)

REDIS_URL = os.environ.get("TIERDESK_TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def shared_layer(settings, request):
    """A server and this process on one Redis channel layer of their own.

    The server keeps the real time: the layer expires group members by wall clock, and a
    member stamped in March would be dropped by a sender living in December.
    """
    prefix = f"live-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": prefix},
        }
    }
    return request.getfixturevalue("start_server")(
        now=datetime.now(UTC), REDIS_URL=REDIS_URL, TIERDESK_CHANNEL_PREFIX=prefix
    )
