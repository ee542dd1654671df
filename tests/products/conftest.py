"""Fixtures of the public catalogue tests (see tests/public_fixtures.py)."""

from tests.public_fixtures import catalogue  # noqa: F401
