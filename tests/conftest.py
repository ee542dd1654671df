import os
from pathlib import Path

import pytest


def pytest_configure(config):
    """Compile the translation catalogues before any page is rendered, so that a plain `pytest` tests the English
    pages exactly as `make test` does (the .mo files are git-ignored build products)."""
    from ocop_portal.management.commands.compile_translations import compile_catalogues

    compile_catalogues([Path(__file__).resolve().parent.parent / "locale"])


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db.get('HOST') or 'socket'}:{db.get('PORT') or ''}"
    return (
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where}); redis: {os.environ.get('REDIS_URL') or 'none (eager)'}"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized test data reachable from every connection object.

    Playwright's sync API runs an event loop in the main thread; from then on Django's connection handler hands out
    a new connection object without ``_test_serialized_contents``, and ``serialized_rollback`` silently stopped
    restoring the data migrations' rows (rule versions, taxonomy) in every transactional test after the first
    browser test. Storing the contents on the connection class makes them visible to both objects.
    """
    from django.db import connections

    for connection in connections.all():
        contents = connection.__dict__.get("_test_serialized_contents")
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache: the database is rolled back between tests, and cached reference
    data (unit and product-set ids, home figures) from an earlier test would point at rows that are gone."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test writes uploads to its own private folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


# Browser tests: Debian's Chromium driven by Playwright (never `playwright install`, which cannot download here).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def desktop_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2, locale="vi-VN"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    """Where browser tests leave screenshots for people to look at (ignored by git)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "screenshots"
    path.mkdir(exist_ok=True)
    return path
