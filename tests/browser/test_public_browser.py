"""The public portal in a real browser (Debian's Chromium): a shopper's journey, every page on a desktop and a
phone (screenshots in screenshots/), no console or CSP errors, no sideways scrolling on a phone, the language
switch, the filters' script, and Swagger UI offline."""

import re

import pytest

from tests.public_fixtures import build_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def watch(page):
    """Collect console errors (CSP violations among them), script errors and failed requests."""
    problems = []

    def console(message):
        # The not-found verification page answers 404 on purpose; the browser reports it as a failed load.
        if message.type == "error" and not ("404" in message.text and "/verify/NOPE/" in page.url):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "/verify/NOPE" not in r.url else None,
    )
    return problems


def test_search_then_product_then_verification(live_server, desktop_page, phone_page, screenshot_dir):
    from django.core.cache import caches

    caches["default"].clear()
    build_catalogue()
    for name, page in (("desktop", desktop_page), ("phone", phone_page)):
        problems = watch(page)
        page.goto(live_server.url + "/")
        page.fill("#hero-q", "gom su bat trang")
        page.press("#hero-q", "Enter")
        page.wait_for_url(re.compile(r"/san-pham/\?q=gom"))
        assert page.locator("#results article").count() == 1
        page.click("text=Gốm sứ Bát Tràng")
        page.wait_for_url(re.compile(r"/san-pham/\d+/gom-su-bat-trang/"))
        assert page.locator("h1").inner_text() == "Gốm sứ Bát Tràng"
        assert page.locator(".certificate-card .badge-status-valid").first.is_visible()
        assert page.locator(".qr-code svg").is_visible()
        page.screenshot(path=screenshot_dir / f"public-journey-product-{name}.png", full_page=True)
        page.click(".certificate-card dd a[href='/verify/GCN-VALID-5/']")
        page.wait_for_url(re.compile(r"/verify/GCN-VALID-5/$"))
        assert "Còn hiệu lực" in page.locator(".verify-headline").inner_text()
        page.screenshot(path=screenshot_dir / f"public-journey-verify-{name}.png", full_page=True)
        assert problems == [], problems


PAGES = [
    ("home", "/"),
    ("catalogue", "/san-pham/"),
    ("catalogue-filtered", "/san-pham/?province=01&status=active&status=expired&status=revoked&sort=stars"),
    ("product", "product:ca_phe"),
    ("product-revoked", "product:revoked"),
    ("producer", "producer:may_tre"),
    ("unit-province", "/dia-ban/tinh/01/"),
    ("unit-commune", "/dia-ban/xa/00577/"),
    ("unit-legacy-district", "/dia-ban/huyen-cu/017/"),
    ("verify-form", "/verify/"),
    ("verify-valid", "/verify/GCN-VALID-5/"),
    ("verify-expiring", "/verify/GCN-EXPIRING/"),
    ("verify-in-rerating", "/verify/GCN-RERATING/"),
    ("verify-expired", "/verify/GCN-EXPIRED/"),
    ("verify-revoked", "/verify/GCN-REVOKED/"),
    ("verify-superseded", "/verify/GCN-OLD-3/"),
    ("verify-not-found", "/verify/NOPE/"),
    ("statistics", "/thong-ke/?province=01"),
    ("api-docs", "/api/docs/"),
]


def test_every_public_page_on_desktop_and_phone(live_server, desktop_page, phone_page, screenshot_dir):
    from django.core.cache import caches

    caches["default"].clear()
    catalogue = build_catalogue()
    for device, page in (("desktop", desktop_page), ("phone", phone_page)):
        problems = watch(page)
        for name, path in PAGES:
            if path.startswith("product:"):
                path = catalogue.products[path.split(":")[1]].get_absolute_url()
            elif path.startswith("producer:"):
                path = catalogue.producers[path.split(":")[1]].get_absolute_url()
            response = page.goto(live_server.url + path)
            assert response.status == (404 if name == "verify-not-found" else 200), (name, response.status)
            if name == "api-docs":
                page.wait_for_selector(".opblock-tag", timeout=15000)  # Swagger UI rendered from local files
            page.screenshot(path=screenshot_dir / f"public-{name}-{device}.png", full_page=True)
            if device == "phone":
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (name, overflow)
        assert problems == [], problems


def test_filters_apply_on_change_and_language_switch(live_server, desktop_page):
    from django.core.cache import caches

    caches["default"].clear()
    build_catalogue()
    page = desktop_page
    problems = watch(page)
    page.goto(live_server.url + "/san-pham/")
    assert page.locator("#results article").count() == 5
    page.check("#stars-5")  # applies at once (static/js/catalogue.js), no empty parameters in the address
    page.wait_for_url(re.compile(r"/san-pham/\?stars=5$"))
    assert page.locator("#results article").count() == 1
    page.select_option("#id_province", "01")
    page.wait_for_url(re.compile(r"province=01"))
    assert page.locator("#id_commune option").count() == 4  # "all" + the province's three communes
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "stars=5" in page.url and "province=01" in page.url  # the switch keeps the visitor where they were
    assert problems == [], problems
