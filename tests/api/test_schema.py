"""OpenAPI 3 schema (validates), Swagger UI served from our own static files, and schemathesis over the schema."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parents[2]


def test_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    schema = (tmp_path / "s.yaml").read_text()
    assert schema.startswith("openapi: 3")
    for path in ("/api/v1/products/", "/api/v1/producers/", "/api/v1/certificates/", "/api/v1/product-sets/",
                 "/api/v1/units/", "/api/v1/decisions/", "/api/v1/exports/products.{fmt}", "/api/v1/score-sheets/"):  # fmt: skip
        assert f"  {path}:" in schema, path
    for parameter in ("q", "stars", "stars_min", "category", "product_set", "province", "commune", "legacy_district",
                      "producer_type", "status", "expires_before", "updated_since"):  # fmt: skip
        assert f"name: {parameter}\n" in schema, parameter


@pytest.mark.django_db
def test_swagger_ui_works_offline(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve the packages' static files as collectstatic would
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from another host
    assert "<script>" not in html  # the initialiser is a separate script (strict CSP)
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code == 200


# -- schemathesis: every operation, generated inputs, never a server error ---------------------------------------------
# The schema is read once through the WSGI app (no database needed); each operation is one test with the catalogue
# loaded, in which hypothesis sends generated requests (valid and invalid parameters) through the same app.
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
OPERATIONS = sorted(result.ok().label for result in SCHEMA.get_all_operations())
UNLIMITED = {"anon": "100000/min", "user": "100000/min", "export": "100000/min"}


def test_schemathesis_sees_every_endpoint():
    assert "GET /api/v1/products/" in OPERATIONS and "GET /api/v1/products/{id}/" in OPERATIONS
    assert len(OPERATIONS) >= 14


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection after each request; the test's transaction must survive
    (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_errors_anywhere_in_the_api(catalogue, keep_test_connection, label):
    from django.conf import settings as django_settings

    operation = SCHEMA.find_operation_by_label(label)

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"
        if response.status_code == 200 and "json" in response.headers.get("Content-Type", [""])[0]:
            case.validate_response(response)

    with override_settings(REST_FRAMEWORK=django_settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": UNLIMITED}):
        check()


# Authenticated clients: a province office (the officer endpoints answer with data, not 401) and a staff member of
# the central office, each with an API token. Generated requests must not find a server error either.
IDENTITIES = ["province_office_token", "central_staff_token"]


@pytest.fixture
def api_identity(request, catalogue):
    from rest_framework.authtoken.models import Token

    from districts.models import RoleAssignment
    from tests.factories import UserFactory

    if request.param == "province_office_token":
        account = UserFactory(username="schema_tinh")
        RoleAssignment.objects.create(user=account, role="province_office", unit=catalogue.units["hanoi"])
    else:
        account = UserFactory(username="schema_trunguong", is_staff=True)
        RoleAssignment.objects.create(user=account, role="central_office", unit=None)
    return {"Authorization": f"Token {Token.objects.create(user=account).key}"}


@pytest.mark.django_db
@pytest.mark.parametrize("api_identity", IDENTITIES, indirect=True)
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_errors_for_authenticated_clients(api_identity, keep_test_connection, label):
    from django.conf import settings as django_settings

    operation = SCHEMA.find_operation_by_label(label)
    statuses = []

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call(headers=api_identity)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"
        assert response.status_code != 401, "the token was not accepted"
        if response.status_code == 200 and "json" in response.headers.get("Content-Type", [""])[0]:
            case.validate_response(response)

    with override_settings(REST_FRAMEWORK=django_settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": UNLIMITED}):
        check()
    assert statuses


@pytest.mark.django_db
@pytest.mark.parametrize("api_identity", IDENTITIES, indirect=True)
def test_the_officer_endpoint_answers_the_token_with_data(api_identity):
    """The authenticated run does reach past authentication: the officer list answers 200 with this token and
    401 without it."""
    response = Client().get("/api/v1/officer/certificates/", headers=api_identity)
    assert response.status_code == 200, response.content[:300]
    assert Client().get("/api/v1/officer/certificates/").status_code in (401, 403)
