"""Printable score sheets: the index of rule versions and the blank A4 "phiếu đánh giá" of each product set."""

import re

import pytest
from django.utils.html import escape

from evaluations.models import Criterion, CriterionOption, ScoreSheet
from tests.sheet_fixtures import loaded_sheets  # noqa: F401


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_sheets")
class TestPrintPages:
    def test_index_lists_versions_and_sheets(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            response = client.get("/score-sheets/")
        assert response.status_code == 200
        html = response.content.decode()
        for decision in ("26/2026/QĐ-TTg", "148/QĐ-TTg + 1489/QĐ-TTg", "148/QĐ-TTg", "1048/QĐ-TTg"):
            assert f"Quyết định {decision}" in html
        assert html.count("Chưa số hoá phiếu") == 3
        assert "26 phiếu đã số hoá" in html
        links = re.findall(r'href="/score-sheets/QD26_2026/(\d+)/"', html)
        assert [int(n) for n in links] == list(range(1, 27))
        assert "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch" in html

    def test_sheet_page_is_the_paper_form(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            response = client.get("/score-sheets/QD26_2026/1/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "1. Bộ sản phẩm: Rau, củ, quả, hạt tươi" in html
        assert "(Sản phẩm: Thực phẩm. Nhóm: Thực phẩm tươi sống)" in html
        for text in (
            "Tên sản phẩm:",
            "Mã số sản phẩm: (T)-(X)-(STT)-20",
            "Tên chủ thể sản xuất:",
            "Số điện thoại:",
            "Địa chỉ:",
            "Các tiêu chí",
            "Thang điểm",
            "TỔNG CỘNG",
            "Người đánh giá",
            "Hồ sơ bị loại khi: Giả mạo hồ sơ",
            "Ghi chú: Dấu sao là yêu cầu tối thiểu",
        ):
            assert text in html, text
        assert "Phần A: SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 điểm)" in html
        sheet = ScoreSheet.objects.get(rule_version__code="QD26_2026", product_set__number=1)
        for criterion in Criterion.objects.filter(sheet=sheet):
            assert escape(f"{criterion.number}. {criterion.text}") in html or criterion.heading_level, criterion.number
        options = CriterionOption.objects.filter(criterion__sheet=sheet)
        assert html.count("□") == options.count()
        for option in options:
            assert escape(option.text) in html
        # *** marks after the option text, as printed: 1.3 c is the 5-star minimum.
        assert re.search(r"kéo dài thời gian bảo quản.*?</span><span class=\"stars\"[^>]*>\*\*\*\*\*</span>", html)
        # A heading scored as a whole (7. DINH DƯỠNG) shows its explanation once.
        assert html.count("Chỉ ra hàm lượng của các chỉ tiêu dinh dưỡng như") == 1
        # Strict CSP: no inline style, no inline script.
        assert 'style="' not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)

    def test_tourism_sheet_keeps_its_shape(self, client):
        html = client.get("/score-sheets/QD26_2026/26/").content.decode()
        assert "Hồ sơ bị loại khi" not in html  # set 26 prints no elimination clause
        assert "Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp" in html
        assert "Sửa lỗi in so với văn bản gốc" in html and "11766" in html

    def test_three_level_numbering(self, client):
        html = client.get("/score-sheets/QD26_2026/11/").content.decode()
        assert "6.1. Ngoại hình" in html and "6.2.1. Màu nước" in html

    def test_unknown_or_untranscribed_sheet_is_404(self, client):
        assert client.get("/score-sheets/QD148_2023/1/").status_code == 404
        assert client.get("/score-sheets/QD26_2026/27/").status_code == 404
        assert client.get("/score-sheets/NOPE/1/").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_printed_sheet_looks_like_the_form(live_server, desktop_page, screenshot_dir):
    from evaluations.sheet_loader import load_files

    load_files()  # transactional tests run after a flush: load again (idempotent)
    page = desktop_page
    page.goto(f"{live_server.url}/score-sheets/QD26_2026/1/")
    assert page.locator("h1.sheet-title").inner_text() == "1. Bộ sản phẩm: Rau, củ, quả, hạt tươi"
    options = CriterionOption.objects.filter(criterion__sheet__product_set__number=1).count()
    assert page.locator("tr.row-option").count() == options
    assert page.locator(".sheet-paper").evaluate("e => getComputedStyle(e).fontFamily").startswith('"Times New Roman"')
    page.screenshot(path=str(screenshot_dir / "score-sheet-1.png"))
    page.emulate_media(media="print")
    assert not page.locator(".portal-header").is_visible()
    assert not page.locator(".sheet-toolbar").is_visible()
    pdf = page.pdf(path=str(screenshot_dir / "score-sheet-1.pdf"), format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 4 <= pages <= 10, pages
