"""Status is computed from dates and events; the database expression agrees with the Python function."""

import datetime

import pytest

from evaluations.models import Certificate
from evaluations.status import Status, certificate_status, status_annotation, status_q
from tests.factories import CertificateFactory, RevocationFactory

ISSUED = datetime.date(2023, 6, 30)  # expires 2026-06-30
EXPIRES = datetime.date(2026, 6, 30)
D = datetime.timedelta


@pytest.mark.parametrize(
    "on, kwargs, expected",
    [
        (EXPIRES - D(days=91), {}, Status.VALID),
        (EXPIRES - D(days=90), {}, Status.EXPIRING),
        (EXPIRES, {}, Status.EXPIRING),
        (EXPIRES + D(days=1), {}, Status.EXPIRED),
        (EXPIRES - D(days=150), {"rerating_filed_on": EXPIRES - D(days=160)}, Status.IN_RERATING),
        (EXPIRES + D(days=180), {"rerating_filed_on": EXPIRES - D(days=10)}, Status.IN_RERATING),
        (EXPIRES + D(days=181), {"rerating_filed_on": EXPIRES - D(days=10)}, Status.EXPIRED),
        (
            EXPIRES + D(days=5),
            {"rerating_filed_on": EXPIRES - D(days=10), "rerating_decided_on": EXPIRES + D(days=2)},
            Status.EXPIRED,
        ),
        (
            EXPIRES + D(days=1),
            {"rerating_filed_on": EXPIRES - D(days=10), "rerating_decided_on": EXPIRES + D(days=2)},
            Status.IN_RERATING,
        ),
        (EXPIRES + D(days=3), {"rerating_filed_on": EXPIRES + D(days=1)}, Status.EXPIRED),
    ],
)
@pytest.mark.django_db
def test_status_from_dates(on, kwargs, expected):
    cert = CertificateFactory(issued_on=ISSUED, **kwargs)
    assert cert.expires_on == EXPIRES
    assert certificate_status(cert, on) == expected
    annotated = Certificate.objects.annotate(status=status_annotation(on)).get(pk=cert.pk)
    assert annotated.status == expected
    assert Certificate.objects.filter(status_q(expected, on)).filter(pk=cert.pk).exists()
    for other in Status.LABELS:
        if other != expected:
            assert not Certificate.objects.filter(status_q(other, on)).filter(pk=cert.pk).exists(), other


@pytest.mark.django_db
def test_revoked_from_its_date_and_never_valid_after_expiry():
    revocation = RevocationFactory(certificate__issued_on=ISSUED, revoked_on=datetime.date(2025, 1, 10))
    cert = revocation.certificate
    assert certificate_status(cert, datetime.date(2025, 1, 9)) == Status.VALID
    assert certificate_status(cert, datetime.date(2025, 1, 10)) == Status.REVOKED
    assert Certificate.objects.annotate(s=status_annotation(datetime.date(2025, 1, 10))).get().s == Status.REVOKED
