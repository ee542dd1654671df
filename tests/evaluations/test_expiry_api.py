"""Officer API /api/v1/officer/certificates/: the lists of the pages as filters, scoped by role × unit."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.evaluations import certificate_list_fixtures
from tests.evaluations.certificate_list_fixtures import expiring_on
from tests.evaluations.expiry_helpers import D, run

pytestmark = pytest.mark.django_db
situation = certificate_list_fixtures.situation  # the shared fixture, by name

URL = "/api/v1/officer/certificates/"


def api(user=None, token=False):
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        else:
            client.force_authenticate(user)
    return client


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_filters_expiring_within_and_in_rerating_window(situation):
    s = situation
    client = api(s.province_user, token=True)
    assert numbers(client.get(URL, {"expiring_within": 90})) == {s.late.number}
    assert numbers(client.get(URL, {"in_rerating_window": "true"})) == {s.window.number, s.window_filed.number}
    both = client.get(URL, {"expiring_within": 200, "in_rerating_window": "true", "rerating_filed": "false"})
    assert numbers(both) == {s.window.number}
    assert numbers(client.get(URL, {"attention": "extended"})) == {s.extended.number}
    assert numbers(client.get(URL, {"unit": s.commune_y.pk, "attention": "extended"})) == {s.extended.number}


def test_rows_carry_dates_window_extension_and_contact(situation):
    s = situation
    run(s.today)
    rows = {r["number"]: r for r in api(s.province_user).get(URL, {"attention": "extended"}).json()["results"]}
    row = rows[s.extended.number]
    assert row["status"] == "in_rerating" and row["attention"] == "extended"
    assert row["expires_on"] == s.extended.expires_on.isoformat()
    assert row["days_to_expiry"] == (s.extended.expires_on - s.today).days < 0
    assert row["extension_until"] == (s.extended.expires_on + D(days=180)).isoformat()
    assert row["rerating_window"]["opens"] == (s.extended.expires_on - D(days=180)).isoformat()
    assert row["producer"]["email"] == s.extended.product.producer.email
    assert row["commune"]["name"] == s.commune_y.name and row["province"]["id"] == s.province.pk
    assert row["last_notice"]["step"] == "extension_started"
    assert row["last_notice"]["producer_notified_at"] is not None


def test_scoping_anonymous_non_officers_and_units_out_of_scope(situation):
    s = situation
    assert api().get(URL).status_code in (401, 403)
    assert api(s.council_member).get(URL).status_code == 404
    assert numbers(api(s.commune_user).get(URL, {"in_rerating_window": "true"})) == {s.window.number}
    assert numbers(api(s.other_user).get(URL, {"in_rerating_window": "true"})) == {s.elsewhere.number}
    assert api(s.other_user).get(URL, {"unit": s.commune_x.pk}).status_code == 404
    assert numbers(api(s.central_user).get(URL, {"in_rerating_window": "true"})) == {
        s.window.number,
        s.window_filed.number,
        s.elsewhere.number,
    }


def test_bad_filter_values_answer_400_with_the_field(situation):
    response = api(situation.province_user).get(URL, {"expiring_within": "abc", "attention": "nope"})
    assert response.status_code == 400
    assert set(response.json()) == {"expiring_within", "attention"}


def test_query_count_is_flat(situation, django_assert_max_num_queries):
    s = situation
    client = api(s.province_user, token=True)
    with django_assert_max_num_queries(6):
        first = client.get(URL, {"expiring_within": 400})
    for k in range(25):
        expiring_on(s.today + D(days=200 + k), commune=s.commune_x)
    with django_assert_max_num_queries(6):
        second = client.get(URL, {"expiring_within": 400})
    assert second.json()["count"] == first.json()["count"] + 25


def test_the_endpoint_is_in_the_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"expiring_within", "in_rerating_window", "attention", "unit", "rerating_filed", "page"} <= params
