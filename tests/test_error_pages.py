"""Error pages: the portal's own, in Vietnamese first, never Django's default English ones."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_address_shows_the_portal_404_page(settings):
    settings.DEBUG = False
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang bạn cần" in body
    assert 'href="/san-pham/"' in body


@pytest.mark.django_db
def test_server_error_page_is_bilingual_and_self_contained(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    import ocop_portal.urls as project_urls

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [path("hong/", broken), *project_urls.urlpatterns]})
    response = client.get("/hong/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in body and "Something went wrong" in body
