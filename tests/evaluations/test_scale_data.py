"""A reduced run of the national-scale generator, so it cannot rot (the full run is in bench/README.md)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from evaluations.models import Certificate, MemberChoice, MemberScoreSheet, Revocation
from products.models import PRODUCT_CODE_REGEX, Product
from tests.sheet_fixtures import loaded_sheets  # noqa: F401


@pytest.mark.django_db
def test_generate_scale_data_small(loaded_sheets, settings):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.fail("generate_scale_data is PostgreSQL-only; the suite runs on PostgreSQL")
    call_command("load_admin_units", stdout=open("/dev/null", "w"))
    call_command("generate_scale_data", products=600, scored_dossiers=20, stdout=open("/dev/null", "w"))
    products = Product.objects.filter(slug__startswith="san-pham-")
    assert products.count() == 600
    assert products.values("commune").distinct().count() > 100  # spread over communes
    assert all(re.match(PRODUCT_CODE_REGEX, code) for code in products.values_list("code", flat=True))
    certs = Certificate.objects.filter(number__startswith="SCALE-")
    assert certs.count() > 600  # some products carry a re-rating history
    assert certs.values("rule_version__code").distinct().count() >= 3
    assert certs.filter(is_current=True).count() == 600
    assert certs.filter(replaced_by__isnull=False).exists()
    assert Revocation.objects.filter(decision_number__endswith="-SCALE").exists()
    sheets = MemberScoreSheet.objects.filter(round__name="Đợt quy mô SCALE")
    assert sheets.count() == 20 * 5
    # one choice per criterion of the product's sheet, and totals within 0..100
    sheet = sheets.select_related("dossier__product").first()
    criteria = sheet.dossier.product.product_set.score_sheets.get(rule_version__code="QD26_2026").criteria.count()
    assert MemberChoice.objects.filter(sheet=sheet).count() == criteria
    assert all(0 < s.total <= 100 for s in sheets)


# Key columns of every generated table (ids included: they are part of "the same rows"; clock columns are not).
CHECKSUM_SQL = """
SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
    SELECT concat_ws(',', 'pr', id, slug, name, producer_type, registration_number, commune_id) AS t
        FROM products_producer WHERE registration_number LIKE 'SCALE-%%'
    UNION ALL SELECT concat_ws(',', 'p', id, producer_id, product_set_id, slug, code, commune_id, province_id)
        FROM products_product WHERE slug LIKE 'san-pham-%%'
    UNION ALL SELECT concat_ws(',', 'd', id, number, issued_on, unit_id, rule_version_id)
        FROM evaluations_decision WHERE number LIKE '%%-SCALE'
    UNION ALL SELECT concat_ws(',', 'c', id, number, stars, issued_on, expires_on, score, is_current, product_id,
                               decision_id, rule_version_id, replaced_by_id)
        FROM evaluations_certificate WHERE number LIKE 'SCALE-%%'
    UNION ALL SELECT concat_ws(',', 'r', id, ground, revoked_on, certificate_id)
        FROM evaluations_revocation WHERE decision_number LIKE '%%-SCALE'
    UNION ALL SELECT concat_ws(',', 'ms', id, dossier_id, member_id, total, status) FROM evaluations_memberscoresheet
    UNION ALL SELECT concat_ws(',', 'mc', id, sheet_id, criterion_id, option_id) FROM evaluations_memberchoice
) rows
"""


def _generate_on_empty_tables(seed):
    """Empty the generated tables (ids restart: TRUNCATE is transactional, the test's rollback undoes it), generate."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's deferred FK checks would block TRUNCATE
        cursor.execute(
            "TRUNCATE products_producer, evaluations_decision, evaluations_round, evaluations_memberscoresheet "
            "RESTART IDENTITY CASCADE"
        )
    call_command("generate_scale_data", products=300, scored_dossiers=8, seed=seed, stdout=open("/dev/null", "w"))
    with connection.cursor() as cursor:
        cursor.execute(CHECKSUM_SQL)
        checksum = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM evaluations_memberchoice")
        choices = cursor.fetchone()[0]
    return checksum, choices


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(loaded_sheets):  # noqa: F811
    call_command("load_admin_units", stdout=open("/dev/null", "w"))
    first, choices = _generate_on_empty_tables(seed=42)
    again, _ = _generate_on_empty_tables(seed=42)
    other, _ = _generate_on_empty_tables(seed=7)
    assert choices > 8 * 5 * 20  # the checksum covers the score-sheet choices too
    assert first == again
    assert other != first  # the seed picks the product sets and the members' options
