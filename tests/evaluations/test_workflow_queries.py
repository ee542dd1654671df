"""Query counts of the workflow pages stay flat as the lists grow (no per-row queries)."""

import datetime

import pytest

from districts.models import CouncilMembership
from evaluations.models import (
    Decision,
    DecisionItem,
    Dossier,
    EvaluationResult,
    MemberScoreSheet,
    Round,
    RuleVersion,
)
from evaluations.services import scoring
from tests.evaluations.workflow_helpers import (
    Province,
    as_user,
    make_product,
    options_for_total,
    scoring_round,
    sheet_data_for,
    user,
)
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def p():
    return Province("41", "Tỉnh Đếm Truy Vấn").build("dq")


def make_round(p, name="Đợt đếm"):
    return scoring_round(p, name)


def add_dossiers(p, round_, count):
    version = RuleVersion.objects.get(code="QD26_2026")
    for index in range(count):
        product = make_product(p.commune if index % 2 else p.other_commune, number=1 + index % 5)
        Dossier.objects.create(
            product=product,
            rule_version=version,
            intake_unit=product.commune,
            status="in_round",
            round=round_,
            stage_level="province",
        )


@pytest.mark.parametrize("count", [5, 40])
def test_dossier_list_is_a_fixed_number_of_queries(p, count, django_assert_max_num_queries):
    add_dossiers(p, make_round(p), count)
    client = as_user(p.office)
    with django_assert_max_num_queries(9):
        response = client.get("/can-bo/ho-so/")
    assert response.status_code == 200 and response.content.decode().count("badge-dossier") == min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_round_pages_are_a_fixed_number_of_queries(p, count, django_assert_max_num_queries):
    for index in range(count // 3):
        add_dossiers(p, make_round(p, f"Đợt {index}"), 3)
    round_ = Round.objects.first()
    office, member, chair = as_user(p.office), as_user(p.members[0]), as_user(p.chair)
    with django_assert_max_num_queries(9):
        assert office.get("/can-bo/dot-danh-gia/").status_code == 200
    with django_assert_max_num_queries(14):
        assert member.get(f"/can-bo/dot-danh-gia/{round_.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert chair.get("/can-bo/").status_code == 200


@pytest.mark.parametrize("items", [2, 20])
def test_decision_pages_are_a_fixed_number_of_queries(p, items, django_assert_max_num_queries):
    round_ = make_round(p)
    add_dossiers(p, round_, items)
    decision = Decision.objects.create(
        number="5/QĐ-dem",
        issued_on=datetime.date(2026, 12, 1),
        authority="UBND",
        level="province",
        unit=p.province,
        rule_version=round_.rule_version,
        council=p.council,
    )
    for dossier in Dossier.objects.filter(round=round_):
        result = EvaluationResult.objects.create(
            dossier=dossier,
            round=round_,
            mean_score=75,
            stars=4,
            outcome="recognised",
            is_final=True,
            recognised_by_level="province",
        )
        DecisionItem.objects.create(decision=decision, product=dossier.product, dossier=dossier, result=result, stars=4)
    client = as_user(p.secretary)
    with django_assert_max_num_queries(10):
        assert client.get("/can-bo/quyet-dinh/").status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(f"/can-bo/quyet-dinh/{decision.pk}/")
    assert page.content.decode().count("★★★★") == items


@pytest.mark.parametrize("size", [5, 15])
def test_result_page_for_a_large_council_is_a_fixed_number_of_queries(p, size, django_assert_max_num_queries):
    """The chair's result page, council of up to 15 scoring members, 28-criterion sheet."""
    for index in range(size - 5):
        CouncilMembership.objects.create(council=p.council, user=user(f"dq_extra{index}"), role="member")
    round_ = make_round(p)
    add_dossiers(p, round_, 1)
    dossier = Dossier.objects.get(round=round_)
    sheet = sheet_data_for(dossier.product)
    members = [m.user for m in CouncilMembership.objects.filter(council=p.council, role__in=["chair", "member"])]
    for index, member in enumerate(members):
        scoring.save_sheet(
            actor=member,
            dossier=dossier,
            round_=round_,
            sheet_data=sheet,
            choices={cid: (oid, "") for cid, oid in options_for_total(sheet, 70 + index % 9).items()},
            submit=True,
        )
    assert MemberScoreSheet.objects.filter(dossier=dossier, status="submitted").count() == size
    chair = as_user(p.chair)
    with django_assert_max_num_queries(16):
        response = chair.get(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/ket-qua/")
    assert response.status_code == 200
    assert response.content.decode().count("Đã nộp") == size


def test_score_form_is_a_fixed_number_of_queries(p, django_assert_max_num_queries):
    round_ = make_round(p)
    add_dossiers(p, round_, 1)
    dossier = Dossier.objects.get(round=round_)
    sheet_data_for(dossier.product)  # the sheet tree is cached per process after its first read
    member = as_user(p.members[0])
    with django_assert_max_num_queries(16):
        response = member.get(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/cham-diem/")
    assert response.status_code == 200 and response.content.decode().count('type="radio"') > 60
