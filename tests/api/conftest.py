"""Fixtures of the public API tests (see tests/public_fixtures.py)."""

import pytest
from django.core.cache import caches

from tests.public_fixtures import catalogue  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Each test starts with empty throttle counters (they live in a cache shared by the whole process)."""
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()
