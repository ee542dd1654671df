"""The demo data reproduces the seed articles' figures, covers every certificate state and loads idempotently."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from districts.models import RoleAssignment
from evaluations.models import Certificate, Decision, Dossier, EvaluationResult
from evaluations.status import Status, status_annotation
from products.models import Producer, Product, SalesPoint


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load once per module inside a transaction that is rolled back afterwards (the load takes ~15 s)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(DEBUG=True, OCOP_DEMO_DATA_ALLOWED=True):
        with transaction.atomic():
            call_command("load_demo_data", stdout=open("/dev/null", "w"))
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return None


def counts():
    return [
        m.objects.count() for m in (Producer, Product, Dossier, Decision, Certificate, EvaluationResult, SalesPoint)
    ]


def stars_of(queryset):
    return dict(queryset.values_list("stars").annotate(n=Count("id")))


def test_demo_data_is_idempotent(demo):
    before = counts()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_demo_reproduces_the_seed_articles(demo):
    # Hà Nội 2019: 316 dossiers received by districts, 301 forwarded; 6 potential 5★, 207 4★, 88 3★.
    hanoi_2019 = Dossier.objects.filter(rule_version__code="QD1048_2019", product__province__code="01")
    assert hanoi_2019.count() == 316
    assert EvaluationResult.objects.filter(round__year=2019).count() == 301
    assert EvaluationResult.objects.filter(round__year=2019, forwarded=True).count() == 6
    assert stars_of(Certificate.objects.filter(decision__round__year=2019)) == {4: 207, 3: 88}
    # Hà Đông end 2020: 23 products (13 4★, 10 3★), 4 sales points, target 60 more by 2025.
    ha_dong = Certificate.objects.filter(product__legacy_district__code="268", issued_on__year__lte=2020)
    assert stars_of(ha_dong) == {4: 13, 3: 10}
    assert SalesPoint.objects.filter(legacy_district__code="268").count() == 4
    # Đông Hà 2021: 2 4★ + 6 3★.
    assert stars_of(Certificate.objects.filter(product__legacy_district__code="461", issued_on__year=2021)) == {
        4: 2,
        3: 6,
    }
    # Ý Yên: 9 new ≥3★ in 2023 (1 4★); 30 3★ products by end 2023 (12 HTX, 6 DN, 12 of 8 households); 4 re-rated.
    y_yen = Certificate.objects.filter(product__legacy_district__code="360", issued_on__year__lte=2023)
    new_2023 = y_yen.filter(issued_on__year=2023).exclude(number__contains="CNL")
    assert stars_of(new_2023) == {3: 8, 4: 1}
    three_star = y_yen.filter(stars=3)
    by_type = dict(
        three_star.values_list("product__producer__producer_type").annotate(n=Count("product", distinct=True))
    )
    assert by_type == {"cooperative": 12, "enterprise": 6, "household": 12}
    assert (
        three_star.filter(product__producer__producer_type="household").values("product__producer").distinct().count()
        == 8
    )
    assert y_yen.filter(number__contains="CNL").count() == 4


def test_demo_has_certificates_in_every_state_and_a_user_per_role(demo):
    states = set(Certificate.objects.annotate(s=status_annotation()).values_list("s", flat=True))
    assert {Status.VALID, Status.EXPIRING, Status.IN_RERATING, Status.EXPIRED, Status.REVOKED} <= states
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {"commune_officer", "district_officer", "province_office", "central_office", "administrator"}
    assert Product.objects.filter(name="Gốm sứ Bát Tràng", certificates__stars=5).exists()
    assert Certificate.objects.filter(rule_version__code="QD148_2023").exists()
    assert Certificate.objects.filter(rule_version__code="QD26_2026").exists()


def test_demo_data_refuses_production_settings(db, settings):
    before = Product.objects.count()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_data")
    assert Product.objects.count() == before
