"""The permission boundary: nothing private reaches any public page or endpoint, whoever asks.

Private: products without a certificate (draft dossiers), non-recognised results, council scores (on results and
certificates), representatives' personal data, revocation details, dossier attachments.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import RoleFactory, UserFactory
from tests.public_fixtures import PRIVATE_NAMES, PRIVATE_RESULT_SCORE, SECRET_SCORE

pytestmark = pytest.mark.django_db
SECRETS = [*PRIVATE_NAMES, "Nguyễn Văn Riêng Tư", "0101999888", "Chi tiết thanh tra nội bộ"]


def score_forms(value) -> list[str]:
    text = f"{value:.2f}"
    return [text, text.replace(".", ","), f"{value:.1f}", f"{value:.1f}".replace(".", ",")]


def public_urls(c) -> list[str]:
    draft, failed = c.products["draft"], c.products["failed"]
    urls = [
        "/", "/san-pham/", "/san-pham/?q=gom", "/san-pham/?q=ruou", "/san-pham/?status=expired&status=revoked",
        "/san-pham/?commune=00577", "/san-pham/?province=37&status=active&status=expired",
        "/dia-ban/tinh/01/", "/dia-ban/tinh/37/", "/dia-ban/xa/00577/", "/dia-ban/xa/14737/", "/dia-ban/huyen-cu/018/",
        "/thong-ke/", "/thong-ke/?province=01", "/thong-ke/?province=37", "/thong-ke/tai-ve.csv?province=37",
        "/sitemap.xml", "/sitemap-products.xml", "/sitemap-producers.xml", "/sitemap-units.xml",
        "/api/v1/products/?status=valid&status=expiring&status=in_rerating&status=expired&status=revoked&page_size=100",
        "/api/v1/products/?updated_since=2000-01-01T00:00:00Z&page_size=100", "/api/v1/products/?q=gom",
        "/api/v1/producers/?page_size=100", "/api/v1/certificates/?page_size=100", "/api/v1/decisions/",
        "/api/v1/exports/products.csv", "/api/v1/exports/products.json",
    ]  # fmt: skip
    for product in c.products.values():
        if product not in (draft, failed):
            urls += [product.get_absolute_url(), f"/api/v1/products/{product.pk}/", product.producer.get_absolute_url()]
    urls += [f"/verify/{number}/" for number in c.certificates] + [f"/api/v1/certificates/{n}/" for n in c.certificates]
    return urls


def body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def visitors():
    anonymous = Client()
    officer = Client()
    officer_user = UserFactory(username="cb-xa-khac")
    RoleFactory(user=officer_user, role="province_office", unit__code="37", unit__level="province", unit__parent=None)
    officer.force_login(officer_user)
    token_user = UserFactory(username="ung-dung")
    from rest_framework.authtoken.models import Token

    with_token = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=token_user).key}")
    return {"anonymous": anonymous, "officer": officer, "token": with_token}


def test_nothing_private_leaks_through_any_public_page_or_endpoint(catalogue, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "export": "100000/min"}
    }
    forbidden = SECRETS + score_forms(SECRET_SCORE) + score_forms(PRIVATE_RESULT_SCORE)
    for who, client in visitors().items():
        for url in public_urls(catalogue):
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = body(response)
            leaks = [secret for secret in forbidden if secret in text]
            assert not leaks, (who, url, leaks)


def test_private_objects_answer_404(catalogue):
    draft, failed = catalogue.products["draft"], catalogue.products["failed"]
    secret_producer = catalogue.producers["secret"]
    client, api = Client(), APIClient()
    for product in (draft, failed):
        assert client.get(reverse("public:product", kwargs={"pk": product.pk, "slug": product.slug})).status_code == 404
        assert api.get(f"/api/v1/products/{product.pk}/").status_code == 404
    assert client.get(secret_producer.get_absolute_url()).status_code == 404
    assert api.get(f"/api/v1/producers/{secret_producer.pk}/").status_code == 404
    assert client.get("/verify/HS-DRAFT/").status_code == 404


def test_sales_points_do_not_reveal_uncertified_products(catalogue):
    """The Bát Tràng sales point also carries a product without a certificate: the page lists the certified one."""
    html = Client().get("/dia-ban/xa/00577/").content.decode()
    assert "Điểm bán sản phẩm OCOP Bát Tràng" in html and PRIVATE_NAMES[0] not in html
