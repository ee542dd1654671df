"""Public pages: home, catalogue, product, producer, unit, verification; what they show and how many queries."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
MAX_QUERIES = 6


@pytest.fixture
def client():
    return Client()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_counts_by_star_and_category_and_lists_decisions(catalogue, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    # 5 listed: 1 5★, 2 4★ (Bún gạo, Cà phê re-recognised at 4★), 2 3★ (expiring, in re-rating).
    assert re.search(r'hero-total-number">5<', html)
    assert re.search(r"Sản phẩm 5 sao</div> </div> <div class=\"star-card-count\">1<", html)
    assert re.search(r"Sản phẩm 4 sao</div> </div> <div class=\"star-card-count\">2<", html)
    assert re.search(r"Sản phẩm 3 sao</div> </div> <div class=\"star-card-count\">2<", html)
    assert 'href="/san-pham/?category=IV"' in html
    assert "123/QĐ-UBND" in html and "2 sản phẩm" in html
    assert 'action="/san-pham/"' in html and 'name="q"' in html


@pytest.mark.parametrize("page_size", [12, 96])
def test_catalogue_queries_do_not_grow_with_the_page_size(catalogue, client, page_size, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/san-pham/", {"page_size": page_size, "province": "01", "q": "phu nghia"})
    assert response.status_code == 200
    html = text(response)
    assert "Mây tre đan Phú Nghĩa" in html and "Nón lá Phú Nghĩa" in html
    assert "Khăn thêu Phú Nghĩa" not in html  # expired: not listed unless asked for
    assert 'value="00577"' in html  # the province's communes are offered


def test_catalogue_shows_expired_and_revoked_only_when_asked(catalogue, client):
    html = text(client.get("/san-pham/", {"status": ["expired", "revoked"]}))
    assert "Khăn thêu Phú Nghĩa" in html and "Tương ớt Phú Nghĩa" in html
    assert "Gốm sứ Bát Tràng" not in html
    assert 'badge-status-revoked">Đã thu hồi' in html and 'badge-status-expired">Hết hạn' in html


def test_catalogue_paginates_and_sorts(catalogue, client):
    first = text(client.get("/san-pham/", {"page_size": 12, "sort": "stars"}))
    assert first.index("Gốm sứ Bát Tràng") < first.index("Mây tre đan Phú Nghĩa")
    assert "5 sản phẩm" in first
    beyond = client.get("/san-pham/", {"page": 99})
    assert beyond.status_code == 200  # the last page rather than an error


def test_product_page(catalogue, client, django_assert_max_num_queries):
    product = catalogue.products["gom"]
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = text(response)
    for expected in ("Gốm sứ Bát Tràng", "HTX Gốm sứ Bát Tràng", "21. ", "GCN-VALID-5", "Còn hiệu lực",
                     "Xã Bát Tràng", "Thành phố Hà Nội", "Huyện Gia Lâm", "01-00577-1-2026",
                     "Điểm bán sản phẩm OCOP Bát Tràng", "Chưa có ảnh sản phẩm"):  # fmt: skip
        assert expected in html, expected
    cert = catalogue.certificates["GCN-VALID-5"]
    assert cert.issued_on.strftime("%d/%m/%Y") in html and cert.expires_on.strftime("%d/%m/%Y") in html
    assert "<svg" in html and 'href="/verify/GCN-VALID-5/"' in html  # QR code to the verification page
    assert '<meta property="og:title" content="Gốm sứ Bát Tràng — OCOP 5★">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "Product" and data["name"] == "Gốm sứ Bát Tràng"
    assert data["manufacturer"]["name"] == "HTX Gốm sứ Bát Tràng" and data["productID"] == "01-00577-1-2026"
    assert "<script>" not in html  # no inline script (strict CSP); JSON-LD is a data block


def test_product_page_redirects_a_stale_slug_and_hides_unknown_ids(catalogue, client):
    product = catalogue.products["gom"]
    stale = client.get(reverse("public:product", kwargs={"pk": product.pk, "slug": "ten-cu"}))
    assert stale.status_code == 301 and stale["Location"] == product.get_absolute_url()
    assert client.get(reverse("public:product", kwargs={"pk": 999999, "slug": "x"})).status_code == 404


def test_re_recognised_product_shows_its_history(catalogue, client):
    html = text(client.get(catalogue.products["ca_phe"].get_absolute_url()))
    assert "GCN-NEW-4" in html and "Các giấy chứng nhận trước" in html and "GCN-OLD-3" in html
    assert 'badge-status-superseded">Đã được thay thế' in html


def test_revoked_product_page_says_so(catalogue, client):
    html = text(client.get(catalogue.products["revoked"].get_absolute_url()))
    revoked_on = catalogue.today.toordinal() - 12
    import datetime

    day = datetime.date.fromordinal(revoked_on).strftime("%d/%m/%Y")
    assert f"đã bị thu hồi ngày {day}" in html and "không còn được sử dụng biểu trưng OCOP" in html


def test_producer_page(catalogue, client, django_assert_max_num_queries):
    producer = catalogue.producers["may_tre"]
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(producer.get_absolute_url())
    html = text(response)
    assert response.status_code == 200
    assert "Tổ hợp tác mây tre đan Phú Nghĩa" in html and "Tổ hợp tác" in html and "0243 123 456" in html
    assert "4 sản phẩm OCOP" in html  # expiring, in re-rating, expired, revoked
    assert "Nguyễn Văn Riêng Tư" not in html and "0101999888" not in html  # representative, tax code: not shown


def test_unit_pages_show_figures_targets_and_products(catalogue, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        response = client.get("/dia-ban/tinh/01/")
    html = text(response)
    assert response.status_code == 200 and "Thành phố Hà Nội" in html
    # Target 10 ≥3★: five Hà Nội products reached it (the expired one counts, the revoked one does not).
    assert "Mười sản phẩm" in html and "Đạt 5/10 sản phẩm" in html
    assert "progress-50" in html
    assert "Gốm sứ Bát Tràng" in html and "Khăn thêu Phú Nghĩa" not in html
    assert "/san-pham/?province=01" in html
    commune = text(client.get("/dia-ban/xa/00577/"))
    assert "Xã Bát Tràng" in commune and "Điểm bán sản phẩm OCOP Bát Tràng" in commune
    district = text(client.get("/dia-ban/huyen-cu/017/"))
    assert "Huyện Đông Anh" in district and "Bún gạo Minh Dương" in district
    assert client.get("/dia-ban/tinh/99/").status_code == 404
    assert client.get("/dia-ban/quoc-gia/01/").status_code == 404


@pytest.mark.parametrize(
    "number, status, headline",
    [
        ("GCN-VALID-5", "valid", "Còn hiệu lực"),
        ("GCN-EXPIRING", "expiring", "Còn hiệu lực — sắp hết hạn"),
        ("GCN-RERATING", "in_rerating", "Còn hiệu lực — đang đánh giá lại"),
        ("GCN-EXPIRED", "expired", "Đã hết hạn"),
        ("GCN-REVOKED", "revoked", "Đã bị thu hồi"),
        ("GCN-OLD-3", "superseded", "Đã được thay thế bằng giấy chứng nhận mới"),
    ],
)
def test_verification_page_shows_the_live_status(catalogue, client, number, status, headline,
                                                 django_assert_max_num_queries):  # fmt: skip
    with django_assert_max_num_queries(2):
        response = client.get(f"/verify/{number}/")
    assert response.status_code == 200
    html = text(response)
    cert = catalogue.certificates[number]
    assert f"verify-result verify-{status}" in html and headline in html
    assert cert.product.name in html and cert.product.producer.name in html
    assert cert.issued_on.strftime("%d/%m/%Y") in html and cert.expires_on.strftime("%d/%m/%Y") in html
    assert f"{cert.stars} sao" in html
    assert response["Cache-Control"] == "no-cache"
    if status == "revoked":
        assert "45/QĐ-UBND-TH" in html and "c) Vi phạm quy định" in html
        assert "Chi tiết thanh tra nội bộ" not in html  # the inspection detail stays internal
    if status == "superseded":
        assert 'href="/verify/GCN-NEW-4/"' in html
    if status in ("expired", "revoked", "superseded"):
        assert "Còn hiệu lực" not in html


def test_unknown_certificate_is_a_clear_404(catalogue, client):
    response = client.get("/verify/KHONG-CO-123/")
    assert response.status_code == 404
    html = text(response)
    assert "Không tìm thấy giấy chứng nhận" in html and "KHONG-CO-123" in html


def test_verification_form_and_qr_download(catalogue, client):
    assert client.get("/verify/").status_code == 200
    found = client.get("/verify/", {"number": " GCN-VALID-5 "})
    assert found.status_code == 302 and found["Location"] == "/verify/GCN-VALID-5/"
    qr = client.get("/verify/GCN-VALID-5/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client.get("/verify/NOPE/qr.svg").status_code == 404


def test_certificate_numbers_with_slashes_verify(catalogue, client):
    from tests.public_fixtures import issue

    issue(catalogue.products["bun"], "12/2026/GCN-UBND", catalogue.today, 4)
    response = client.get("/verify/12/2026/GCN-UBND/")
    assert response.status_code == 200 and "Bún gạo Minh Dương" in text(response)


def test_pages_in_english(catalogue, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = text(client.get("/verify/GCN-EXPIRED/"))
    assert '<html lang="en">' in html


def test_sitemap_and_robots(catalogue, client):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and b"sitemap-products.xml" in index.content
    products = client.get("/sitemap-products.xml").content.decode()
    assert catalogue.products["gom"].get_absolute_url() in products
    assert catalogue.products["expired"].get_absolute_url() not in products
    assert catalogue.products["draft"].get_absolute_url() not in products
    units = client.get("/sitemap-units.xml").content.decode()
    assert "/dia-ban/tinh/01/" in units and "/dia-ban/xa/00577/" in units
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
