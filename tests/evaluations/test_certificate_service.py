"""record_certificate: expiry computed, chain of certificates per product kept right whatever the order."""

import datetime

import pytest

from evaluations.models import AuditEntry, Certificate
from evaluations.services.certificates import record_certificate
from evaluations.status import Status, certificate_status
from tests.factories import ProductFactory, rule_version


def issue(product, number, issued_on, stars=3):
    return record_certificate(
        product=product,
        number=number,
        stars=stars,
        issued_on=issued_on,
        rule_version=rule_version(),
        issuing_authority="UBND tỉnh Thử",
        issuing_level="province",
    )


@pytest.mark.django_db
def test_new_certificate_replaces_the_current_one_and_is_audited():
    product = ProductFactory()
    first = issue(product, "GCN-1", datetime.date(2023, 3, 1))
    second = issue(product, "GCN-2", datetime.date(2026, 2, 1), stars=4)
    first.refresh_from_db()
    assert second.is_current and not first.is_current
    assert first.replaced_by == second
    assert second.expires_on == datetime.date(2029, 2, 1)
    assert certificate_status(first, on=datetime.date(2026, 3, 1)) == Status.SUPERSEDED
    assert AuditEntry.objects.filter(action="certificate.issued", target_id=str(second.pk)).exists()


@pytest.mark.django_db
def test_an_older_record_arriving_late_slots_into_the_chain_without_taking_over():
    product = ProductFactory()
    newest = issue(product, "GCN-NEW", datetime.date(2025, 6, 30))
    oldest = issue(product, "GCN-OLD", datetime.date(2019, 12, 20))
    middle = issue(product, "GCN-MID", datetime.date(2022, 12, 1))
    chain = {c.number: c for c in Certificate.objects.filter(product=product)}
    assert [c.number for c in Certificate.objects.filter(product=product, is_current=True)] == ["GCN-NEW"]
    assert chain["GCN-OLD"].replaced_by_id == middle.pk
    assert chain["GCN-MID"].replaced_by_id == newest.pk
    assert chain["GCN-NEW"].replaced_by_id is None
    assert oldest.is_current is False
