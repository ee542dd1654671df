import pytest
from django.db import IntegrityError, transaction

from districts.models import Council, CouncilMembership, RoleAssignment, UnitTarget
from tests.factories import CommuneFactory, CouncilFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


def rejects(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_council_unit_matches_its_level():
    rejects(lambda: Council.objects.create(name="TW có đơn vị", level="central", unit=ProvinceFactory()))
    rejects(lambda: Council.objects.create(name="Tỉnh không đơn vị", level="province", unit=None))
    rejects(lambda: CouncilFactory(quorum_numerator=5, quorum_denominator=4))
    assert Council.objects.create(name="Hội đồng TW", level="central").pk


def test_a_council_has_one_active_chair_and_a_user_sits_once():
    council = CouncilFactory()
    CouncilMembership.objects.create(council=council, user=UserFactory(), role="chair")
    rejects(lambda: CouncilMembership.objects.create(council=council, user=UserFactory(), role="chair"))
    member = UserFactory()
    CouncilMembership.objects.create(council=council, user=member, role="member")
    rejects(lambda: CouncilMembership.objects.create(council=council, user=member, role="secretary"))


def test_roles_are_scoped_to_a_unit_except_national_ones():
    user = UserFactory()
    rejects(lambda: RoleAssignment.objects.create(user=user, role="commune_officer", unit=None))
    rejects(lambda: RoleAssignment.objects.create(user=user, role="central_office", unit=CommuneFactory()))
    RoleAssignment.objects.create(user=user, role="central_office")
    rejects(lambda: RoleAssignment.objects.create(user=user, role="central_office"))


def test_targets_need_a_positive_count_and_a_plausible_year():
    unit = ProvinceFactory()
    rejects(lambda: UnitTarget.objects.create(unit=unit, year=2025, target_count=0))
    rejects(lambda: UnitTarget.objects.create(unit=unit, year=1990, target_count=5))
    rejects(lambda: UnitTarget.objects.create(unit=unit, year=2025, min_stars=6, target_count=5))
    assert UnitTarget.objects.create(unit=unit, year=2025, target_count=60).pk
