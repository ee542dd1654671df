"""The project as a whole: checks, migrations, admin pages, settings safety, compose file, health probe."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_system_check_and_migrations_are_clean():
    call_command("check", fail_level="WARNING")
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


@pytest.mark.django_db
def test_every_admin_changelist_and_add_page_answers_200(admin_client):
    from tests.factories import CertificateFactory, RevocationFactory

    RevocationFactory(certificate=CertificateFactory())
    checked = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label
        if model_admin.has_add_permission(response.wsgi_request):
            response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
            assert response.status_code == 200, meta.label
        checked += 1
    assert checked >= 30


@pytest.mark.django_db
def test_audit_entries_cannot_be_edited_in_the_admin(admin_client):
    from evaluations.audit import record
    from tests.factories import ProductFactory

    entry = record(actor=None, action="test", target=ProductFactory())
    url = reverse("admin:evaluations_auditentry_change", args=[entry.pk])
    response = admin_client.post(url, {"action": "changed"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "test"


def run_settings(env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ocop_portal.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "0"},
        {"DEBUG": "0", "SECRET_KEY": "short"},
        {"DEBUG": "0", "SECRET_KEY": "django-insecure-dev-only-never-use-in-production"},
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(env):
    result = run_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    assert run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "ocop.example.vn"}).returncode == 0


def test_settings_defaults_vietnamese_and_local_time(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose (Debian package) is not installed")
def test_docker_compose_file_is_valid():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "OCOP_ENV_FILE": ".env.example"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_health_probe_answers_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
