"""Security settings: deploy checks, headers, login throttling, private storage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "8Vq!x2Lr" * 8,
    "ALLOWED_HOSTS": "ocop.example.gov.vn",
    "EMAIL_HOST": "smtp.example.gov.vn",
    "DATABASE_URL": "postgres://ocop@127.0.0.1:5432/ocop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_mail_server_is_flagged():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "MAILERS" in result.stderr + result.stdout


@pytest.mark.django_db
def test_pages_send_security_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="canbo")
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "canbo", "password": "sai-mat-khau"})
        assert response.status_code in (200, 429)
    response = client.post("/accounts/login/", {"username": "canbo", "password": "mat-khau-thu-nghiem-123"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # another user name from the same place is not locked out by this one
    other = UserFactory(username="canbo2")
    response = client.post("/accounts/login/", {"username": other.username, "password": "mat-khau-thu-nghiem-123"})
    assert response.status_code == 302
    assert user.pk != other.pk


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_private_storage_has_no_public_url(settings, tmp_path):
    from ocop_portal.storage import PrivateStorage

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    storage = PrivateStorage()
    assert storage.location == str(tmp_path)
    assert not str(storage.location).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url("dossiers/1/a.pdf")
