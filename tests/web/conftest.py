"""Web tests start with empty rate-limit counters (the cache outlives a test's transaction)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()
