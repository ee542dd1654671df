"""No secret or default password is usable under production settings, and uploads never leave by a public path.

Settings are imported in a fresh interpreter with the environment a deployment would have (DEBUG=0): a published
value (the development key, a "django-insecure" key, the placeholders of .env.example and docker-compose.yml) must
stop the start. The demo accounts' published password must not open a session once the demo data is not allowed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from ocop_portal.auth import DEMO_PASSWORD
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "prod-" + "8Vq!x2Lr" * 8
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "ocop.example.gov.vn"}


def env_example() -> dict:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def start(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Import the settings (or run a manage.py command) with only ``env`` as the deployment's variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST_PASSWORD", "EMAIL_HOST")
    }
    command = (
        [sys.executable, "manage.py", *args]
        if args
        else [sys.executable, "-c", "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='ocop_portal.settings'; django.setup()"]
    )  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120)


def test_a_real_key_starts():
    """The control: the refusals below are about the values, not about production as such."""
    result = start(PRODUCTION | {"DATABASE_URL": "postgres://ocop:Xk2-long-random-db-pass@db:5432/ocop"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        "django-insecure-dev-only-never-use-in-production",  # the development default
        "django-insecure-" + "k3#v9!x2" * 8,  # what startproject generates: long, but marked insecure
        "change-me",
        "",
    ],
)
def test_production_refuses_a_published_or_missing_secret_key(secret_key):
    result = start(PRODUCTION | {"SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_the_env_example_as_it_ships_does_not_start():
    """Copying .env.example to .env without filling it in must not give a running production site."""
    values = env_example()
    assert values["DEBUG"] == "0"
    result = start(values)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    # With a key but the placeholder database password (or docker-compose's default one): still refused.
    for password in (values["POSTGRES_PASSWORD"], "ocop"):
        result = start(values | {"SECRET_KEY": GOOD_KEY, "DATABASE_URL": f"postgres://ocop:{password}@db:5432/ocop"})
        assert result.returncode != 0 and "database password" in result.stderr, password


def test_production_refuses_a_placeholder_mail_password():
    result = start(PRODUCTION | {"EMAIL_HOST": "smtp.example.gov.vn", "EMAIL_HOST_PASSWORD": "change-me"})
    assert result.returncode != 0 and "EMAIL_HOST_PASSWORD" in result.stderr


def test_demo_data_refuses_to_load_under_production_settings():
    result = start(PRODUCTION, "load_demo_data")
    assert result.returncode != 0
    assert "production" in result.stderr
    assert DEMO_PASSWORD not in result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_the_demo_password_opens_no_session_under_production_settings(settings, login_url):
    """An account that still has the demo password (a trial database copied over) cannot log in in production."""
    settings.AXES_ENABLED = False  # each refusal here is the password's, not the lockout's
    account = UserFactory(username="demo_tinh", is_staff=True, password=DEMO_PASSWORD)
    settings.OCOP_DEMO_DATA_ALLOWED = False
    client = Client()
    response = client.post(login_url, {"username": account.username, "password": DEMO_PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    # A trial run (demo data allowed) does let the demo account in: the refusal is the production setting's.
    settings.OCOP_DEMO_DATA_ALLOWED = True
    response = client.post(login_url, {"username": account.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)


@pytest.mark.django_db
def test_every_login_path_goes_through_the_refusing_backend(settings, rf):
    """Any login (pages, admin, DRF's browsable-API login) calls ``authenticate``: the backend refuses there."""
    from django.contrib.auth import authenticate

    UserFactory(username="demo_xa", password=DEMO_PASSWORD)
    settings.OCOP_DEMO_DATA_ALLOWED = False
    assert authenticate(rf.post("/"), username="demo_xa", password=DEMO_PASSWORD) is None
    settings.OCOP_DEMO_DATA_ALLOWED = True
    assert authenticate(rf.post("/"), username="demo_xa", password=DEMO_PASSWORD) is not None


def test_nobody_can_choose_the_demo_password():
    with pytest.raises(ValidationError) as error:
        validate_password(DEMO_PASSWORD)
    assert "mật khẩu mẫu" in " ".join(error.value.messages)


# -- uploads are never served from the public URL space ----------------------------------------------------------------
@pytest.fixture
def stored_attachment(settings, db):
    """A dossier file stored where production keeps it (the default PRIVATE_MEDIA_ROOT beside media/)."""
    from ocop_portal.storage import PrivateStorage

    settings.PRIVATE_MEDIA_ROOT = ROOT / "private_media"
    settings.MEDIA_ROOT = ROOT / "media"
    storage = PrivateStorage()
    from django.core.files.base import ContentFile

    name = storage.save("dossiers/999/zqx-giay-phep.pdf", ContentFile(b"%PDF-1.4 Zqxbimattep\n%%EOF\n"))
    yield name
    storage.delete(name)


def test_the_private_root_is_outside_every_public_root():
    private = Path(django_settings.PRIVATE_MEDIA_ROOT).resolve()
    for public in (django_settings.MEDIA_ROOT, django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS):
        public = Path(public).resolve()
        assert not private.is_relative_to(public) and not public.is_relative_to(private), public


def test_a_stored_upload_is_not_served_from_media_or_static(stored_attachment, settings):
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    base = stored_attachment.rsplit("/", 1)[-1]
    tried = []
    for prefix in ("/media/", "/static/", "/private_media/"):
        for path in (stored_attachment, base, f"../private_media/{stored_attachment}", f"%2e%2e/private_media/{stored_attachment}"):  # fmt: skip
            response = client.get(prefix + path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            tried.append((prefix + path, response.status_code))
            assert response.status_code in (400, 404), (prefix + path, response.status_code)
            assert b"Zqxbimattep" not in body
    assert len(tried) == 12
