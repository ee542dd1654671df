"""Accessibility of the public pages (and the main officer pages): axe-core in Debian's Chromium on a desktop and a
phone, no violation of impact "serious" or "critical". A failure lists every rule and node found on every page."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from playwright.sync_api import expect

from tests.browser.a11y import blocking_violations
from tests.browser.journeys import no_sideways_scroll, province, scoring_round
from tests.evaluations.workflow_helpers import make_product, options_for_total, sheet_data_for, submit_sheet
from tests.public_fixtures import build_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = ["desktop", "phone"]

PUBLIC_PAGES = [
    ("home", "/", 200),
    ("catalogue", "/san-pham/?q=gom", 200),
    ("catalogue-all", "/san-pham/?province=01&sort=stars", 200),
    ("product", "product:gom", 200),
    ("product-revoked", "product:revoked", 200),
    ("producer", "producer:may_tre", 200),
    ("unit-province", "/dia-ban/tinh/01/", 200),
    ("unit-commune", "/dia-ban/xa/00577/", 200),
    ("unit-legacy-district", "/dia-ban/huyen-cu/017/", 200),
    ("verify-form", "/verify/", 200),
    ("verify-found", "/verify/GCN-VALID-5/", 200),
    ("verify-revoked", "/verify/GCN-REVOKED/", 200),
    ("verify-not-found", "/verify/KHONG-CO-SO-NAY/", 404),
    ("statistics", "/thong-ke/", 200),
    ("login", "/accounts/login/", 200),
    ("not-found", "/trang-khong-ton-tai/", 404),
]
ENGLISH_PAGES = [("home-en", "/", 200), ("catalogue-en", "/san-pham/?q=gom", 200)]


@pytest.fixture
def page_for(request):
    def choose(viewport):
        return request.getfixturevalue(f"{viewport}_page")

    return choose


def resolve(path, catalogue):
    kind, _, key = path.partition(":")
    if kind == "product":
        return catalogue.products[key].get_absolute_url()
    if kind == "producer":
        return catalogue.producers[key].get_absolute_url()
    return path


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_have_no_serious_violations(live_server, page_for, viewport, screenshot_dir):
    caches["default"].clear()
    catalogue = build_catalogue()
    page = page_for(viewport)
    page.set_default_timeout(20000)
    found = []
    for name, path, status in PUBLIC_PAGES:
        response = page.goto(live_server.url + resolve(path, catalogue))
        assert response.status == status, (name, response.status)
        assert page.locator("html").get_attribute("lang") == "vi"
        found += blocking_violations(page, name)
        if viewport == "phone":
            no_sideways_scroll(page, name)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for name, path, status in ENGLISH_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == status, (name, response.status)
        assert page.locator("html").get_attribute("lang") == "en"
        found += blocking_violations(page, name)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_main_officer_pages_have_no_serious_violations(live_server, page_for, viewport):
    from evaluations.models import Dossier, RuleVersion

    p = province("23", "Tỉnh Tiếp Cận", "tc")
    round_, (scored,) = scoring_round(p, ["Miến dong Tiếp Cận"])
    sheet = sheet_data_for(scored.product)
    assert submit_sheet(p.members[0], round_, scored, options_for_total(sheet, 75)).status_code == 302
    draft = Dossier.objects.create(
        product=make_product(p.commune, number=2, name="Nem chua Tiếp Cận"),
        rule_version=RuleVersion.objects.get(code="QD26_2026"),
        intake_unit=p.commune,
    )
    page = page_for(viewport)
    page.set_default_timeout(20000)
    found = []
    rounds = f"/can-bo/dot-danh-gia/{round_.pk}"
    for account, pages in [
        (
            p.commune_officer,
            [
                ("officer-home", "/can-bo/"),
                ("dossier-list", "/can-bo/ho-so/"),
                ("dossier-new", "/can-bo/ho-so/moi/"),
                ("product-new", "/can-bo/san-pham/moi/"),
                ("dossier-detail", f"/can-bo/ho-so/{draft.pk}/"),
                ("dossier-registration", f"/can-bo/ho-so/{draft.pk}/phieu-dang-ky/"),
                ("dossier-self-assessment", f"/can-bo/ho-so/{draft.pk}/tu-danh-gia/"),
                ("dossier-files", f"/can-bo/ho-so/{scored.pk}/tai-lieu/"),
                ("dossier-history", f"/can-bo/ho-so/{scored.pk}/lich-su/"),
            ],
        ),
        (p.office, [("round-list", "/can-bo/dot-danh-gia/"), ("round-new", "/can-bo/dot-danh-gia/moi/")]),
        (
            p.members[1],
            [
                ("round-detail", f"{rounds}/"),
                ("round-dossier", f"{rounds}/ho-so/{scored.pk}/"),
                ("score-sheet", f"{rounds}/ho-so/{scored.pk}/cham-diem/"),
            ],
        ),
        (p.members[0], [("result", f"{rounds}/ho-so/{scored.pk}/ket-qua/")]),
        (p.secretary, [("decision-list", "/can-bo/quyet-dinh/")]),
        (p.members[1], [("score-sheet-en", f"{rounds}/ho-so/{scored.pk}/cham-diem/")]),
        (
            p.commune_officer,
            [("dossier-list-en", "/can-bo/ho-so/"), ("dossier-files-en", f"/can-bo/ho-so/{scored.pk}/tai-lieu/")],
        ),
    ]:
        client = Client()
        client.force_login(account)
        page.context.clear_cookies()
        cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        english = pages[0][0].endswith("-en")
        if english:
            cookies.append({"name": "django_language", "value": "en", "url": live_server.url})
        page.context.add_cookies(cookies)
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, response.status)
            assert page.locator("html").get_attribute("lang") == ("en" if english else "vi")
            found += blocking_violations(page, name)
            if viewport == "phone":
                no_sideways_scroll(page, name)
    assert not found, "\n".join(found)


def test_keyboard_skips_to_the_content_and_opens_the_phone_menu(live_server, phone_page):
    """Without a mouse or a finger: the first Tab shows the skip link, which lands in the main content; the menu's
    toggler opens with Enter and its links can then be reached."""
    caches["default"].clear()
    build_catalogue()
    page = phone_page
    page.set_default_timeout(20000)
    expect.set_options(timeout=20000)
    page.goto(live_server.url + "/")
    skip = page.get_by_role("link", name="Bỏ qua, tới nội dung chính")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.goto(live_server.url + "/")
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#nav")
    expect(menu).to_be_hidden()
    for _ in range(5):  # skip link, brand, toggler
        page.keyboard.press("Tab")
        if toggler.evaluate("element => element === document.activeElement"):
            break
    expect(toggler).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    expect(toggler).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Sản phẩm OCOP")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/san-pham/$"))
    expect(page.get_by_role("heading", name="Danh mục sản phẩm OCOP", level=1)).to_be_visible()
