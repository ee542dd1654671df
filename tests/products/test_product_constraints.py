import pytest
from django.db import IntegrityError, transaction

from products.models import ProductSet
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_taxonomy_has_the_26_sets_of_qd26_and_set_26_takes_no_samples():
    sets = ProductSet.objects.filter(taxonomy="QD26_2026")
    assert sets.count() == 26
    assert list(sets.filter(requires_samples=False).values_list("number", flat=True)) == [26]
    assert sets.get(number=13).group.name == "Cà phê, ca cao"


@pytest.mark.parametrize("code", ["01-00004-1-2026", "01-268-09619-12-2020"])
def test_product_code_accepts_current_and_legacy_formats(code):
    assert ProductFactory(code=code).code == code


@pytest.mark.parametrize("code", ["01-4-1-2026", "HN-00004-1-2026", "01-00004-1-26"])
def test_product_code_rejects_malformed_codes(code):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(code=code)


def test_registration_number_is_unique_per_producer_type():
    first = ProducerFactory(registration_number="0101234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerFactory(registration_number="0101234567", producer_type=first.producer_type)


def test_certificate_expiry_is_36_calendar_months_and_stars_are_3_to_5():
    import datetime

    cert = CertificateFactory(issued_on=datetime.date(2024, 2, 29))
    assert cert.expires_on == datetime.date(2027, 2, 28)
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(stars=2)
