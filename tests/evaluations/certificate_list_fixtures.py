"""A province with certificates in every situation the officer lists show, dated from today."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from districts.models import Role
from evaluations import rules
from tests.evaluations.expiry_helpers import (
    D,
    commune_officer,
    issue,
    load_migration_data,
    new_commune,
    officer,
    province_officer,
)
from tests.factories import MembershipFactory, RevocationFactory, UserFactory


def expiring_on(target: datetime.date, **kwargs):
    """A certificate issued 36 months before ``target`` (expiry may move a day or two on short months)."""
    return issue(rules.add_months(target, -36), **kwargs)


@dataclass
class Situation:
    today: datetime.date
    province: object
    commune_x: object
    commune_y: object
    other_province: object
    window: object  # in the re-rating window, not filed
    window_filed: object  # in the window, filed
    late: object  # window closed, not filed, expiring within 90 days
    extended: object  # expired 10 days ago, late re-rating pending
    expired: object  # expired 5 days ago, nothing filed
    long_expired: object
    revoked: object  # would be in the window, but revoked
    elsewhere: object  # in the window, other province
    province_user: object
    commune_user: object
    other_user: object
    central_user: object
    council_member: object


@pytest.fixture
def situation(db):
    load_migration_data()  # after a transactional test's flush
    today = timezone.localdate()
    x = new_commune()
    province = x.parent
    y = new_commune(province)
    other = new_commune()
    window = expiring_on(today + D(days=150), commune=x)
    window_filed = expiring_on(today + D(days=150), commune=y)
    type(window_filed).objects.filter(pk=window_filed.pk).update(rerating_filed_on=today - D(days=3))
    late = expiring_on(today + D(days=60), commune=x)
    extended = expiring_on(today - D(days=10), commune=y)
    type(extended).objects.filter(pk=extended.pk).update(rerating_filed_on=extended.expires_on - D(days=20))
    expired = expiring_on(today - D(days=5), commune=x)
    long_expired = expiring_on(today - D(days=400), commune=x)
    revoked = expiring_on(today + D(days=150), commune=x)
    RevocationFactory(certificate=revoked, revoked_on=today - D(days=1))
    elsewhere = expiring_on(today + D(days=150), commune=other)
    for cert in (window, window_filed, late, extended, expired, long_expired, revoked, elsewhere):
        cert.refresh_from_db()
    return Situation(
        today=today,
        province=province,
        commune_x=x,
        commune_y=y,
        other_province=other.parent,
        window=window,
        window_filed=window_filed,
        late=late,
        extended=extended,
        expired=expired,
        long_expired=long_expired,
        revoked=revoked,
        elsewhere=elsewhere,
        province_user=province_officer(province),
        commune_user=commune_officer(x),
        other_user=province_officer(other.parent),
        central_user=officer(Role.CENTRAL_OFFICE, None),
        council_member=MembershipFactory(user=UserFactory(password=None)).user,
    )
