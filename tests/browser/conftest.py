"""Fixtures of the browser tests: the public catalogue (see tests/public_fixtures.py), and ``page`` parametrized over
the two viewports so that each journey runs on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import TIMEOUT
from tests.public_fixtures import catalogue  # noqa: F401


@pytest.fixture(params=["desktop", "phone"])
def viewport(request):
    return request.param


@pytest.fixture
def page(request, viewport):
    """The page of the journey's viewport (desktop 1280×900 or phone 390×844 touch), with generous timeouts."""
    page = request.getfixturevalue(f"{viewport}_page")
    page.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of submit buttons (data-confirm)
    return page
