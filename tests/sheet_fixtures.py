"""Shared fixture: the committed score sheets loaded into the test database once per session.

Import it explicitly where needed (``from tests.sheet_fixtures import loaded_sheets  # noqa: F401``); it is not in
a conftest so it cannot collide with other apps' fixtures. The load is committed outside the per-test transactions
(``django_db_blocker``), so every non-transactional test sees the 26 sheets. Transactional tests (``live_server``)
run last under pytest-django and flush the tables: they must call ``load_files()`` themselves (it is idempotent).
"""

import pytest


@pytest.fixture(scope="session")
def loaded_sheets(django_db_setup, django_db_blocker):
    from evaluations.sheet_loader import load_files

    with django_db_blocker.unblock():
        return load_files()
