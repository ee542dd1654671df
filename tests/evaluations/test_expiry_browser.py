"""The officer certificate pages in a real browser (Debian's Chromium): desktop and phone, filters, Excel download."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluations import certificate_list_fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

situation = certificate_list_fixtures.situation  # the shared fixture, by name


def logged_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_attention_page_on_desktop_filters_and_exports(desktop_page, live_server, situation, screenshot_dir):
    s = situation
    page = desktop_page
    errors = logged_in(page, live_server, s.province_user)
    page.goto(live_server.url + reverse("certificates:attention"))
    assert page.get_by_role("heading", name="Giấy chứng nhận cần chú ý").is_visible()
    assert page.get_by_role("link", name="Giấy chứng nhận", exact=True).is_visible()  # in the officer menu
    summary = page.locator("table.cert-summary")
    assert summary.get_by_role("link", name=s.commune_x.name).is_visible()
    page.screenshot(path=str(screenshot_dir / "certificates-attention-desktop.png"), full_page=True)

    page.select_option("#id_attention", "extended")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    table = page.locator("table.cert-table")
    assert table.get_by_text(s.extended.number).is_visible()
    assert table.get_by_text(s.window.number).count() == 0

    page.get_by_role("link", name="Sắp hết hạn").click()
    page.wait_for_load_state()
    assert page.locator("#id_expiring_within").input_value() == "90"
    assert page.locator("table.cert-table").get_by_text(s.late.number).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=str(screenshot_dir / "certificates-expiring-desktop.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_rerating_window_page_on_a_phone(phone_page, live_server, situation, screenshot_dir):
    s = situation
    page = phone_page
    errors = logged_in(page, live_server, s.commune_user)
    page.goto(live_server.url + reverse("certificates:rerating_window"))
    assert page.get_by_role("heading", name="Giấy chứng nhận trong thời gian nộp hồ sơ đánh giá lại").is_visible()
    cards = page.locator("ul.cert-cards > li")
    assert cards.count() == 1 and s.window.product.name in cards.first.inner_text()
    assert not page.locator("table.cert-table").is_visible()  # the table is for wider screens
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.screenshot(path=str(screenshot_dir / "certificates-window-phone.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
