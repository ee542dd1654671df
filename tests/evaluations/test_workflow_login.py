"""Officers log in with Django's auth and reset a forgotten password by e-mail (Vietnamese pages)."""

import re

import pytest
from django.core import mail

from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_officer_logs_in_and_reaches_the_workflow(client, settings):
    settings.AXES_ENABLED = False
    officer = UserFactory(username="canbo_xa")
    RoleFactory(user=officer, role="commune_officer")
    page = client.get("/can-bo/ho-so/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/?next=/can-bo/ho-so/")
    response = client.post(
        "/accounts/login/?next=/can-bo/ho-so/",
        {"username": "canbo_xa", "password": "mat-khau-thu-nghiem-123", "next": "/can-bo/ho-so/"},
    )
    assert response.status_code == 302 and response["Location"] == "/can-bo/ho-so/"
    page = client.get("/can-bo/ho-so/").content.decode()
    assert "Hồ sơ đánh giá, phân hạng" in page and "Lập hồ sơ mới" in page


def test_password_reset_by_email(client, settings):
    settings.AXES_ENABLED = False
    UserFactory(username="quen_mat_khau", email="canbo@xa.gov.vn")
    assert "Quên mật khẩu" in client.get("/accounts/login/").content.decode()
    form = client.get("/accounts/password_reset/").content.decode()
    assert "Gửi đường dẫn đặt lại mật khẩu" in form
    response = client.post("/accounts/password_reset/", {"email": "canbo@xa.gov.vn"})
    assert response.status_code == 302
    assert "Hãy kiểm tra hộp thư" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["canbo@xa.gov.vn"]
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Lua-Nep-Cai-2026!", "new_password2": "Lua-Nep-Cai-2026!"}
    )
    assert response.status_code == 302
    assert client.login(username="quen_mat_khau", password="Lua-Nep-Cai-2026!")
    # An unknown address says the same (no leak that an account exists) and sends nothing.
    client.post("/accounts/password_reset/", {"email": "khong-co@xa.gov.vn"})
    assert len(mail.outbox) == 1
