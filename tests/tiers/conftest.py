"""Each test starts with empty version caches: a rolled-back test's ids are reused on SQLite."""

import pytest

from tierdesk.tiers.terms import forget_cached_versions


@pytest.fixture(autouse=True)
def _fresh_version_caches():
    forget_cached_versions()
    yield
    forget_cached_versions()
