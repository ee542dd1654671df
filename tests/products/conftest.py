"""Fixtures of the public catalogue tests (see tests/public_fixtures.py)."""

from tests.products.import_helpers import units  # noqa: F401
from tests.public_fixtures import catalogue  # noqa: F401
