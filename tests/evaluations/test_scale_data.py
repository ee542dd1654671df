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
